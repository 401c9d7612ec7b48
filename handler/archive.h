/*
 * archive.h: the log.  One append-only JSON-lines file per receipt day,
 * spool/archive/YYYY-MM-DD.jsonl: the source of truth every view is
 * derived from.
 */
#ifndef YH_ARCHIVE_H
#define YH_ARCHIVE_H

#include <sys/types.h>
#include <stddef.h>

#include "spool.h"

/* Called with each line, newline removed; a non-zero return stops the scan and is returned. */
typedef int (*arc_line_fn)(const char *line, size_t len, off_t end, void *arg);

/*
 * Append buf (whole lines) to the day's file and fdatasync it, and its
 * directory when the file is new.  This is the commit point of a batch.
 * Sets *end to the file's new length.  Returns 0, or -1 with errno; after
 * -1 nothing may be acknowledged.
 */
int	 arc_append(const struct spool *, int day, const void *buf, size_t len, off_t *end);

/* The path of the day's file: 0, or -1 (too long). */
int	 arc_path(const struct spool *, int day, char *buf, size_t len);

/* The day's file length, 0 when absent: 0, or -1 with errno. */
int	 arc_size(const struct spool *, int day, off_t *size);

/*
 * Cut an incomplete last line after offset from (a line without its
 * newline: the torn tail of a crashed append), then fdatasync.  A complete
 * line is never cut, well-formed or not: the views skip a malformed one and
 * --verify reports it.  Sets *end to the new length.  Returns 0, or -1
 * with errno.
 */
int	 arc_repair(const struct spool *, int day, off_t from, off_t *end);

/*
 * Call fn for each line between offsets from and to (to < 0: end of file).
 * Returns 0, fn's non-zero value, or -1 with errno.
 */
int	 arc_scan(const struct spool *, int day, off_t from, off_t to,
	    arc_line_fn fn, void *arg);

/* Whether a line (newline removed) is a well-formed archive line. */
int	 arc_line_valid(const char *line, size_t len);

/* The days that have a file, ascending, in a malloc'd array: 0, or -1 with errno. */
int	 arc_days(const struct spool *, int **days, size_t *n);

/* A byte range of a day's file: whole lines. */
struct arc_range {
	off_t	 off, len;
};

/*
 * Called once a rewritten day is durable under its temporary name tmp
 * (inode ino), before it replaces the day's file at path; a non-zero
 * return keeps the day as it was.
 */
typedef int (*arc_ready_fn)(const char *tmp, const char *path, ino_t ino, void *arg);

/*
 * Write the day's file anew without the n ranges of cut (ascending), whole
 * to a temporary name in archive/, fdatasync it, call ready, rename it over
 * the day and sync the directory: a crash at any instant leaves the old
 * file or the new one.  Under the writer lock, after arc_repair.  Returns
 * 0, or -1 with errno (the day replaced only when ready was called).
 */
int	 arc_rewrite(const struct spool *, int day, const struct arc_range *cut, size_t n,
	    arc_ready_fn ready, void *arg);

#endif

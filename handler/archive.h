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

#endif

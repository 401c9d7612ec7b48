/*
 * archive.h: the log.  One append-only JSON-lines file per receipt day,
 * spool/archive/YYYY-MM-DD.jsonl: the source of truth every view is
 * derived from.  A closed day may be compressed to YYYY-MM-DD.jsonl.gz;
 * every function below takes both forms, and offsets always count the
 * uncompressed bytes.
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

/* The path of the day's compressed file: 0, or -1 (too long). */
int	 arc_gz_path(const struct spool *, int day, char *buf, size_t len);

/*
 * The day's length in uncompressed bytes, 0 when absent: 0, or -1 with
 * errno.  A compressed day's is read from its gzip header (the "YH" extra
 * field arc_wcommit writes), not from ISIZE, which wraps at 4 GiB.
 */
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

/*
 * The day's length found by reading it whole (a compressed day inflated,
 * its CRC checked), 0 when absent: 0, or -1 with errno (EIO: damaged).
 */
int	 arc_length(const struct spool *, int day, off_t *len);

/* Whether a line (newline removed) is a well-formed archive line. */
int	 arc_line_valid(const char *line, size_t len);

/* The days that have a file, ascending, in a malloc'd array: 0, or -1 with errno. */
int	 arc_days(const struct spool *, int **days, size_t *n);
/*
 * The days named YYYY-MM-DD followed by one of suffixes (NULL-terminated)
 * in dir, each once, ascending, in a malloc'd array; none when dir is
 * absent.  0, or -1 with errno.
 */
int	 arc_list_days(const char *dir, const char *const *suffixes, int **days, size_t *n);
/* The days of plain and of compressed files, as arc_list_days of each but in one pass: 0, or -1. */
int	 arc_list_forms(const struct spool *, int **plain, size_t *np, int **gz, size_t *nz);

/*
 * A whole day's file written anew from a stream of lines, in either form
 * (gz set: YYYY-MM-DD.jsonl.gz, else .jsonl).  arc_wopen makes a
 * temporary file in spool/tmp: the writer, or NULL with errno.  arc_wadd
 * adds a line (newline removed; it adds one): 0, or -1.  arc_wcommit
 * finishes the file, fdatasyncs it, renames it over the day's file of its
 * form, syncs archive/, and only then removes the day's file of the other
 * form (and syncs again): 0, or -1 with errno.  arc_wabort drops the
 * temporary file.  Both free the writer.  A kill -9 at any point leaves
 * the day's old file or the new one whole; where both forms are left,
 * readers take the plain one.  Call under the writer lock.
 */
struct arc_writer;
struct arc_writer *arc_wopen(const struct spool *, int day, int gz);
int	 arc_wadd(struct arc_writer *, const char *line, size_t len);
int	 arc_wcommit(struct arc_writer *);
void	 arc_wabort(struct arc_writer *);

/*
 * Compress a closed day: its plain file (when there is one) becomes
 * YYYY-MM-DD.jsonl.gz, line for line, through arc_wcommit.  Under the
 * writer lock, on a day no writer can pick any more.  1 when it
 * compressed, 0 when the day has no plain file, -1 with errno.
 */
int	 arc_compress(const struct spool *, int day);

/*
 * Remove the day's gz file, when there is one, and sync archive/: what
 * ends a rewrite into a plain file.  0, or -1 with errno.
 */
int	 arc_drop_gz(const struct spool *, int day);

/* Remove the day's files, both forms, and sync archive/: 0, or -1 with errno. */
int	 arc_remove(const struct spool *, int day);

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
 * file or the new one.  The new file is plain; a compressed day's gz goes
 * after the rename (arc_drop_gz; the plain file is the day meanwhile), and
 * the next compression pass compresses the day again.  Under the writer
 * lock, after arc_repair.  Returns 0, or -1 with errno (the day replaced
 * only when ready was called).
 */
int	 arc_rewrite(const struct spool *, int day, const struct arc_range *cut, size_t n,
	    arc_ready_fn ready, void *arg);

#endif

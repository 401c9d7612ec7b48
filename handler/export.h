/*
 * export.h: archived events out of the spool, for people and programs:
 * --export (one file for a range of days) and the consumers' --tail.
 * CSV has the columns of the STATUS files after a first column, day;
 * JSON lines are the archive lines byte for byte.
 */
#ifndef YH_EXPORT_H
#define YH_EXPORT_H

#include <sys/types.h>
#include <stddef.h>

struct conf;
struct spool;
struct ut_progress;

enum ex_format {
	EX_CSV,
	EX_JSONL,
	EX_XLSX		/* --export only: a workbook, one sheet per STATUS */
};

struct ex_opts {
	int		  from, to;	/* day numbers, inclusive */
	const char	**status;	/* STATUS names to keep; none: all */
	size_t		  nstatus;
	enum ex_format	  format;
	const char	 *output;	/* NULL: standard output */
};

/* A place in the archive: a receipt day and a byte offset in its file. */
struct ex_pos {
	int	 day;
	off_t	 off;
};

/* Whether o's STATUS filter keeps a STATUS: 1 or 0. */
int	 ex_wanted(const struct ex_opts *o, const char *status);

/*
 * Open the spool into sp, and list its archive days from..to with how long
 * each is now, as far as it is committed: learnt under the writer lock (a
 * writer syncs or cuts back its append before it lets go), so what lies
 * below can be read while writers go on.  Sets malloc'd arrays.  Returns
 * 0, or -1 with errno.
 */
int	 ex_days(const struct conf *, struct spool *sp, int from, int to, int **days,
	    off_t **sizes, size_t *n);

/*
 * Write to fd, in o's format and with o's STATUS filter, the events of the
 * n days (with their sizes from ex_days) that lie after from, at most max
 * of them (max < 0: all).  Sets *end to the place after the last one
 * written (from when none) and *count.  Memory does not grow with the
 * range; with progress not NULL (started for n days), its line shows each
 * day done and is ended.  0, or -1 with errno.
 */
int	 ex_stream(const struct conf *, const struct spool *, const struct ex_opts *o, int fd,
	    const int *days, const off_t *sizes, size_t n, struct ex_pos from,
	    long long max, struct ut_progress *progress, struct ex_pos *end,
	    long long *count);

/*
 * --export: the events of o's range in arrival order.  An output file
 * appears whole or not at all.  Returns 0, or -1 with the reason on stderr.
 */
int	 ex_export(const struct conf *, const struct ex_opts *);

#endif

/*
 * csvview.h: the CSV view of one receipt day.
 *
 * <csv_dir>/YYYY-MM-DD/STATUS.csv and summary.csv are derived from the
 * day's archive file.  A checkpoint, <views>/YYYY-MM-DD.ckpt, replaced
 * atomically after the CSV bytes are durable, records how much of the
 * archive they hold, the length of each CSV file, and the summary counts.
 * Rows past a checkpoint's lengths are residue of a crash and are
 * overwritten, so replaying the archive from the checkpoint repairs the day.
 */
#ifndef YH_CSVVIEW_H
#define YH_CSVVIEW_H

#include <sys/types.h>

#include "event.h"
#include "util.h"

struct cv_ctx {
	const char	*csv_dir;
	const char	*views_dir;
	int		 guard;		/* csv_formula_guard */
};

struct cv_file {
	char		 status[EV_STATUS_MAX + 1];
	off_t		 len;		/* durable length per the checkpoint */
	struct ut_buf	 rows;		/* rows not yet written */
};

struct cv_sum {
	char		*cells;		/* four cell texts back to back */
	size_t		 len[4];
	unsigned long long count;
};

struct cv_day {
	int		 day;
	off_t		 archive_len;	/* archive bytes the view holds */
	struct cv_file	*files;
	size_t		 nfiles;
	struct cv_sum	*sums;		/* sorted as summary.csv is */
	size_t		 nsums;
	int		 changed;
};

/*
 * Load a day's checkpoint.  Returns 0 (an absent checkpoint is an empty
 * day), 1 when it is unreadable (d is then empty: rebuild the day), or -1
 * with errno.
 */
int	 cv_load(const struct cv_ctx *, int day, struct cv_day *d);

/*
 * Remove CSV files of the day that the checkpoint does not know, residue of
 * an interrupted first write.  Returns 0, or -1 with errno.
 */
int	 cv_prune(const struct cv_ctx *, const struct cv_day *d);

/* Add an event's row (receipt stamp given) to the day: 0, or -1 with errno. */
int	 cv_add(const struct cv_ctx *, struct cv_day *, const struct ev *, const char *stamp);

/*
 * Write the pending rows after each file's checkpointed length and make
 * them durable, then summary.csv, then the checkpoint saying the view holds
 * archive_len bytes.  Returns 0; 1 when a CSV file is shorter than its
 * checkpoint says (the day must be rebuilt); -1 with errno.
 */
int	 cv_commit(const struct cv_ctx *, struct cv_day *, off_t archive_len);

void	 cv_free(struct cv_day *);

/* The CSV header row, CRLF included. */
extern const char cv_header[];

#endif

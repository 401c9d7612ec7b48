/*
 * csvview.h: the CSV view of one receipt day.
 *
 * <csv_dir>/YYYY-MM-DD/STATUS.csv and summary.csv are derived from the
 * day's archive file.  The day's state (how much of the archive the files
 * hold, each file's length, the summary counts) is kept twice in <views>:
 * YYYY-MM-DD.hint after every batch, without a sync, naming the boot it was
 * written in; and YYYY-MM-DD.ckpt, the checkpoint, replaced durably after
 * the files are synced.  A kill cannot lose what the page cache holds, so a
 * hint of this boot describes the files exactly; after a power cut only
 * the checkpoint does.  Rows past the recorded lengths are residue of a
 * crash: replaying the archive from the state repairs the day.
 */
#ifndef YH_CSVVIEW_H
#define YH_CSVVIEW_H

#include <sys/types.h>

#include <limits.h>
#include <time.h>

#include "event.h"
#include "util.h"

/* Where a view's update failed first, for the caller's log line. */
struct cv_fault {
	const char	*op;		/* "cannot write" ...; NULL: nothing failed */
	char		 path[PATH_MAX];
	int		 error;		/* its errno */
};

struct cv_ctx {
	const char	*csv_dir;
	const char	*views_dir;
	int		 guard;		/* csv_formula_guard */
	int		 max_files;	/* max_status_files: later statuses go to OTHER */
	struct cv_fault	*fault;		/* NULL, or where to note the first failure */
};

struct cv_file {
	char		 status[EV_STATUS_MAX + 1];
	off_t		 len;		/* length per the day's state */
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
	time_t		 durable_at;	/* when the last checkpoint was made */
	struct cv_file	*files;
	size_t		 nfiles;
	struct cv_sum	*sums;		/* sorted as summary.csv is */
	size_t		 nsums;
	int		 changed;
	struct ut_buf	 scratch[2];	/* cell texts while adding a row */
};

/* What a day's view came to, where the caller must tell the outcomes apart. */
enum cv_result {
	CV_FAIL = -1,	/* an error, in errno */
	CV_OK = 0,
	CV_REBUILD = 1	/* the files or the state disagree: make the whole day anew */
};

/*
 * Load a day's state: its hint when written in this boot (*trusted = 1:
 * the files are exactly as it says), else its checkpoint (*trusted = 0).
 * CV_OK (no state at all is an empty day), CV_REBUILD when the checkpoint
 * is unreadable (d is then empty), or CV_FAIL.
 */
enum cv_result	 cv_load(const struct cv_ctx *, int day, struct cv_day *d, int *trusted);

/*
 * Make the day's files what d says before a replay: cut each known file to
 * its length, remove files d does not know (residue of an interrupted first
 * write).  CV_OK; CV_REBUILD when a file is shorter than d says; CV_FAIL.
 */
enum cv_result	 cv_reset(const struct cv_ctx *, const struct cv_day *d);

/* Add an event's row (receipt stamp given) to the day: 0, or -1 with errno. */
int	 cv_add(const struct cv_ctx *, struct cv_day *, const struct ev *, const char *stamp);

/*
 * Write the pending rows after each file's recorded length, then
 * summary.csv, then the hint saying the view holds archive_len bytes; with
 * durable set, sync the day's files and write the checkpoint first.
 * CV_OK; CV_REBUILD when a CSV file is shorter than recorded; CV_FAIL.
 */
enum cv_result	 cv_commit(const struct cv_ctx *, struct cv_day *, off_t archive_len,
		    int durable);

void	 cv_free(struct cv_day *);

/*
 * The text of an event's cell in column col (an enum ev_col, or EV_NCOLS
 * for extra), as the CSV holds it before RFC 4180 quoting, into out
 * (emptied first; empty for a missing member or null).  0, or -1.
 */
int	 cv_cell(const struct cv_ctx *, const struct ev *, int col, struct ut_buf *out);

/*
 * Append an event's CSV row (receipt stamp given, CRLF included) to row,
 * exactly as its STATUS file holds it; cell is scratch space.  0, or -1.
 */
int	 cv_row(const struct cv_ctx *, const struct ev *, const char *stamp,
	    struct ut_buf *row, struct ut_buf *cell);

/* The CSV header row, CRLF included. */
extern const char cv_header[];

#endif

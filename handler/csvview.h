/*
 * csvview.h: the CSV view of one receipt day.
 *
 * <csv_dir>/YYYY-MM-DD/STATUS.csv and summary.csv are derived from the
 * day's archive file.  The day's state (how much of the archive the files
 * hold, each file's length, where the summary counts stand) is kept twice
 * in <views>: YYYY-MM-DD.hint after every batch, without a sync, naming the
 * boot it was written in; and YYYY-MM-DD.ckpt, the checkpoint, replaced
 * durably after the files are synced.  A kill cannot lose what the page
 * cache holds, so a hint of this boot describes the files exactly; after a
 * power cut only the checkpoint does.  Rows past the recorded lengths are
 * residue of a crash: replaying the archive from the state repairs the day.
 *
 * The summary counts live in an append-only journal, YYYY-MM-DD.ID.sums:
 * each batch appends the counts it adds, and the state records the
 * journal's ID and how many of its bytes count.  A batch therefore reads
 * and writes only its own share, whatever the day's size; the whole
 * journal is read only to refresh summary.csv and, at a checkpoint, to
 * compact it into a journal of a new ID.
 */
#ifndef YH_CSVVIEW_H
#define YH_CSVVIEW_H

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
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

#define CV_ID_LEN	16	/* hex digits of a summary journal's ID */

struct cv_day {
	int		 day;
	off_t		 archive_len;	/* archive bytes the view holds */
	time_t		 durable_at;	/* when the last checkpoint was made */
	time_t		 summary_at;	/* when summary.csv was last written */
	off_t		 summary_len;	/* archive bytes summary.csv holds */
	char		 sums_id[CV_ID_LEN + 1];	/* the journal's ID; "" none yet */
	off_t		 sums_len;	/* journal bytes the state holds */
	off_t		 sums_base;	/* its length when it was made */
	int		 sums_made;	/* made since the last checkpoint: older ones go */
	struct cv_file	*files;
	size_t		 nfiles;
	struct cv_sum	*sums;		/* counts not yet in the journal, in
					   arrival order (after cv_load: all
					   of them, sorted as summary.csv is) */
	size_t		 nsums;
	size_t		 sums_cap;	/* room in sums */
	uint32_t	*sum_slot;	/* cv_add's index of sums: 1 + place, 0 none */
	size_t		 sum_slots;	/* slots in sum_slot, a power of two */
	struct ut_buf	 scratch[2];	/* cell texts while adding a row */
};

/* What a day's view came to, where the caller must tell the outcomes apart. */
enum cv_result {
	CV_FAIL = -1,	/* an error, in errno */
	CV_OK = 0,
	CV_REBUILD = 1	/* the files or the state disagree: make the whole day anew */
};

/*
 * Open a day's state for a writer: its hint when written in this boot
 * (*trusted = 1: the files are exactly as it says), else its checkpoint
 * (*trusted = 0); d->sums is empty, ready for the counts cv_add adds.
 * CV_OK (no state at all is an empty day), CV_REBUILD when the checkpoint
 * is unreadable (d is then empty), or CV_FAIL.
 */
enum cv_result	 cv_open(const struct cv_ctx *, int day, struct cv_day *d, int *trusted);

/*
 * cv_open for readers, with every summary count of the day in d->sums:
 * CV_REBUILD also when the journal does not hold what the state says.
 * Such a d is for reading, never for cv_commit.
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

/* What cv_commit does beside writing the rows and counts. */
#define CV_DURABLE	1	/* sync the day's files, write the checkpoint */
#define CV_SUMMARY	2	/* write summary.csv from all the day's counts */

/*
 * Write the pending rows after each file's recorded length and the
 * pending counts after the journal's, then (CV_SUMMARY) summary.csv, then
 * the hint saying the view holds archive_len bytes; with CV_DURABLE, sync
 * the day's files and the journal (compacting it when it has doubled) and
 * write the checkpoint first.  CV_OK; CV_REBUILD when a CSV file is
 * shorter than recorded or the journal does not hold what the state says;
 * CV_FAIL.
 */
enum cv_result	 cv_commit(const struct cv_ctx *, struct cv_day *, off_t archive_len,
		    int how);

void	 cv_free(struct cv_day *);

/*
 * Remove a day's state from views_dir: its hint, its checkpoint and every
 * summary journal of the day, without syncing the directory.  0, or -1
 * with errno.
 */
int	 cv_remove_state(const char *views_dir, int day);

/* Free d and make it an empty view of its day, as before its first row. */
void	 cv_empty(struct cv_day *d);

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

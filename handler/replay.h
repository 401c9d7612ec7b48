/*
 * replay.h: deriving the views (index, CSVs, summaries) from the archive:
 * the repair after a crash, and the replay --rebuild and --verify
 * (check.h) use.
 */
#ifndef YH_REPLAY_H
#define YH_REPLAY_H

#include <stdio.h>

#include "csvview.h"
#include "index.h"
#include "spool.h"

/* A replay of archive days into a CSV view, and into an index or two. */
struct rp_replay {
	const struct cv_ctx	*cx;
	struct cv_day		*d;
	struct ix		*ix;	/* NULL: leave the index alone */
	struct ix		*seen;	/* --verify: keys met so far, to find repeats */
	FILE			*msg;	/* NULL: stderr */
	struct ev		 e;
	size_t			 pending;
	size_t			 line;		/* of the day, when replayed from its start */
	unsigned long long	 events;	/* rows added to the view, over all calls */
	int			 findings;	/* repeated keys and foreign lines seen */
	int			 short_file;	/* a CSV file was shorter than its checkpoint */
};

/* Parse an archive line into e and key it: 1; 0 when it is malformed (skip it); -1. */
int	 rp_key_line(const char *line, size_t len, struct ev *e, struct ev_key *k);

/*
 * Replay r->d's day from archive byte from to byte to (from 0: the whole
 * day, its views made anew), then sync r->ix and checkpoint the view.
 * 0, or -1 with errno (r->short_file set: only the whole day mends it).
 */
int	 rp_replay_day(struct rp_replay *r, const struct spool *, off_t from, off_t to);

/*
 * Bring a day's views up to date with its archive, under the spool lock.
 * When a hint of this boot says they are, that is all; else cut a torn
 * tail, then replay what the day's state does not hold (all of the day
 * when the checkpoint is lost or the files disagree with it) and make a
 * checkpoint.  RP_OK with the day's state in d; RP_BEHIND when a view
 * could not be written (noted in the context's fault) but the archive is
 * whole and the index holds every key of the day: d is then empty, the
 * views stay behind; RP_FAIL, errno set, when the archive or the index
 * failed.
 */
enum rp_result {
	RP_FAIL = -1,
	RP_OK = 0,
	RP_BEHIND = 1
};
enum rp_result	 rp_settle(const struct cv_ctx *, const struct spool *, struct ix *,
		    int day, struct cv_day *d);

/*
 * Whether this binary may use the spool (sp_check_format), a refusal
 * logged to msg.
 */
enum sp_format_fit	 rp_check_format(const struct spool *, FILE *msg);

/*
 * Open the index for a batch received on day today; when it is damaged or
 * missing, make it anew from the archive days within the window.  0, or -1
 * with errno.
 */
int	 rp_open_index(const struct spool *, struct ix *, int today, int window);

#endif

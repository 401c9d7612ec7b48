/*
 * replay.h: deriving the views (index, CSVs, summaries) from the archive:
 * the repair after a crash, --rebuild and --verify.
 */
#ifndef YH_REPLAY_H
#define YH_REPLAY_H

#include <stdio.h>

#include "csvview.h"
#include "index.h"
#include "spool.h"

struct conf;

/*
 * Bring a day's views up to date with its archive, under the spool lock.
 * When a hint of this boot says they are, that is all; else cut a torn
 * tail, then replay what the day's state does not hold (all of the day
 * when the checkpoint is lost or the files disagree with it) and make a
 * checkpoint.  Returns 0 with the day's state in d; 1 when a view could
 * not be written (noted in the context's fault) but the archive is whole
 * and the index holds every key of the day: d is then empty, the views
 * stay behind; -1 with errno when the archive or the index failed.
 */
int	 rp_settle(const struct cv_ctx *, const struct spool *, struct ix *,
	    int day, struct cv_day *d);

/*
 * Open the index for a batch received on day today; when it is damaged or
 * missing, make it anew from the archive days within the window.  0, or -1
 * with errno.
 */
int	 rp_open_index(const struct spool *, struct ix *, int today, int window);

/* --rebuild: every view anew from the archive.  0, or -1 (reported to msg). */
int	 rp_rebuild(const struct conf *, FILE *msg);

/* --verify: 0 when the views match the archive and no key repeats; 1 otherwise, each finding on msg. */
int	 rp_verify(const struct conf *, FILE *msg);

#endif

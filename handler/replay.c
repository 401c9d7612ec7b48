/*
 * replay.c: the views as functions of the archive.
 *
 * Replaying archive lines into the index and the CSV view is the one way
 * views are made: by a writer after a crash (rp_settle), by --rebuild, and
 * by --verify into a scratch directory to compare (check.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "erased.h"
#include "fsio.h"
#include "replay.h"
#include "util.h"

/* Pending rows beyond this are written out during a long replay. */
#define REPLAY_FLUSH	(16u << 20)

int
rp_key_line(const char *line, size_t len, struct ev *e, struct ev_key *k)
{
	if (!arc_line_valid(line, len))
		return 0;
	if (ev_parse(e, line, len, 1) != 0)
		return -1;
	ev_key(e, k);
	return 1;
}

static int
replay_line(const char *line, size_t len, off_t end, void *arg)
{
	struct rp_replay	*r = arg;
	struct ev_key		 k;
	enum cv_result		 cr;
	char			 ymd[11];
	int			 rc;

	r->line++;
	if ((rc = rp_key_line(line, len, &r->e, &k)) != 1) {
		ut_format_day(r->d->day, ymd);
		if (rc == 0 && r->seen != NULL) {
			/* Not made by a writer (no receipt stamp last, or not compact JSON): reported, never cut. */
			fprintf(r->msg, "archive/%s.jsonl:%zu: not an archive line (one "
			    "compact JSON object ending in \"_receivedAt\"); the views "
			    "skip it; fix or remove it by hand\n", ymd, r->line);
			r->findings++;
		} else if (rc == 0)
			fprintf(r->msg ? r->msg : stderr, "yespo-hook: archive/%s.jsonl: "
			    "skipping a malformed line ending at byte %lld\n", ymd, (long long)end);
		return rc;
	}
	if (r->seen != NULL) {
		r->seen->today = r->d->day;
		if ((rc = ix_has(r->seen, &k)) == -1)
			return -1;
		if (rc == 1) {
			ut_format_day(r->d->day, ymd);
			fprintf(r->msg, "archive/%s.jsonl: the event ending at byte %lld "
			    "repeats a key stored within dedup_window_days\n", ymd, (long long)end);
			r->findings++;
		}
		if (ix_add(r->seen, &k, r->d->day) == -1)
			return -1;
	}
	if (r->ix != NULL && r->d->day + r->ix->window >= r->ix->today &&
	    ix_add(r->ix, &k, r->d->day) == -1)
		return -1;
	if (cv_add(r->cx, r->d, &r->e, r->e.stamp) == -1)
		return -1;
	r->events++;
	r->pending += len;
	if (r->pending > REPLAY_FLUSH) {
		/* The keys reach the file before the views say they cover these lines. */
		if (r->ix != NULL && ix_flush(r->ix) == -1)
			return -1;
		if ((cr = cv_commit(r->cx, r->d, end, 0)) != CV_OK) {
			r->short_file = cr == CV_REBUILD;
			return -1;
		}
		r->pending = 0;
	}
	return 0;
}

static int	 reindex_day(const struct spool *, struct ix *, int, off_t, off_t);

int
rp_replay_day(struct rp_replay *r, const struct spool *sp, off_t from, off_t to)
{
	enum cv_result	 rc;

	if (from == 0) {
		cv_empty(r->d);
		r->line = 0;
	}
	if ((rc = cv_reset(r->cx, r->d)) != CV_OK) {
		r->short_file = rc == CV_REBUILD;
		return -1;
	}
	r->pending = 0;
	if (arc_scan(sp, r->d->day, from, to, replay_line, r) != 0)
		return -1;
	if (r->ix != NULL && ix_sync(r->ix) == -1)
		return -1;
	/* summary.csv is rewritten even when no row is added. */
	rc = cv_commit(r->cx, r->d, to, CV_DURABLE | CV_SUMMARY);
	r->short_file = rc == CV_REBUILD;
	return rc == CV_OK ? 0 : -1;
}

enum rp_result
rp_settle(const struct cv_ctx *cx, const struct spool *sp, struct ix *ix,
    int day, struct cv_day *d)
{
	struct rp_replay r;
	enum cv_result	 loaded;
	char		 ymd[11];
	off_t		 size, end, from;
	int		 rc, trusted;

	if ((loaded = cv_open(cx, day, d, &trusted)) == CV_FAIL ||
	    arc_size(sp, day, &size) == -1)
		goto fail;
	if (loaded == CV_OK && trusted && size == d->archive_len)
		return RP_OK;
	from = loaded == CV_REBUILD || size < d->archive_len ? 0 : d->archive_len;
	if (arc_repair(sp, day, from, &end) == -1)
		goto fail;
	memset(&r, 0, sizeof(r));
	r.cx = cx;
	r.d = d;
	r.ix = ix;
	rc = rp_replay_day(&r, sp, from, end);
	if (rc == -1 && r.short_file)	/* files lost bytes: only the whole day can mend them */
		rc = rp_replay_day(&r, sp, 0, end);
	ev_free(&r.e);
	if (rc == 0)
		return RP_OK;
	/*
	 * The index holds the day up to from, as the views' state does.  When
	 * the rest goes into the index alone, the archive and the index are
	 * sound and what failed was a view: it must not stop the next append.
	 */
	cv_free(d);
	if (day + ix->window >= ix->today && reindex_day(sp, ix, day, from, end) == -1)
		goto fail;
	return RP_BEHIND;
fail:
	ut_format_day(day, ymd);
	ut_log("repairing archive/%s.jsonl and the index: %s",
	    ymd, strerror(errno));
	cv_free(d);
	return RP_FAIL;
}

struct reindex {
	struct ix	*ix;
	struct ev	 e;
	int		 day;
};

static int
reindex_line(const char *line, size_t len, off_t end, void *arg)
{
	struct reindex	*r = arg;
	struct ev_key	 k;
	int		 rc;

	(void)end;
	if ((rc = rp_key_line(line, len, &r->e, &k)) != 1)
		return rc;
	return ix_add(r->ix, &k, r->day);
}

/* Add the keys of a day's archive lines between from and to (< 0: the end) to the index: 0, or -1. */
static int
reindex_day(const struct spool *sp, struct ix *ix, int day, off_t from, off_t to)
{
	struct reindex	 r;
	int		 rc;

	memset(&r, 0, sizeof(r));
	r.ix = ix;
	r.day = day;
	rc = arc_scan(sp, day, from, to, reindex_line, &r);
	ev_free(&r.e);
	return rc == 0 ? 0 : -1;
}

enum sp_format_fit
rp_check_format(const struct spool *sp, FILE *msg)
{
	char			 err[PATH_MAX + 128];
	enum sp_format_fit	 rc;

	if ((rc = sp_check_format(sp, err, sizeof(err))) == SP_FORMAT_REFUSED)
		fprintf(msg, "yespo-hook: %s\n", err);
	return rc;
}

int
rp_open_index(const struct spool *sp, struct ix *ix, int today, int window)
{
	struct stat		 st;
	enum sp_format_fit	 fit;
	int			*days = NULL, rc = -1;
	size_t			 n = 0, j;

	if ((fit = rp_check_format(sp, stderr)) == SP_FORMAT_REFUSED)
		return -1;
	if (fit == SP_FORMAT_OLDER && fio_stat(sp->index, &st) == 0) {
		ut_log("%s: upgrading the spool to format %d: "
		    "making the index anew from the archive", sp->root, SP_FORMAT);
		if (ix_remove(sp->index) == -1)
			return -1;
	}
	if (ix_open(ix, sp->index, today, window) == 0) {
		if (!ix->created)
			return 0;
		/* None was there: on a spool with an archive, it was lost. */
	} else {
		if (errno != EINVAL)
			return -1;
		ut_log("%s is damaged or was not finished; making it anew from the archive",
		    sp->index);
		if (ix_remove(sp->index) == -1 || ix_open(ix, sp->index, today, window) == -1)
			return -1;
	}
	if (arc_days(sp, &days, &n) == -1)
		goto done;
	for (j = 0; j < n; j++)
		if (days[j] + window >= today &&
		    reindex_day(sp, ix, days[j], 0, -1) == -1)
			goto done;
	/* The format is recorded only once the index it names is durable. */
	if (ek_add_keys(sp, ix) == 0 && (rc = ix_sync(ix)) == 0 && fit == SP_FORMAT_OLDER)
		rc = sp_set_format(sp);
done:
	if (rc == -1)
		(void)ix_close(ix);
	free(days);
	return rc;
}

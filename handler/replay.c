/*
 * replay.c: the views as functions of the archive.
 *
 * Replaying archive lines into the index and the CSV view is the one way
 * views are made: by a writer after a crash (rp_settle), by --rebuild, and
 * by --verify into a scratch directory to compare.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "conf.h"
#include "fsio.h"
#include "ingest.h"
#include "replay.h"
#include "util.h"

/* Pending rows beyond this are written out during a long replay. */
#define REPLAY_FLUSH	(16u << 20)
#define LOCK_WAIT_MS	60000

struct replay {
	const struct cv_ctx	*cx;
	struct cv_day		*d;
	struct ix		*ix;	/* NULL: leave the index alone */
	struct ix		*seen;	/* --verify: keys met so far, to find repeats */
	FILE			*msg;
	struct ev		 e;
	size_t			 pending;
	size_t			 line;		/* of the day, when replayed from its start */
	int			 findings;
	int			 short_file;	/* a CSV file was shorter than its checkpoint */
};

/* Parse an archive line and key it: 1; 0 when it is malformed (skip it); -1. */
static int
key_line(const char *line, size_t len, struct ev *e, struct ev_key *k)
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
	struct replay	*r = arg;
	struct ev_key	 k;
	char		 ymd[11];
	int		 rc;

	r->line++;
	if ((rc = key_line(line, len, &r->e, &k)) != 1) {
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
	r->pending += len;
	if (r->pending > REPLAY_FLUSH) {
		if ((rc = cv_commit(r->cx, r->d, end, 0)) != 0) {
			r->short_file = rc == 1;
			return -1;
		}
		r->pending = 0;
	}
	return 0;
}

static int	 reindex_day(const struct spool *, struct ix *, int, off_t, off_t);

/* Replay a day's archive from byte from (0: the whole day, views made anew). */
static int
replay_day(struct replay *r, const struct spool *sp, off_t from, off_t to)
{
	int	 rc;

	if (from == 0) {
		cv_free(r->d);
		r->d->archive_len = 0;
	}
	r->d->changed = 1;	/* summary.csv is rewritten even when no row is added */
	if ((rc = cv_reset(r->cx, r->d)) != 0) {
		r->short_file = rc == 1;
		return -1;
	}
	r->pending = 0;
	r->line = 0;
	if (arc_scan(sp->root, r->d->day, from, to, replay_line, r) != 0)
		return -1;
	if (r->ix != NULL && ix_sync(r->ix) == -1)
		return -1;
	rc = cv_commit(r->cx, r->d, to, 1);
	r->short_file = rc == 1;
	return rc == 0 ? 0 : -1;
}

int
rp_settle(const struct cv_ctx *cx, const struct spool *sp, struct ix *ix,
    int day, struct cv_day *d)
{
	struct replay	 r;
	char		 ymd[11];
	off_t		 size, end, from;
	int		 rc, trusted;

	if ((rc = cv_load(cx, day, d, &trusted)) == -1 ||
	    arc_size(sp->root, day, &size) == -1)
		goto fail;
	if (rc == 0 && trusted && size == d->archive_len)
		return 0;
	from = rc == 1 || size < d->archive_len ? 0 : d->archive_len;
	if (arc_repair(sp->root, day, from, &end) == -1)
		goto fail;
	memset(&r, 0, sizeof(r));
	r.cx = cx;
	r.d = d;
	r.ix = ix;
	rc = replay_day(&r, sp, from, end);
	if (rc == -1 && r.short_file)	/* files lost bytes: only the whole day can mend them */
		rc = replay_day(&r, sp, 0, end);
	ev_free(&r.e);
	if (rc == 0)
		return 0;
	/*
	 * The index holds the day up to from, as the views' state does.  When
	 * the rest goes into the index alone, the archive and the index are
	 * sound and what failed was a view: it must not stop the next append.
	 */
	cv_free(d);
	if (day + ix->window >= ix->today && reindex_day(sp, ix, day, from, end) == -1)
		goto fail;
	return 1;
fail:
	ut_format_day(day, ymd);
	fprintf(stderr, "yespo-hook: repairing archive/%s.jsonl and the index: %s\n",
	    ymd, strerror(errno));
	cv_free(d);
	return -1;
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
	if ((rc = key_line(line, len, &r->e, &k)) != 1)
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
	rc = arc_scan(sp->root, day, from, to, reindex_line, &r);
	ev_free(&r.e);
	return rc == 0 ? 0 : -1;
}

/* sp_check_format, its refusal logged to msg. */
static int
check_format(const struct spool *sp, FILE *msg)
{
	char	 err[PATH_MAX + 128];
	int	 rc;

	if ((rc = sp_check_format(sp, err, sizeof(err))) == -1)
		fprintf(msg, "yespo-hook: %s\n", err);
	return rc;
}

int
rp_open_index(const struct spool *sp, struct ix *ix, int today, int window)
{
	int		*days = NULL, rc = -1, current;
	size_t		 n = 0, j;

	if ((current = check_format(sp, stderr)) == -1)
		return -1;
	if (!current && access(sp->index, F_OK) == 0) {
		fprintf(stderr, "yespo-hook: %s: upgrading the spool to format %d: "
		    "making the index anew from the archive\n", sp->root, SP_FORMAT);
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
		fprintf(stderr, "yespo-hook: %s is damaged; making it anew from the archive\n",
		    sp->index);
		if (ix_remove(sp->index) == -1 || ix_open(ix, sp->index, today, window) == -1)
			return -1;
	}
	if (arc_days(sp->root, &days, &n) == -1)
		goto done;
	for (j = 0; j < n; j++)
		if (days[j] + window >= today &&
		    reindex_day(sp, ix, days[j], 0, -1) == -1)
			goto done;
	/* The format is recorded only once the index it names is durable. */
	if ((rc = ix_sync(ix)) == 0 && !current)
		rc = sp_set_format(sp);
done:
	if (rc == -1)
		(void)ix_close(ix);
	free(days);
	return rc;
}

/*
 * Open the spool and take its lock for a command-line job; refuse a spool
 * of a newer format.  *current says whether the format is this binary's.
 */
static int
lock_spool(const struct conf *cf, struct spool *sp, FILE *msg, int *current)
{
	char	 err[512];

	if (sp_open(sp, cf->spool_dir, err, sizeof(err)) == -1) {
		fprintf(msg, "yespo-hook: %s\n", err);
		return -1;
	}
	if (sp_lock(sp, LOCK_WAIT_MS) == -1) {
		fprintf(msg, "yespo-hook: %s/lock: %s; is a writer stuck?\n",
		    cf->spool_dir, strerror(errno));
		return -1;
	}
	if ((*current = check_format(sp, msg)) == -1) {
		sp_unlock(sp);
		return -1;
	}
	return 0;
}

int
rp_rebuild(const struct conf *cf, FILE *msg)
{
	struct spool	 sp;
	struct cv_ctx	 cx;
	struct cv_fault	 fault = { 0 };
	struct cv_day	 d;
	struct ix	 ix;
	struct replay	 r;
	off_t		 size;
	int		*days = NULL, rc = -1, ixopen = 0, current;
	size_t		 n = 0, j;

	if (lock_spool(cf, &sp, msg, &current) == -1)
		return -1;
	sp_sweep(&sp, 1);
	cx.csv_dir = cf->csv_dir;
	cx.views_dir = sp.views;
	cx.guard = cf->csv_formula_guard;
	cx.max_files = cf->max_status_files;
	cx.fault = &fault;
	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	if (ix_remove(sp.index) == -1 ||
	    ix_open(&ix, sp.index, ut_local_day(time(NULL)), cf->dedup_window_days) == -1)
		goto fail;
	ixopen = 1;
	if (arc_days(sp.root, &days, &n) == -1)
		goto fail;
	r.cx = &cx;
	r.d = &d;
	r.ix = &ix;
	r.msg = msg;
	for (j = 0; j < n; j++) {
		memset(&d, 0, sizeof(d));
		d.day = days[j];
		if (arc_repair(sp.root, d.day, 0, &size) == -1 ||
		    replay_day(&r, &sp, 0, size) == -1)
			goto fail;
		cv_free(&d);
	}
	if (ix_sync(&ix) == -1 || (!current && sp_set_format(&sp) == -1))
		goto fail;
	rc = 0;
	if (sp_clear_views_behind(&sp) == -1)
		fprintf(msg, "yespo-hook: removing %s/behind: %s\n", sp.views, strerror(errno));
	goto done;
fail:
	if (fault.op != NULL)
		fprintf(msg, "yespo-hook: --rebuild: %s %s: %s\n", fault.op, fault.path,
		    strerror(fault.error));
	else
		fprintf(msg, "yespo-hook: --rebuild: %s\n", strerror(errno));
done:
	cv_free(&d);
	ev_free(&r.e);
	if (ixopen && ix_close(&ix) == -1)
		rc = -1;
	free(days);
	sp_unlock(&sp);
	return rc;
}

/* Whether two files hold the same bytes: 1, or 0 (different, or one missing). */
static int
same_file(const char *a, const char *b)
{
	char	*pa = NULL, *pb = NULL;
	size_t	 la, lb;
	int	 same;

	same = fio_slurp(a, &pa, &la) == 0 && fio_slurp(b, &pb, &lb) == 0 &&
	    la == lb && memcmp(pa, pb, la) == 0;
	free(pa);
	free(pb);
	return same;
}

/* Report each file that differs between the day's real and expected CSV directories. */
static int
compare_day(const char *real, const char *want, const char *ymd, FILE *msg)
{
	const char	*dirs[2] = { want, real };
	char		 pa[PATH_MAX], pb[PATH_MAX];
	DIR		*dp;
	struct dirent	*de;
	int		 i, findings = 0;

	for (i = 0; i < 2; i++) {
		if (ut_path(pa, sizeof(pa), "%s/%s", dirs[i], ymd) == -1 ||
		    (dp = opendir(pa)) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL) {
			size_t n = strlen(de->d_name);

			if (n < 5 || strcmp(de->d_name + n - 4, ".csv") != 0 ||
			    de->d_name[0] == '.')
				continue;
			if (ut_path(pa, sizeof(pa), "%s/%s/%s", want, ymd, de->d_name) == -1 ||
			    ut_path(pb, sizeof(pb), "%s/%s/%s", real, ymd, de->d_name) == -1)
				continue;
			if (i == 1 && access(pa, F_OK) == 0)
				continue;	/* compared in the first pass */
			if (!same_file(pa, pb)) {
				fprintf(msg, "%s: differs from what the archive gives; run --rebuild\n", pb);
				findings++;
			}
		}
		closedir(dp);
	}
	return findings;
}

struct index_check {
	struct ix	*ix;
	struct ev	 e;
	FILE		*msg;
	int		 day;
	int		 missing;
};

static int
check_key(const char *line, size_t len, off_t end, void *arg)
{
	struct index_check	*c = arg;
	struct ev_key		 k;
	char			 ymd[11];
	int			 rc;

	(void)end;
	if ((rc = key_line(line, len, &c->e, &k)) != 1)
		return rc;
	if ((rc = ix_has(c->ix, &k)) == -1)
		return -1;
	if (rc == 0) {
		if (c->missing++ == 0) {
			ut_format_day(c->day, ymd);
			fprintf(c->msg, "index: a key of archive/%s.jsonl is missing; "
			    "run --rebuild\n", ymd);
		}
	}
	return 0;
}

/* Every key stored within the window must be in the index. */
static int
check_index(struct ix *ix, const struct spool *sp, const int *days, size_t n, FILE *msg)
{
	struct index_check	 c;
	size_t			 j;

	memset(&c, 0, sizeof(c));
	c.ix = ix;
	c.msg = msg;
	for (j = 0; j < n; j++) {
		if (days[j] + ix->window < ix->today)
			continue;
		c.day = days[j];
		if (arc_scan(sp->root, days[j], 0, -1, check_key, &c) != 0) {
			fprintf(msg, "yespo-hook: reading the archive: %s\n", strerror(errno));
			c.missing++;
			break;
		}
	}
	ev_free(&c.e);
	return c.missing;
}

struct orphans {
	struct ix	*seen;
	size_t		 n;
};

static int
count_orphan(const struct ev_key *k, void *arg)
{
	struct orphans	*o = arg;
	int		 rc;

	if ((rc = ix_has(o->seen, k)) == -1)
		return -1;
	o->n += rc == 0;
	return 0;
}

/* Every key of the index must come from a line of the archive (seen holds them all). */
static int
check_orphans(struct ix *ix, struct ix *seen, FILE *msg)
{
	struct orphans	 o = { seen, 0 };

	seen->today = 0;
	if (ix_each(ix, count_orphan, &o) != 0) {
		fprintf(msg, "yespo-hook: reading %s: %s\n", ix->path, strerror(errno));
		return 1;
	}
	if (o.n > 0)
		fprintf(msg, "%s: %zu key(s) have no line in the archive: the archive "
		    "lost lines (orphan keys); --rebuild drops them\n", ix->path, o.n);
	return o.n > 0;
}

int
rp_verify(const struct conf *cf, FILE *msg)
{
	struct spool	 sp;
	struct cv_ctx	 cx;
	struct cv_day	 d, real;
	struct ix	 seen, ix;
	struct replay	 r;
	char		 scratch[PATH_MAX], csv[PATH_MAX], views[PATH_MAX], idx[PATH_MAX], ymd[11];
	off_t		 size;
	int		*days = NULL, rc = -1, findings = 0, today, trusted, current, loaded;
	int		 held = -1;
	size_t		 n = 0, j;

	if (lock_spool(cf, &sp, msg, &current) == -1)
		return -1;
	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	memset(&seen, 0, sizeof(seen));
	memset(&ix, 0, sizeof(ix));
	if ((held = fio_mkdtemp(sp.tmp, "verify", scratch, sizeof(scratch))) == -1 ||
	    ut_path(csv, sizeof(csv), "%s/csv", scratch) == -1 ||
	    ut_path(views, sizeof(views), "%s/views", scratch) == -1 ||
	    ut_path(idx, sizeof(idx), "%s/keys.idx", scratch) == -1 ||
	    fio_mkdir(views, 0700) == -1)
		goto fail;
	cx.csv_dir = csv;
	cx.views_dir = views;
	cx.guard = cf->csv_formula_guard;
	cx.max_files = cf->max_status_files;
	cx.fault = NULL;
	today = ut_local_day(time(NULL));
	if (ix_open(&seen, idx, 0, cf->dedup_window_days) == -1 ||
	    arc_days(sp.root, &days, &n) == -1)
		goto fail;
	/* Checking must not create: a missing index is made anew from the archive by the next writer. */
	if (access(sp.index, F_OK) == -1) {
		if (n > 0) {
			fprintf(msg, "%s: missing; the next POST makes it anew, or run --rebuild\n",
			    sp.index);
			findings++;
		}
	} else if (ix_open(&ix, sp.index, today, cf->dedup_window_days) == -1)
		goto fail;
	r.cx = &cx;
	r.d = &d;
	r.seen = &seen;
	r.msg = msg;
	for (j = 0; j < n; j++) {
		struct cv_ctx rcx = { cf->csv_dir, sp.views, cf->csv_formula_guard,
		    cf->max_status_files, NULL };

		ut_format_day(days[j], ymd);
		memset(&d, 0, sizeof(d));
		d.day = days[j];
		if (arc_size(sp.root, d.day, &size) == -1 ||
		    replay_day(&r, &sp, 0, size) == -1)
			goto fail;
		cv_free(&d);
		if ((loaded = cv_load(&rcx, days[j], &real, &trusted)) == 0 &&
		    real.archive_len > size) {
			fprintf(msg, "archive/%s.jsonl: shorter than its views record "
			    "(%lld < %lld bytes): the archive lost lines; run --rebuild\n",
			    ymd, (long long)size, (long long)real.archive_len);
			findings++;
		} else if (loaded != 0 || real.archive_len != size) {
			fprintf(msg, "%s/%s: the views do not hold all of archive/%s.jsonl; "
			    "the next POST repairs them, or run --rebuild\n", sp.views, ymd, ymd);
			findings++;
		}
		cv_free(&real);
		findings += compare_day(cf->csv_dir, csv, ymd, msg);
	}
	findings += r.findings;
	if (ix.path != NULL && !current) {
		fprintf(msg, "%s: keyed by an older spool format; the next POST "
		    "makes it anew, or run --rebuild\n", sp.index);
		findings++;
	} else if (ix.path != NULL)
		findings += check_index(&ix, &sp, days, n, msg) +
		    check_orphans(&ix, &seen, msg);
	rc = findings ? 1 : 0;
	if (!findings)
		fprintf(msg, "yespo-hook: %zu day(s) verified: views match the archive\n", n);
	goto done;
fail:
	fprintf(msg, "yespo-hook: --verify: %s\n", strerror(errno));
done:
	cv_free(&d);
	ev_free(&r.e);
	if (seen.path != NULL)
		(void)ix_close(&seen);
	if (ix.path != NULL)
		(void)ix_close(&ix);
	if (held != -1) {
		(void)fio_remove_tree(scratch);
		(void)fio_close(held);
	}
	free(days);
	sp_unlock(&sp);
	return rc;
}

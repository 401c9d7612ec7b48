/*
 * check.c: the command-line jobs on a whole spool.  --rebuild makes every
 * view anew from the archive under the writer lock; --verify replays the
 * archive into a scratch directory outside the spool and compares, and
 * changes nothing in spool_dir or csv_dir (yespo-hook(8)).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "check.h"
#include "conf.h"
#include "consumer.h"
#include "erase.h"
#include "erased.h"
#include "fsio.h"
#include "health.h"
#include "page.h"
#include "replay.h"
#include "util.h"
#include "xlsx.h"

#define LOCK_WAIT_MS	60000

/*
 * Open the spool and take its lock for --rebuild; refuse a spool of a
 * newer format.  *fit says whether the format is this binary's or older.
 */
static int
lock_spool(const struct conf *cf, struct spool *sp, FILE *msg,
    enum sp_format_fit *fit)
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
	if ((*fit = rp_check_format(sp, msg)) == SP_FORMAT_REFUSED) {
		sp_unlock(sp);
		return -1;
	}
	return 0;
}

/*
 * After a rebuild, without the lock (a closed day's archive no longer
 * changes): every closed day's workbook, when xlsx is on, and the page.
 * 0, or -1 (reported to msg).
 */
static int
publish_all(const struct conf *cf, const int *days, size_t n, FILE *msg)
{
	unsigned long long	 events;
	time_t			 last;
	char			 ymd[11];
	size_t			 j;
	int			 today = ut_local_day(time(NULL));

	for (j = 0; cf->xlsx && j < n && days[j] < today; j++)
		if (xl_write_day(cf, days[j]) == -1) {
			ut_format_day(days[j], ymd);
			fprintf(msg, "yespo-hook: --rebuild: the workbook of %s: %s\n", ymd,
			    strerror(errno));
			return -1;
		}
	if (hl_figures(cf, &events, &last) == -1 || pg_write(cf->csv_dir, today, last) == -1) {
		fprintf(msg, "yespo-hook: --rebuild: %s/index.html: %s\n", cf->csv_dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Replay each of the n archive days, repaired first, into r's views and
 * index, the day's view in r->d (left there on failure).  0, or -1 with
 * errno.
 */
static int
replay_days(struct rp_replay *r, const struct spool *sp, const int *days, size_t n)
{
	struct ut_progress pr;
	off_t		 size;
	size_t		 j;
	int		 rc = 0;

	ut_progress_start(&pr, "--rebuild", n);
	for (j = 0; j < n && rc == 0; j++) {
		memset(r->d, 0, sizeof(*r->d));
		r->d->day = days[j];
		if (arc_repair(sp, days[j], 0, &size) == -1 ||
		    rp_replay_day(r, sp, 0, size) == -1)
			rc = -1;
		else {
			ut_progress_show(&pr, j + 1, r->events);
			cv_free(r->d);
		}
	}
	ut_progress_end(&pr);
	return rc;
}

int
ck_rebuild(const struct conf *cf, FILE *msg)
{
	struct spool	 sp;
	struct cv_ctx	 cx;
	struct cv_fault	 fault = { 0 };
	struct cv_day	 d;
	struct ix	 ix;
	struct rp_replay r;
	enum sp_format_fit fit;
	int		*days = NULL, rc = -1, ixopen = 0;
	size_t		 n = 0;

	if (lock_spool(cf, &sp, msg, &fit) == -1)
		return -1;
	sp_sweep(&sp, 1);
	fio_root(FIO_CSV, cf->csv_dir, 1);
	cx.csv_dir = cf->csv_dir;
	cx.views_dir = sp.views;
	cx.guard = cf->csv_formula_guard;
	cx.max_files = cf->max_status_files;
	cx.fault = &fault;
	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	if (er_settle(cf, &sp, NULL) == -1 || ix_remove(sp.index) == -1 ||
	    ix_open(&ix, sp.index, ut_local_day(time(NULL)), cf->dedup_window_days) == -1)
		goto fail;
	ixopen = 1;
	if (arc_days(&sp, &days, &n) == -1)
		goto fail;
	r.cx = &cx;
	r.d = &d;
	r.ix = &ix;
	r.msg = msg;
	if (replay_days(&r, &sp, days, n) == -1)
		goto fail;
	/* The keys of erased events have no line left: --erase kept them aside. */
	if (ek_add_keys(&sp, &ix) == -1 || ix_sync(&ix) == -1 ||
	    (fit == SP_FORMAT_OLDER && sp_set_format(&sp) == -1))
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
	sp_unlock(&sp);
	if (rc == 0 && publish_all(cf, days, n, msg) == -1)
		rc = -1;
	free(days);
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
	struct stat	 st;
	DIR		*dp;
	struct dirent	*de;
	int		 i, findings = 0;

	for (i = 0; i < 2; i++) {
		if (ut_path(pa, sizeof(pa), "%s/%s", dirs[i], ymd) == -1 ||
		    (dp = fio_opendir(pa)) == NULL)
			continue;
		while ((de = readdir(dp)) != NULL) {
			size_t n = strlen(de->d_name);

			if (n < 5 || strcmp(de->d_name + n - 4, ".csv") != 0 ||
			    de->d_name[0] == '.')
				continue;
			if (ut_path(pa, sizeof(pa), "%s/%s/%s", want, ymd, de->d_name) == -1 ||
			    ut_path(pb, sizeof(pb), "%s/%s/%s", real, ymd, de->d_name) == -1)
				continue;
			if (i == 1 && fio_stat(pa, &st) == 0)
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
	if ((rc = rp_key_line(line, len, &c->e, &k)) != 1)
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
		if (arc_scan(sp, days[j], 0, -1, check_key, &c) != 0) {
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

/* What --verify holds: the live spool, read only, and its scratch. */
struct verify {
	struct spool	 sp;
	struct cv_ctx	 cx;		/* the scratch views */
	struct cv_day	 d;
	struct ix	 seen;		/* keys met so far, in the scratch */
	struct ix	 ix;		/* the live index, read only */
	struct rp_replay r;
	char		 scratch[PATH_MAX], csv[PATH_MAX], views[PATH_MAX];
	FILE		*msg;
	int		 findings;
	enum sp_format_fit current;	/* the spool's format: this binary's, or older */
	int		 held;		/* the lock of a scratch in spool/tmp, or -1 */
};

/* Look at the spool without making anything, and keep writers out meanwhile: 0, or -1 (reported). */
static int
look_spool(struct verify *v, const struct conf *cf)
{
	char	 err[512];

	if (sp_look(&v->sp, cf->spool_dir, err, sizeof(err)) == -1) {
		fprintf(v->msg, "yespo-hook: %s\n", err);
		return -1;
	}
	if (sp_lock_read(&v->sp, LOCK_WAIT_MS) == -1) {
		fprintf(v->msg, "yespo-hook: %s: %s; is a writer stuck?\n", v->sp.lock,
		    strerror(errno));
		return -1;
	}
	if ((v->current = rp_check_format(&v->sp, v->msg)) == SP_FORMAT_REFUSED) {
		sp_unlock(&v->sp);
		return -1;
	}
	fio_root(FIO_CSV, cf->csv_dir, 0);
	return 0;
}

/*
 * Make the scratch directory and its key table: in TMPDIR, as the spool
 * must not change; only where there is none (an empty chroot) in
 * spool/tmp, held against the sweep.  0, or -1.
 */
static int
make_scratch(struct verify *v, const struct conf *cf)
{
	const char	*tmp = getenv("TMPDIR");
	char		 idx[PATH_MAX];

	if (ut_path(v->scratch, sizeof(v->scratch), "%s/yespo-hook-verify.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp") == -1 ||
	    (mkdtemp(v->scratch) == NULL &&
	    (v->held = fio_mkdtemp(v->sp.tmp, "verify", v->scratch, sizeof(v->scratch))) == -1)) {
		v->scratch[0] = '\0';
		return -1;
	}
	if (ut_path(v->csv, sizeof(v->csv), "%s/csv", v->scratch) == -1 ||
	    ut_path(v->views, sizeof(v->views), "%s/views", v->scratch) == -1 ||
	    ut_path(idx, sizeof(idx), "%s/keys.idx", v->scratch) == -1 ||
	    fio_mkdir(v->views, 0700) == -1)
		return -1;
	v->cx.csv_dir = v->csv;
	v->cx.views_dir = v->views;
	v->cx.guard = cf->csv_formula_guard;
	v->cx.max_files = cf->max_status_files;
	v->cx.fault = NULL;
	return ix_open(&v->seen, idx, 0, cf->dedup_window_days);
}

/* Open the live index read only; a missing or damaged one is a finding.  0, or -1. */
static int
inspect_index(struct verify *v, const struct conf *cf, size_t ndays)
{
	if (ix_inspect(&v->ix, v->sp.index, ut_local_day(time(NULL)),
	    cf->dedup_window_days) == 0)
		return 0;
	if (errno == EINVAL || (errno == ENOENT && ndays > 0)) {
		/* The next writer makes it anew from the archive. */
		fprintf(v->msg, "%s: %s; the next POST makes it anew, or run --rebuild\n",
		    v->sp.index, errno == EINVAL ? "damaged" : "missing");
		v->findings++;
		return 0;
	}
	return errno == ENOENT ? 0 : -1;
}

/*
 * Whether the day reads whole to the length readers are told (a
 * compressed day's is in its header): 0, 1 (reported), or -1 with errno.
 */
static int
damaged_day(struct verify *v, int day, off_t size)
{
	char	 ymd[11];
	off_t	 len;
	int	 rc;

	if ((rc = arc_length(&v->sp, day, &len)) == 0 && len == size)
		return 0;
	if (rc == -1 && errno != EIO)
		return -1;
	ut_format_day(day, ymd);
	if (rc == -1)
		fprintf(v->msg, "archive/%s.jsonl.gz: damaged or cut short; "
		    "restore the day from a backup\n", ymd);
	else
		fprintf(v->msg, "archive/%s.jsonl.gz: holds %lld bytes, its header says %lld; "
		    "restore the day from a backup\n", ymd, (long long)len, (long long)size);
	v->findings++;
	return 1;
}

/*
 * Replay a day into the scratch, then compare the live state and files
 * with it; add its events to *events.  0, or -1.  summary.csv is
 * refreshed at most once an interval (yespo-hook.conf(5),
 * summary_refresh_seconds), so it is compared with the archive up to the
 * length it was made from, as the day's state records it.
 */
static int
verify_day(struct verify *v, const struct conf *cf, int day, unsigned long long *events)
{
	struct cv_ctx	 live = { cf->csv_dir, v->sp.views, cf->csv_formula_guard,
			    cf->max_status_files, NULL };
	struct cv_day	 real;
	char		 ymd[11], dir[PATH_MAX], path[PATH_MAX], *sum = NULL;
	size_t		 sumlen = 0;
	unsigned long long before;
	off_t		 size, at;
	enum cv_result	 loaded;
	int		 trusted, rc = -1, bad;

	ut_format_day(day, ymd);
	memset(&v->d, 0, sizeof(v->d));
	v->d.day = day;
	if (arc_size(&v->sp, day, &size) == -1 || (bad = damaged_day(v, day, size)) == -1)
		return -1;
	if (bad == 1)
		return 0;
	before = v->r.events;
	loaded = cv_open(&live, day, &real, &trusted);
	at = loaded == CV_OK && real.summary_len > 0 && real.summary_len < size ?
	    real.summary_len : size;
	if (ut_path(dir, sizeof(dir), "%s/%s", v->csv, ymd) == -1 ||
	    ut_path(path, sizeof(path), "%s/summary.csv", dir) == -1 ||
	    rp_replay_day(&v->r, &v->sp, 0, at) == -1)
		goto done;
	if (at < size) {
		/* The summary as it stood at the live one's length, kept aside. */
		if (fio_slurp(path, &sum, &sumlen) == -1 ||
		    rp_replay_day(&v->r, &v->sp, at, size) == -1 ||
		    fio_replace(dir, "summary.csv", sum, sumlen, 0600, 0) == -1)
			goto done;
	}
	*events += v->r.events - before;
	cv_free(&v->d);
	if (loaded == CV_OK && real.archive_len > size) {
		fprintf(v->msg, "archive/%s.jsonl: shorter than its views record "
		    "(%lld < %lld bytes): the archive lost lines; run --rebuild\n",
		    ymd, (long long)size, (long long)real.archive_len);
		v->findings++;
	} else if (loaded != CV_OK || real.archive_len != size) {
		fprintf(v->msg, "%s/%s: the views do not hold all of archive/%s.jsonl; "
		    "the next POST repairs them, or run --rebuild\n", v->sp.views, ymd, ymd);
		v->findings++;
	}
	v->findings += compare_day(cf->csv_dir, v->csv, ymd, v->msg);
	rc = 0;
done:
	free(sum);
	cv_free(&real);
	return rc;
}

/* Let go of everything verify holds, the scratch removed. */
static void
end_verify(struct verify *v)
{
	cv_free(&v->d);
	ev_free(&v->r.e);
	if (v->seen.path != NULL)
		(void)ix_close(&v->seen);
	if (v->ix.path != NULL)
		(void)ix_close(&v->ix);
	if (v->scratch[0] != '\0')
		(void)fio_remove_tree(v->scratch);
	if (v->held != -1)
		(void)fio_close(v->held);
	sp_unlock(&v->sp);
}

int
ck_verify(const struct conf *cf, FILE *msg)
{
	struct verify	 v;
	struct ut_progress pr;
	unsigned long long events = 0;
	int		*days = NULL, rc = -1, found;
	size_t		 n = 0, j;

	memset(&v, 0, sizeof(v));
	v.msg = msg;
	v.held = -1;
	if (look_spool(&v, cf) == -1)
		return -1;
	v.r.cx = &v.cx;
	v.r.d = &v.d;
	v.r.seen = &v.seen;
	v.r.msg = msg;
	if (make_scratch(&v, cf) == -1 || arc_days(&v.sp, &days, &n) == -1 ||
	    inspect_index(&v, cf, n) == -1)
		goto fail;
	ut_progress_start(&pr, "--verify", n);
	for (j = 0; j < n; j++) {
		if (verify_day(&v, cf, days[j], &events) == -1) {
			ut_progress_end(&pr);
			goto fail;
		}
		ut_progress_show(&pr, j + 1, events);
	}
	ut_progress_end(&pr);
	if ((found = cs_verify(&v.sp, days, n, msg)) == -1)
		goto fail;
	v.findings += v.r.findings + found;
	v.findings += er_verify(&v.sp, &v.ix, &v.seen, msg);
	if (v.ix.path != NULL && v.current == SP_FORMAT_OLDER) {
		fprintf(msg, "%s: keyed by an older spool format; the next POST "
		    "makes it anew, or run --rebuild\n", v.sp.index);
		v.findings++;
	} else if (v.ix.path != NULL)
		v.findings += check_index(&v.ix, &v.sp, days, n, msg) +
		    check_orphans(&v.ix, &v.seen, msg);
	rc = v.findings ? 1 : 0;
	if (!v.findings)
		fprintf(msg, "yespo-hook: %zu day(s) verified: views match the archive\n", n);
	goto done;
fail:
	fprintf(msg, "yespo-hook: --verify: %s\n", strerror(errno));
done:
	end_verify(&v);
	free(days);
	return rc;
}

/*
 * status.c: --status and the authorised probe's object (yespo-hook(8),
 * MONITORING).  Every figure comes from something small, so a probe costs
 * the same on any day: the views' day states for the counts, the
 * archive's directory and file sizes, the records in views/ and
 * consumers/, statvfs.  Only what a consumer has not taken of its own day,
 * and archive bytes the views do not hold yet, are read, line by line.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "conf.h"
#include "consumer.h"
#include "csvview.h"
#include "fsio.h"
#include "health.h"
#include "quarantine.h"
#include "spool.h"
#include "status.h"
#include "util.h"

#define RECORD_503	"last-503"
#define RECORD_LEN	256		/* the record's fixed size: one sector, written in place */
#define QUARANTINE_WARN	90		/* percent of quarantine_max_bytes */
#define DISK_FLOOR	(64LL << 20)	/* the least free space asked for, whatever max_body_bytes */
#define INODES_MIN	1000		/* free inodes: a batch makes a few files at most */

struct report {
	const struct conf	*cf;
	struct spool		 sp;
	struct cv_ctx		 cx;
	cJSON			*o, *problems, *consumers;
	int			*days;	/* the archive's days, ascending */
	off_t			*sizes;	/* and their lengths */
	size_t			 ndays;
	time_t			 now;
	int			 nomem;
};

/* Add one line to the problems. */
static void __attribute__((format(printf, 2, 3)))
problem(struct report *r, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[1024];

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!cJSON_AddItemToArray(r->problems, cJSON_CreateString(line)))
		r->nomem = 1;
}

/* Add name: a UTC stamp, or null for 0 (never). */
static void
add_stamp(struct report *r, cJSON *o, const char *name, time_t t)
{
	char	 stamp[21];

	if (t == 0) {
		if (cJSON_AddNullToObject(o, name) == NULL)
			r->nomem = 1;
		return;
	}
	ut_utc_stamp(t, stamp);
	if (cJSON_AddStringToObject(o, name, stamp) == NULL)
		r->nomem = 1;
}

static void
add_number(struct report *r, cJSON *o, const char *name, double v)
{
	if (cJSON_AddNumberToObject(o, name, v) == NULL)
		r->nomem = 1;
}

static void
add_string(struct report *r, cJSON *o, const char *name, const char *v)
{
	if (cJSON_AddStringToObject(o, name, v) == NULL)
		r->nomem = 1;
}

/* A number of seconds as the user writes it: "6h", "90m", "45s". */
static void
format_duration(long long s, char *buf, size_t len)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%lldd", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%lldh", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, len, "%lldm", s / 60);
	else
		snprintf(buf, len, "%llds", s);
}

static int
count_line(const char *line, size_t len, off_t end, void *arg)
{
	(void)line;
	(void)len;
	(void)end;
	(*(unsigned long long *)arg)++;
	return 0;
}

/*
 * The events of the archive day at index i from byte from on: from the
 * day's view where it holds them (from 0), else counted line by line.
 * 0, or -1 with errno.
 */
static int
day_events(struct report *r, size_t i, off_t from, unsigned long long *events)
{
	struct cv_day	 d;
	int		 trusted;

	*events = 0;
	if (from == 0 && cv_load(&r->cx, r->days[i], &d, &trusted) == CV_OK) {
		if (d.archive_len <= r->sizes[i]) {
			*events = hl_day_events(&d);
			from = d.archive_len;
		}
		cv_free(&d);
	}
	if (from >= r->sizes[i])
		return 0;
	return arc_scan(&r->sp, r->days[i], from, r->sizes[i], count_line, events) == 0 ? 0 : -1;
}

/* The index of day in the archive's days, or -1. */
static ssize_t
find_day(const struct report *r, int day)
{
	size_t	 i;

	for (i = 0; i < r->ndays; i++)
		if (r->days[i] == day)
			return (ssize_t)i;
	return -1;
}

/* The archive's days and their lengths, and the events of today and yesterday. */
static void
add_events(struct report *r)
{
	static const char *const names[] = { "events_today", "events_yesterday" };
	unsigned long long	 n;
	ssize_t			 i;
	int			 k, today = ut_local_day(r->now);

	if (arc_days(&r->sp, &r->days, &r->ndays) == -1 ||
	    (r->sizes = calloc(r->ndays + 1, sizeof(*r->sizes))) == NULL) {
		problem(r, "%s: cannot be listed: %s", r->sp.archive, strerror(errno));
		r->ndays = 0;
		return;
	}
	for (i = 0; i < (ssize_t)r->ndays; i++)
		if (arc_size(&r->sp, r->days[i], &r->sizes[i]) == -1)
			r->sizes[i] = 0;
	for (k = 0; k < 2; k++) {
		n = 0;
		if ((i = find_day(r, today - k)) != -1 && day_events(r, (size_t)i, 0, &n) == -1)
			problem(r, "%s: cannot be read: %s", r->sp.archive, strerror(errno));
		add_number(r, r->o, names[k], (double)n);
	}
}

static void
add_last_received(struct report *r, long long max_silence)
{
	/* When the newest archive day last grew: the last event received. */
	time_t	 last = r->ndays == 0 ? 0 : hl_day_mtime(&r->sp, r->days[r->ndays - 1]);
	char	 stamp[21], d[32];

	add_stamp(r, r->o, "last_received", last);
	if (max_silence <= 0)
		return;
	format_duration(max_silence, d, sizeof(d));
	if (last == 0)
		problem(r, "no event received yet (--max-silence %s)", d);
	else if (r->now - last > max_silence) {
		ut_utc_stamp(last, stamp);
		problem(r, "no event received since %s, more than %s ago (--max-silence)",
		    stamp, d);
	}
}

static void
add_quarantine(struct report *r)
{
	cJSON		*q;
	uint64_t	 files, bytes;
	long long	 max = r->cf->quarantine_max_bytes;

	if (qr_count(r->sp.quarantine, &files, &bytes) == -1) {
		problem(r, "%s: cannot be read: %s", r->sp.quarantine, strerror(errno));
		return;
	}
	if ((q = cJSON_AddObjectToObject(r->o, "quarantine")) == NULL) {
		r->nomem = 1;
		return;
	}
	add_number(r, q, "files", (double)files);
	add_number(r, q, "bytes", (double)bytes);
	add_number(r, q, "max_bytes", (double)max);
	if (bytes >= (uint64_t)max / 100 * QUARANTINE_WARN)
		problem(r, "%s holds %llu bytes in %llu files, %d %% or more of "
		    "quarantine_max_bytes (%lld): once full, a batch that needs quarantine "
		    "gets 503; look at the files, replay them with --ingest, then remove them",
		    r->sp.quarantine, (unsigned long long)bytes, (unsigned long long)files,
		    QUARANTINE_WARN, max);
}

/*
 * A record of views/, "STAMP reason\n" and maybe more: 1 with *text
 * malloc'd and cut into the stamp (at *text), the reason and the rest
 * after the line; 0 when there is none, or no such record (the zeros
 * --check writes).
 */
static int
read_record(const struct report *r, const char *name, char **text, char **reason,
    char **rest)
{
	char	 path[PATH_MAX], *nl;
	size_t	 len;

	*text = NULL;
	if (ut_path(path, sizeof(path), "%s/%s", r->sp.views, name) == -1 ||
	    fio_slurp(path, text, &len) == -1)
		return 0;
	if (len < 22 || (*text)[19] != 'Z' || (*text)[20] != ' ' ||
	    (nl = memchr(*text, '\n', len)) == NULL) {
		free(*text);
		*text = NULL;
		return 0;
	}
	*nl = '\0';
	(*text)[20] = '\0';
	*reason = *text + 21;
	*rest = nl + 1;
	return 1;
}

/* The last 503 (ss_note_503). */
static void
add_last_503(struct report *r)
{
	cJSON	*l;
	char	*text, *reason, *rest;

	if (!read_record(r, RECORD_503, &text, &reason, &rest)) {
		if (cJSON_AddNullToObject(r->o, "last_503") == NULL)
			r->nomem = 1;
		return;
	}
	if ((l = cJSON_AddObjectToObject(r->o, "last_503")) == NULL)
		r->nomem = 1;
	else {
		add_string(r, l, "at", text);
		add_string(r, l, "reason", reason);
	}
	free(text);
}

static void
add_views(struct report *r)
{
	char	 text[1024], ymd[11];
	int	 day, rc;

	if ((rc = sp_views_behind(&r->sp, &day, text, sizeof(text))) == -1)
		problem(r, "%s/behind: cannot be read: %s", r->sp.views, strerror(errno));
	add_string(r, r->o, "views", rc == 1 ? "behind" : "current");
	if (rc == 1) {
		ut_format_day(day, ymd);
		problem(r, "the views (CSV files, summaries) of %s and later are behind the "
		    "archive: %s; the next batch repairs them, or run --rebuild", ymd, text);
	}
}

static void
add_disk(struct report *r)
{
	struct statvfs	 vfs;
	cJSON		*d;
	long long	 min = ING_CAP * r->cf->max_body_bytes;
	double		 free_bytes;

	if (min < DISK_FLOOR)
		min = DISK_FLOOR;
	if (statvfs(r->cf->spool_dir, &vfs) == -1) {
		problem(r, "%s: statvfs: %s", r->cf->spool_dir, strerror(errno));
		return;
	}
	free_bytes = (double)vfs.f_bavail * (double)vfs.f_frsize;
	if ((d = cJSON_AddObjectToObject(r->o, "disk")) == NULL) {
		r->nomem = 1;
		return;
	}
	add_number(r, d, "free_bytes", free_bytes);
	add_number(r, d, "min_free_bytes", (double)min);
	add_number(r, d, "free_inodes", (double)vfs.f_favail);
	if (free_bytes < (double)min)
		problem(r, "%s: %.0f bytes free, under %lld (%d x max_body_bytes, at least "
		    "64 MiB): a large batch may get 503; free some space", r->cf->spool_dir,
		    free_bytes, min, ING_CAP);
	if (vfs.f_files > 0 && vfs.f_favail < INODES_MIN)
		problem(r, "%s: %llu inodes free, under %d: batches will get 503; "
		    "free some files", r->cf->spool_dir, (unsigned long long)vfs.f_favail,
		    INODES_MIN);
}

static void
add_format(struct report *r)
{
	int	 v;

	if ((v = sp_format(&r->sp)) == -1) {
		problem(r, "%s/format: %s; it should hold %d", r->sp.root, strerror(errno),
		    SP_FORMAT);
		return;
	}
	add_number(r, r->o, "format", v);
	if (v > SP_FORMAT)
		problem(r, "%s has format %d, newer than this binary's %d: every batch "
		    "gets 503; install the newer yespo-hook that wrote it", r->sp.root, v,
		    SP_FORMAT);
}

/*
 * on_commit's record (hook.c): views/hook.failed holds "STAMP reason\n",
 * and "ok STAMP\n" after it once a later run worked.
 */
static void
add_on_commit(struct report *r)
{
	cJSON	*h;
	char	*text, *reason, *rest;
	int	 failing;

	if (!read_record(r, "hook.failed", &text, &reason, &rest)) {
		if (cJSON_AddNullToObject(r->o, "on_commit") == NULL)
			r->nomem = 1;
		return;
	}
	failing = strncmp(rest, "ok ", 3) != 0;
	if ((h = cJSON_AddObjectToObject(r->o, "on_commit")) == NULL)
		r->nomem = 1;
	else {
		add_string(r, h, "last_failure", text);
		add_string(r, h, "reason", reason);
		if (cJSON_AddBoolToObject(h, "failing", failing) == NULL)
			r->nomem = 1;
	}
	if (failing)
		problem(r, "on_commit has failed since %s: %s; see the log, and "
		    "%s/hook.failed", text, reason, r->sp.views);
	free(text);
}

/* One consumer's place and lag: in events and bytes still to take, and its last ack. */
static int
add_consumer(const char *name, const struct ex_pos *at, long long acked, void *arg)
{
	struct report		*r = arg;
	unsigned long long	 events = 0, n;
	cJSON			*c;
	char			 ymd[11], pos[40];
	off_t			 from, bytes = 0;
	size_t			 i;

	for (i = 0; i < r->ndays; i++) {
		if (r->days[i] < at->day)
			continue;
		from = r->days[i] == at->day ? at->off : 0;
		if (r->sizes[i] <= from)
			continue;
		bytes += r->sizes[i] - from;
		if (day_events(r, i, from, &n) == -1) {
			problem(r, "consumer %s: the archive cannot be read: %s", name,
			    strerror(errno));
			break;
		}
		events += n;
	}
	if ((c = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(r->consumers, c)) {
		cJSON_Delete(c);
		r->nomem = 1;
		return 0;
	}
	add_string(r, c, "name", name);
	if (at->day == INT_MIN)
		snprintf(pos, sizeof(pos), "-");
	else {
		ut_format_day(at->day, ymd);
		snprintf(pos, sizeof(pos), "%s %lld", ymd, (long long)at->off);
	}
	add_string(r, c, "committed", pos);
	add_number(r, c, "lag_events", (double)events);
	add_number(r, c, "lag_bytes", (double)bytes);
	add_stamp(r, c, "last_ack", (time_t)acked);
	return 0;
}

/*
 * Retention (retention_days) keeps every day a consumer has not passed,
 * unless the consumer is older than the retention (cs_stale): a problem.
 */
static void
stale_consumer(const char *name, const char *stamp, void *arg)
{
	problem(arg, "consumer %s: no ack for longer than retention_days (last: %s): "
	    "retention removes the days it has not read", name, stamp);
}

static void
add_consumers(struct report *r)
{
	if ((r->consumers = cJSON_AddArrayToObject(r->o, "consumers")) == NULL) {
		r->nomem = 1;
		return;
	}
	if (cs_inspect(&r->sp, add_consumer, r) == -1 ||
	    cs_stale(r->cf, &r->sp, r->now, stale_consumer, r) == -1)
		problem(r, "%s: cannot be read: %s", r->sp.consumers, strerror(errno));
}

cJSON *
ss_report(const struct conf *cf, const char *setup, long long max_silence, int *healthy)
{
	struct report	 r;
	char		 err[512];
	cJSON		*problems;

	memset(&r, 0, sizeof(r));
	r.cf = cf;
	r.now = time(NULL);
	*healthy = 0;
	if ((r.o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(r.o, "status", "ok") == NULL ||
	    (r.problems = cJSON_CreateArray()) == NULL)
		goto fail;
	if (setup != NULL)
		problem(&r, "%s", setup);
	if (sp_look(&r.sp, cf->spool_dir, err, sizeof(err)) == -1)
		problem(&r, "%s", err);
	else {
		r.cx.csv_dir = cf->csv_dir;
		r.cx.views_dir = r.sp.views;
		r.cx.guard = cf->csv_formula_guard;
		r.cx.max_files = cf->max_status_files;
		add_events(&r);
		add_last_received(&r, max_silence);
		add_quarantine(&r);
		add_last_503(&r);
		add_views(&r);
		add_disk(&r);
		add_format(&r);
		add_on_commit(&r);
		add_consumers(&r);
	}
	problems = r.problems;
	r.problems = NULL;
	if (!cJSON_AddItemToObject(r.o, "problems", problems)) {
		cJSON_Delete(problems);
		goto fail;
	}
	if (r.nomem)
		goto fail;
	*healthy = cJSON_GetArraySize(problems) == 0;
	if (!*healthy && !cJSON_ReplaceItemInObjectCaseSensitive(r.o, "status",
	    cJSON_CreateString("unhealthy")))
		goto fail;
	free(r.days);
	free(r.sizes);
	return r.o;
fail:
	cJSON_Delete(r.problems);
	cJSON_Delete(r.o);
	free(r.days);
	free(r.sizes);
	*healthy = 0;
	return NULL;
}

/* views/last-503, opened for writing (made with its blocks when missing): the descriptor, or -1. */
static int
open_record(const struct conf *cf, struct spool *sp, int *made)
{
	struct stat	 st;
	char		 path[PATH_MAX];
	int		 fd;

	*made = 0;
	if (sp_name(sp, cf->spool_dir) == -1 ||
	    ut_path(path, sizeof(path), "%s/" RECORD_503, sp->views) == -1)
		return -1;
	if ((fd = fio_open(path, O_RDWR, 0)) != -1)
		return fd;
	if (errno != ENOENT || (fd = fio_open(path, O_RDWR | O_CREAT, 0600)) == -1)
		return -1;
	*made = 1;
	if (fio_fstat(fd, &st) == -1 || (st.st_size < RECORD_LEN &&
	    fio_allocate(fd, RECORD_LEN) == -1)) {
		(void)fio_close(fd);
		return -1;
	}
	return fd;
}

void
ss_note_503(const struct conf *cf, const char *reason)
{
	struct spool	 sp;
	char		 rec[RECORD_LEN], stamp[21];
	int		 fd, made, n, ok;

	memset(rec, 0, sizeof(rec));
	ut_utc_stamp(time(NULL), stamp);
	n = snprintf(rec, sizeof(rec) - 1, "%s %s", stamp, reason);
	/* One line, ended by a newline, even when the reason was cut short. */
	if (n < 0 || n >= (int)sizeof(rec) - 1)
		n = (int)sizeof(rec) - 2;
	while (strchr(rec, '\n') != NULL)
		*strchr(rec, '\n') = ' ';
	rec[n] = '\n';
	if ((fd = open_record(cf, &sp, &made)) == -1) {
		ut_log_errno("recording the 503 in", sp.views);
		return;
	}
	ok = fio_pwrite(fd, rec, sizeof(rec), 0) == 0 && fio_datasync(fd) == 0;
	if (fio_close(fd) == -1 || !ok || (made && fio_sync_dir(sp.views) == -1))
		ut_log_errno("recording the 503 in", sp.views);
}

void
ss_prepare_503(const struct conf *cf)
{
	struct spool	 sp;
	struct stat	 st;
	char		 zero[RECORD_LEN];
	int		 fd, made, ok = 1;

	/* Made by another user (root), the writers could not rewrite it. */
	if (fio_stat(cf->spool_dir, &st) == -1 || st.st_uid != geteuid())
		return;
	if ((fd = open_record(cf, &sp, &made)) == -1) {
		ut_log_errno("making the record of the last 503 in", sp.views);
		return;
	}
	if (made) {
		memset(zero, 0, sizeof(zero));
		ok = fio_pwrite(fd, zero, sizeof(zero), 0) == 0 && fio_datasync(fd) == 0 &&
		    fio_sync_dir(sp.views) == 0;
	}
	if (fio_close(fd) == -1 || !ok)
		ut_log_errno("making the record of the last 503 in", sp.views);
}

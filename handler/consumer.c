/*
 * consumer.c: --tail, --ack and --consumers.  A consumer's file is replaced
 * atomically and durably under the writer lock, so a kill -9 of the tail,
 * the ack or a writer leaves the old places or the new ones, never a mix.
 * The archive is read without the lock, up to the lengths learnt under it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "spool.h"
#include "util.h"

#define STATE_MAGIC	"yespo-hook-consumer 1\n"
#define NAME_MAX_LEN	64
#define LOCK_WAIT_MS	60000
/* The place before every event. */
#define NOWHERE		INT_MIN

struct state {
	struct ex_pos	 committed, pending;
	long long	 acked;		/* when committed last moved; 0: never */
	long long	 erased;	/* archive rewrites by --erase so far */
};

int
cs_name_valid(const char *name)
{
	size_t	 n = strlen(name);

	return n > 0 && n <= NAME_MAX_LEN &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") == n;
}

/* consumers/, made by the first consumer: 0, or -1 with errno. */
static int
make_consumers(const struct spool *sp)
{
	return fio_mkdir(sp->consumers, 0700) == -1 ? -1 : 0;
}

static void
format_pos(const struct ex_pos *p, char *buf, size_t len)
{
	char	 ymd[11];

	if (p->day == NOWHERE) {
		snprintf(buf, len, "- 0");
		return;
	}
	ut_format_day(p->day, ymd);
	snprintf(buf, len, "%s %lld", ymd, (long long)p->off);
}

static int
parse_pos(const char *s, struct ex_pos *p)
{
	char		 ymd[11];
	long long	 off;

	if (sscanf(s, "%10s %lld", ymd, &off) != 2 || off < 0)
		return -1;
	p->off = (off_t)off;
	if (strcmp(ymd, "-") == 0) {
		p->day = NOWHERE;
		return 0;
	}
	return (p->day = ut_parse_day(ymd)) == -1 ? -1 : 0;
}

/* NAME's state: 1, 0 when it has none yet (a new consumer), -1 with errno. */
static int
read_state(const char *dir, const char *name, struct state *st)
{
	char	 path[PATH_MAX], *text, *c, *p, *a;
	size_t	 len;
	int	 rc = -1;

	st->committed.day = st->pending.day = NOWHERE;
	st->committed.off = st->pending.off = 0;
	st->acked = 0;
	if (ut_path(path, sizeof(path), "%s/%s", dir, name) == -1)
		return -1;
	if (fio_slurp(path, &text, &len) == -1)
		return errno == ENOENT ? 0 : -1;
	if (strncmp(text, STATE_MAGIC, strlen(STATE_MAGIC)) == 0 &&
	    (c = strstr(text, "\ncommitted ")) != NULL &&
	    (p = strstr(text, "\npending ")) != NULL &&
	    (a = strstr(text, "\nacked ")) != NULL &&
	    parse_pos(c + 11, &st->committed) == 0 && parse_pos(p + 9, &st->pending) == 0 &&
	    sscanf(a + 7, "%lld", &st->acked) == 1)
		rc = 1;
	else
		errno = EINVAL;
	free(text);
	return rc;
}

static int
write_state(const char *dir, const char *name, const struct state *st)
{
	char	 buf[256], c[40], p[40];
	int	 n;

	format_pos(&st->committed, c, sizeof(c));
	format_pos(&st->pending, p, sizeof(p));
	n = snprintf(buf, sizeof(buf), "%scommitted %s\npending %s\nacked %lld\n",
	    STATE_MAGIC, c, p, st->acked);
	return fio_replace(dir, name, buf, (size_t)n, 0600, 1);
}

static int
same_pos(const struct ex_pos *a, const struct ex_pos *b)
{
	return a->day == b->day && a->off == b->off;
}

/*
 * Under the lock: read NAME's state into st, let change alter it (when not
 * NULL), and write it back.  0, or -1 with the reason on stderr.
 */
static int
update_state(const struct conf *cf, cs_settle_fn settle, const char *name,
    struct state *st, int (*change)(struct state *, void *), void *arg, int must_exist)
{
	struct spool	 sp;
	const char	*dir = sp.consumers;
	char		 err[512];
	int		 rc = -1, found;

	if (sp_open(&sp, cf->spool_dir, err, sizeof(err)) == -1) {
		ut_log("%s", err);
		return -1;
	}
	if (make_consumers(&sp) == -1 || sp_lock(&sp, LOCK_WAIT_MS) == -1) {
		ut_log_errno("opening", sp.consumers);
		return -1;
	}
	/* A killed --erase may have left places to move: before they are read. */
	if (settle(cf, &sp, &st->erased) == -1)
		ut_log_errno("finishing an earlier --erase", NULL);
	else if ((found = read_state(dir, name, st)) == -1)
		ut_log("%s/%s: %s", dir, name, errno == EINVAL ?
		    "not a consumer's file: remove it to start the consumer anew" :
		    strerror(errno));
	else if (found == 0 && must_exist)
		ut_log("no consumer %s: run --tail --consumer %s first",
		    name, name);
	else if (change == NULL || change(st, arg) == 0) {
		if (write_state(dir, name, st) == -1)
			ut_log("%s/%s: %s", dir, name, strerror(errno));
		else
			rc = 0;
	}
	sp_unlock(&sp);
	return rc;
}

static int
restart_pending(struct state *st, void *arg)
{
	(void)arg;
	st->pending = st->committed;
	return 0;
}

/* Where a --tail began and ended, and the archive rewrites it began after. */
struct tail_run {
	struct ex_pos	 from, end;
	long long	 erased;
};

/* The tail's end becomes pending, unless an ack, a tail or an --erase moved things meanwhile. */
static int
set_pending(struct state *st, void *arg)
{
	const struct tail_run *t = arg;

	if (st->erased != t->erased) {
		ut_log("--erase rewrote the archive while this --tail ran: nothing "
		    "recorded; run --tail again");
		return -1;
	}
	if (!same_pos(&st->committed, &t->from)) {
		ut_log("the consumer moved while this --tail ran "
		    "(two loaders with one name?): nothing recorded");
		return -1;
	}
	st->pending = t->end;
	return 0;
}

int
cs_tail(const struct conf *cf, const char *name, long long max, enum ex_format fmt,
    cs_settle_fn settle)
{
	struct ex_opts	 o;
	struct state	 st;
	struct tail_run	 t;
	struct spool	 sp;
	off_t		*sizes = NULL;
	long long	 count;
	size_t		 n;
	int		*days = NULL, rc = -1;

	memset(&o, 0, sizeof(o));
	o.format = fmt;
	o.to = INT_MAX;
	if (update_state(cf, settle, name, &st, restart_pending, NULL, 0) == -1)
		return -1;
	t.from = st.committed;
	t.erased = st.erased;
	if (ex_days(cf, &sp, st.committed.day, INT_MAX, &days, &sizes, &n) == -1)
		goto fail;
	if (fmt == EX_CSV && (fio_write(STDOUT_FILENO, "day,", 4) == -1 ||
	    fio_write(STDOUT_FILENO, cv_header, strlen(cv_header)) == -1))
		goto fail;
	if (ex_stream(cf, &sp, &o, STDOUT_FILENO, days, sizes, n, st.committed, max, 0,
	    &t.end, &count) == -1)
		goto fail;
	rc = update_state(cf, settle, name, &st, set_pending, &t, 1);
	goto out;
fail:
	ut_log("--tail --consumer %s: %s; nothing recorded",
	    name, strerror(errno));
out:
	free(days);
	free(sizes);
	return rc;
}

static int
commit_pending(struct state *st, void *arg)
{
	(void)arg;
	if (!same_pos(&st->committed, &st->pending)) {
		st->committed = st->pending;
		st->acked = (long long)time(NULL);
	}
	return 0;
}

int
cs_ack(const struct conf *cf, const char *name, cs_settle_fn settle)
{
	struct state	 st;

	return update_state(cf, settle, name, &st, commit_pending, NULL, 1);
}

int
cs_list(const struct conf *cf, FILE *out)
{
	struct ex_opts	 o;
	struct dirent	*de;
	struct state	 st;
	struct ex_pos	 end;
	struct spool	 sp;
	DIR		*d = NULL;
	off_t		*sizes = NULL;
	long long	 lag;
	char		 pos[40], age[32];
	size_t		 n;
	int		*days = NULL, null = -1, rc = -1;

	memset(&o, 0, sizeof(o));
	o.format = EX_JSONL;
	o.to = INT_MAX;
	if (ex_days(cf, &sp, NOWHERE, INT_MAX, &days, &sizes, &n) == -1 ||
	    make_consumers(&sp) == -1 || (d = fio_opendir(sp.consumers)) == NULL ||
	    (null = fio_open("/dev/null", O_WRONLY, 0)) == -1)
		goto out;
	fprintf(out, "consumer\tcommitted\tlag_events\tlast_ack\n");
	while ((de = readdir(d)) != NULL) {
		if (!cs_name_valid(de->d_name) || read_state(sp.consumers, de->d_name, &st) != 1)
			continue;
		if (ex_stream(cf, &sp, &o, null, days, sizes, n, st.committed, -1, 0, &end,
		    &lag) == -1)
			goto out;
		format_pos(&st.committed, pos, sizeof(pos));
		if (st.acked == 0)
			snprintf(age, sizeof(age), "never");
		else
			ut_utc_stamp((time_t)st.acked, age);
		fprintf(out, "%s\t%s\t%lld\t%s\n", de->d_name, pos, lag, age);
	}
	rc = 0;
out:
	if (rc == -1)
		ut_log("--consumers: %s", strerror(errno));
	if (null != -1)
		(void)fio_close(null);
	if (d != NULL)
		(void)closedir(d);
	free(days);
	free(sizes);
	return rc;
}

int
cs_inspect(const struct spool *sp, cs_inspect_fn fn, void *arg)
{
	struct dirent	*de;
	struct state	 st;
	DIR		*d;
	int		 rc = 0, e;

	if ((d = fio_opendir(sp->consumers)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL)
		if (cs_name_valid(de->d_name) && read_state(sp->consumers, de->d_name, &st) == 1)
			rc = fn(de->d_name, &st.committed, st.acked, arg);
	/* A directory read that failed must not pass for the end of the list. */
	if (rc == 0 && errno != 0)
		rc = -1;
	e = errno;
	(void)closedir(d);
	errno = e;
	return rc;
}

int
cs_each(const struct spool *sp, int (*fn)(const char *name, struct ex_pos *committed,
    struct ex_pos *pending, void *arg), void *arg)
{
	struct dirent	*de;
	struct state	 st;
	DIR		*d;
	int		 rc = 0, r;

	if ((d = fio_opendir(sp->consumers)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (!cs_name_valid(de->d_name))
			continue;
		if ((r = read_state(sp->consumers, de->d_name, &st)) != 1) {
			rc = r == -1 && errno != EINVAL ? -1 : 0;
			continue;
		}
		if ((r = fn(de->d_name, &st.committed, &st.pending, arg)) == -1 ||
		    (r == 1 && write_state(sp->consumers, de->d_name, &st) == -1))
			rc = -1;
	}
	if (rc == 0 && errno != 0)
		rc = -1;
	r = errno;
	(void)closedir(d);
	errno = r;
	return rc;
}
/* When the consumer last acked, or its file last changed when it never did. */
static long long
last_seen(const char *dir, const char *name, const struct state *st)
{
	char		 path[PATH_MAX];
	struct stat	 sb;

	if (st->acked != 0)
		return st->acked;
	if (ut_path(path, sizeof(path), "%s/%s", dir, name) == -1 ||
	    fio_stat(path, &sb) == -1)
		return 0;
	return (long long)sb.st_mtime;
}

/*
 * The first day a consumer still needs into *day: the day of its committed
 * place, the next one when it read all of it (NOWHERE: before every
 * event).  0, or -1 with errno.
 */
static int
needed_day(const struct spool *sp, const struct state *st, int *day)
{
	off_t	 size;

	*day = st->committed.day;
	if (*day != NOWHERE) {
		if (arc_size(sp, *day, &size) == -1)
			return -1;
		if (st->committed.off >= size)
			(*day)++;
	}
	return 0;
}

/*
 * Call fn for each consumer with its state and whether it is stale: not
 * seen for longer than the retention and still needing a day retention
 * removes (one that read everything holds nothing back, however idle).
 * 0, fn's non-zero value, or -1 with errno.  No consumers/: none.
 */
static int
each_consumer(const struct conf *cf, const struct spool *sp, time_t now,
    int (*fn)(const char *, struct state *, int, void *), void *arg)
{
	struct dirent	*de;
	struct state	 st;
	DIR		*d;
	long long	 seen;
	int		 rc = 0, stale, need;

	if ((d = fio_opendir(sp->consumers)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (!cs_name_valid(de->d_name) || read_state(sp->consumers, de->d_name, &st) != 1)
			continue;
		seen = last_seen(sp->consumers, de->d_name, &st);
		stale = cf->retention_days > 0 &&
		    (long long)now - seen > (long long)cf->retention_days * 86400;
		if (stale && needed_day(sp, &st, &need) == -1)
			rc = -1;
		else {
			stale = stale && need < ut_local_day(now) - cf->retention_days;
			rc = fn(de->d_name, &st, stale, arg);
		}
	}
	if (rc == 0 && errno != 0)
		rc = -1;
	(void)closedir(d);
	return rc;
}

struct stale_list {
	cs_stale_fn	 fn;
	void		*arg;
	int		 n;
};

static int
count_stale(const char *name, struct state *st, int stale, void *arg)
{
	struct stale_list *l = arg;
	char		 when[21];

	if (stale) {
		l->n++;
		if (l->fn != NULL) {
			if (st->acked == 0)
				snprintf(when, sizeof(when), "never");
			else
				ut_utc_stamp((time_t)st->acked, when);
			l->fn(name, when, l->arg);
		}
	}
	return 0;
}

int
cs_stale(const struct conf *cf, const struct spool *sp, time_t now, cs_stale_fn fn,
    void *arg)
{
	struct stale_list l = { fn, arg, 0 };

	if (cf->retention_days == 0)
		return 0;
	return each_consumer(cf, sp, now, count_stale, &l) == 0 ? l.n : -1;
}

struct needed {
	const struct spool *sp;
	int		 day;
};

static int
find_needed(const char *name, struct state *st, int stale, void *arg)
{
	struct needed	*nd = arg;
	int		 day;

	(void)name;
	if (stale)
		return 0;
	if (needed_day(nd->sp, st, &day) == -1)
		return -1;
	if (day < nd->day)
		nd->day = day;
	return 0;
}

int
cs_needed(const struct conf *cf, const struct spool *sp, time_t now, int *day)
{
	struct needed	 nd = { sp, INT_MAX };

	if (each_consumer(cf, sp, now, find_needed, &nd) != 0)
		return -1;
	*day = nd.day;
	return 0;
}

/* A place in a removed day: the start of the next remaining one, or nowhere. */
static int
move_pos(struct ex_pos *p, int first, const int *days, size_t n)
{
	size_t	 i;

	if (p->day == NOWHERE || p->day >= first)
		return 0;
	for (i = 0; i < n && days[i] <= p->day; i++)
		;
	p->day = i < n ? days[i] : NOWHERE;
	p->off = 0;
	return 1;
}

struct moving {
	const int	*days;
	size_t		 n;
	int		 first;
};

static int
move_consumer(const char *name, struct ex_pos *committed, struct ex_pos *pending, void *arg)
{
	const struct moving *m = arg;
	char		 was[40], now[40];
	int		 moved;

	format_pos(committed, was, sizeof(was));
	moved = move_pos(committed, m->first, m->days, m->n);
	moved |= move_pos(pending, m->first, m->days, m->n);
	if (!moved)
		return 0;
	format_pos(committed, now, sizeof(now));
	ut_log("retention: consumer %s had not read days now removed: "
	    "moved from %s to %s", name, was, now);
	return 1;
}

int
cs_move_past(const struct spool *sp, int first)
{
	struct moving	 m;
	int		*days = NULL, rc;

	m.first = first;
	if (arc_days(sp, &days, &m.n) == -1)
		return -1;
	m.days = days;
	rc = cs_each(sp, move_consumer, &m);
	free(days);
	return rc;
}

struct boundary {
	off_t	 want;
	int	 hit;
};

static int
reach(const char *line, size_t len, off_t end, void *arg)
{
	struct boundary	*b = arg;

	(void)line;
	(void)len;
	b->hit = end == b->want;
	return end >= b->want;
}

/* Whether p is a line boundary of one of days: 1, 0, or -1 with errno. */
static int
at_boundary(const struct spool *sp, const struct ex_pos *p, const int *days, size_t n)
{
	struct boundary	 b = { p->off, p->off == 0 };

	if (p->day == NOWHERE)
		return p->off == 0;
	if (bsearch(&p->day, days, n, sizeof(*days), ut_cmp_int) == NULL)
		return 0;
	if (p->off > 0 && arc_scan(sp, p->day, 0, p->off, reach, &b) == -1)
		return -1;
	return b.hit;
}

int
cs_verify(const struct spool *sp, const int *days, size_t n, FILE *msg)
{
	static const char *const what[] = { "committed", "pending" };
	struct dirent	*de;
	struct state	 st;
	struct ex_pos	*p[2];
	DIR		*d;
	char		 pos[40];
	int		 found = 0, k, r;

	if ((d = fio_opendir(sp->consumers)) == NULL)
		return errno == ENOENT ? 0 : -1;
	p[0] = &st.committed;
	p[1] = &st.pending;
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!cs_name_valid(de->d_name))
			continue;
		if (read_state(sp->consumers, de->d_name, &st) != 1) {
			fprintf(msg, "%s/%s: not a consumer's file\n", sp->consumers, de->d_name);
			found++;
			continue;
		}
		for (k = 0; k < 2; k++) {
			if ((r = at_boundary(sp, p[k], days, n)) == -1)
				goto fail;
			if (r == 1)
				continue;
			format_pos(p[k], pos, sizeof(pos));
			fprintf(msg, "%s/%s: %s place %s is not at a line of the archive; "
			    "remove the file to start the consumer anew\n", sp->consumers,
			    de->d_name, what[k], pos);
			found++;
		}
		if (st.pending.day < st.committed.day || (st.pending.day == st.committed.day &&
		    st.pending.off < st.committed.off)) {
			fprintf(msg, "%s/%s: pending place before the committed one; "
			    "the next --tail sets it anew\n", sp->consumers, de->d_name);
			found++;
		}
	}
	if (errno != 0)
		goto fail;
	(void)closedir(d);
	return found;
fail:
	(void)closedir(d);
	return -1;
}

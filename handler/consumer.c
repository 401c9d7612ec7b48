/*
 * consumer.c: --tail, --ack and --consumers.  A consumer's file is replaced
 * atomically and durably under the writer lock, so a kill -9 of the tail,
 * the ack or a writer leaves the old places or the new ones, never a mix.
 * The archive is read without the lock, up to the lengths learnt under it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "consumer.h"
#include "csvview.h"
#include "erase.h"
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
update_state(const struct conf *cf, const char *name, struct state *st,
    int (*change)(struct state *, void *), void *arg, int must_exist)
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
	if (er_settle(cf, &sp, &st->erased) == -1)
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
cs_tail(const struct conf *cf, const char *name, long long max, enum ex_format fmt)
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
	if (update_state(cf, name, &st, restart_pending, NULL, 0) == -1)
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
	rc = update_state(cf, name, &st, set_pending, &t, 1);
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
cs_ack(const struct conf *cf, const char *name)
{
	struct state	 st;

	return update_state(cf, name, &st, commit_pending, NULL, 1);
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
	int		 rc = 0;

	if ((d = fio_opendir(sp->consumers)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (rc == 0 && (de = readdir(d)) != NULL)
		if (cs_name_valid(de->d_name) && read_state(sp->consumers, de->d_name, &st) == 1)
			rc = fn(de->d_name, &st.committed, st.acked, arg);
	(void)closedir(d);
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

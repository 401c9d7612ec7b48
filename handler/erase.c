/*
 * erase.c: --erase (yespo-hook(8)).  A day at a time, under the writer
 * lock: find the lines to go, record their keys (spool_dir/erased), write
 * the day anew without them (arc_rewrite) with a journal in views/ made
 * durable before the rename, then finish the journal: the consumers'
 * offsets moved past the cut ranges, the day's views made anew, the
 * journal removed.  Whoever takes the lock next finishes a journal a
 * killed --erase left (handler/DESIGN.md, "Erasure").  Last, each
 * quarantine file that holds a value is written anew with it redacted.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "batch.h"
#include "conf.h"
#include "consumer.h"
#include "erase.h"
#include "erased.h"
#include "fsio.h"
#include "health.h"
#include "index.h"
#include "page.h"
#include "quarantine.h"
#include "replay.h"
#include "spool.h"
#include "util.h"
#include "xlsx.h"

#define LOCK_WAIT_MS	60000
#define JOURNAL_NAME	"erase.journal"
#define JOURNAL_MAGIC	"yespo-hook-erase-journal 1\n"
/* Bytes of a quarantine file looked at in one piece. */
#define LOOK_CHUNK	(1 << 20)

/* The fields a person is erased by. */
static const enum ev_col fields[] = {
	EV_EMAIL, EV_SMS, EV_VIBER, EV_CONTACTID, EV_EXTERNALCUSTOMERID,
	EV_WEBPUSH, EV_MOBILEPUSH
};

/* A consumer's offsets when the journal was written. */
struct snap {
	char		 name[65];
	struct ex_pos	 committed, pending;
};

/* One day's rewrite, as views/erase.journal records it. */
struct journal {
	int			 day;
	char			 tmp[NAME_MAX + 1];	/* the new file, in archive/ */
	char			 name[NAME_MAX + 1];	/* the day's file, in archive/ */
	unsigned long long	 ino;			/* the new file's */
	struct arc_range	*cut;			/* what went, ascending */
	size_t			 ncut, cutcap;
	struct snap		*cs;
	size_t			 ncs, cscap;
};

/* An --erase at work. */
struct erase {
	const struct conf	*cf;
	struct spool		*sp;
	const struct er_match	*m;
	size_t			 nm;
	struct ev		 e;
	struct ut_buf		 dec;		/* a decoded value */
	struct journal		 j;		/* the day's */
	struct ek_keys		 fresh;		/* keys of the day's events that go */
	int			 day;
	size_t			 events;	/* the day's events that go */
	size_t			 foreign;	/* its lines that are no event but hold a value */
	size_t			 elsewhere;	/* its kept events that hold a value's text */
	unsigned long long	 lines;		/* read so far, of all days */
};

int
er_parse(const char *arg, struct er_match *m)
{
	const char	*eq = strchr(arg, '=');
	size_t		 i, n;

	if (eq == NULL || eq[1] == '\0') {
		fprintf(stderr, "yespo-hook: --erase %s: give FIELD=VALUE, the value "
		    "not empty\n", arg);
		return -1;
	}
	n = (size_t)(eq - arg);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(ev_col_names[fields[i]]) == n &&
		    memcmp(ev_col_names[fields[i]], arg, n) == 0) {
			m->col = fields[i];
			m->value = eq + 1;
			m->len = strlen(eq + 1);
			return 0;
		}
	fprintf(stderr, "yespo-hook: --erase %.*s: not a field to erase by; use email, "
	    "sms, viber, contactId, externalCustomerId, webpush or mobilepush\n", (int)n, arg);
	return -1;
}

/*
 * The array v (n used of *cap, each size bytes) with room for one more:
 * v itself, or a larger copy (*cap updated), or NULL (v stays).
 */
static void *
make_room(void *v, size_t n, size_t *cap, size_t size)
{
	void	*nv;
	size_t	 want = *cap ? *cap * 2 : 16;

	if (n < *cap)
		return v;
	if ((nv = reallocarray(v, want, size)) != NULL)
		*cap = want;
	return nv;
}

static void
free_journal(struct journal *j)
{
	free(j->cut);
	free(j->cs);
	memset(j, 0, sizeof(*j));
}

/* Add a cut range, joined to the last one when they touch: 0, or -1. */
static int
add_cut(struct journal *j, off_t off, off_t len)
{
	struct arc_range	*c;

	if (j->ncut > 0 && j->cut[j->ncut - 1].off + j->cut[j->ncut - 1].len == off) {
		j->cut[j->ncut - 1].len += len;
		return 0;
	}
	if ((c = make_room(j->cut, j->ncut, &j->cutcap, sizeof(*c))) == NULL)
		return -1;
	j->cut = c;
	j->cut[j->ncut].off = off;
	j->cut[j->ncut++].len = len;
	return 0;
}

static int
add_snap(struct journal *j, const char *name, const struct ex_pos *c, const struct ex_pos *p)
{
	struct snap	*cs;

	if (strlen(name) >= sizeof(j->cs->name)) {
		errno = EINVAL;
		return -1;
	}
	if ((cs = make_room(j->cs, j->ncs, &j->cscap, sizeof(*cs))) == NULL)
		return -1;
	j->cs = cs;
	snprintf(j->cs[j->ncs].name, sizeof(j->cs[j->ncs].name), "%s", name);
	j->cs[j->ncs].committed = *c;
	j->cs[j->ncs++].pending = *p;
	return 0;
}

static int
snap_consumer(const char *name, struct ex_pos *c, struct ex_pos *p, void *arg)
{
	return add_snap(arg, name, c, p);
}

/* A name in archive/ as the journal keeps it: the last component of path. */
static int
base_name(const char *path, char *buf, size_t len)
{
	const char	*s = strrchr(path, '/');

	return ut_path(buf, len, "%s", s != NULL ? s + 1 : path);
}

/*
 * arc_rewrite's ready: the new file is durable, the day not yet replaced.
 * Record what went and where every consumer stands, durably, so that
 * whoever finishes the rewrite moves each consumer once.  0, or -1.
 */
static int
write_journal(const char *tmp, const char *path, ino_t ino, void *arg)
{
	struct erase	*x = arg;
	struct journal	*j = &x->j;
	struct ut_buf	 b = { 0 };
	char		 line[NAME_MAX * 2 + 128], ymd[11];
	size_t		 i;
	int		 n, rc = -1;

	j->day = x->day;
	j->ino = (unsigned long long)ino;
	j->ncs = 0;
	if (base_name(tmp, j->tmp, sizeof(j->tmp)) == -1 ||
	    base_name(path, j->name, sizeof(j->name)) == -1 ||
	    cs_each(x->sp, snap_consumer, j) == -1)
		return -1;
	ut_format_day(j->day, ymd);
	n = snprintf(line, sizeof(line), "%sday %s\nfile %s %s %llu\n", JOURNAL_MAGIC, ymd,
	    j->tmp, j->name, j->ino);
	if (ut_buf_add(&b, line, (size_t)n) == -1)
		goto out;
	for (i = 0; i < j->ncs; i++) {
		n = snprintf(line, sizeof(line), "consumer %s %d %lld %d %lld\n", j->cs[i].name,
		    j->cs[i].committed.day, (long long)j->cs[i].committed.off,
		    j->cs[i].pending.day, (long long)j->cs[i].pending.off);
		if (ut_buf_add(&b, line, (size_t)n) == -1)
			goto out;
	}
	for (i = 0; i < j->ncut; i++) {
		n = snprintf(line, sizeof(line), "cut %lld %lld\n", (long long)j->cut[i].off,
		    (long long)j->cut[i].len);
		if (ut_buf_add(&b, line, (size_t)n) == -1)
			goto out;
	}
	if (ut_buf_add(&b, "end\n", 4) == -1)
		goto out;
	rc = fio_replace(x->sp->views, JOURNAL_NAME, b.p, b.len, 0600, 1);
out:
	ut_buf_free(&b);
	return rc;
}

/* Parse one line of the journal into j: 0, or -1 (not a journal line). */
static int
parse_journal_line(char *p, struct journal *j, int *ended)
{
	char		 ymd[11], name[65];
	long long	 a, b;
	struct ex_pos	 c, q;
	int		 n = 0;

	if (sscanf(p, "day %10s%n", ymd, &n) == 1 && p[n] == '\0')
		return (j->day = ut_parse_day(ymd)) < 0 ? -1 : 0;
	if (sscanf(p, "file %255s %255s %llu%n", j->tmp, j->name, &j->ino, &n) == 3 &&
	    p[n] == '\0')
		return 0;
	if (sscanf(p, "consumer %64s %d %lld %d %lld%n", name, &c.day, &a, &q.day, &b, &n) == 5 &&
	    p[n] == '\0' && a >= 0 && b >= 0) {
		c.off = (off_t)a;
		q.off = (off_t)b;
		return add_snap(j, name, &c, &q);
	}
	if (sscanf(p, "cut %lld %lld%n", &a, &b, &n) == 2 && p[n] == '\0' && a >= 0 && b > 0 &&
	    (j->ncut == 0 || a >= j->cut[j->ncut - 1].off + j->cut[j->ncut - 1].len))
		return add_cut(j, (off_t)a, (off_t)b);
	if (strcmp(p, "end") == 0) {
		*ended = 1;
		return 0;
	}
	return -1;
}

/* The journal: 1, 0 when there is none, -1 with errno (EINVAL: damaged). */
static int
read_journal(const struct spool *sp, struct journal *j)
{
	char	 path[PATH_MAX], *text, *p, *nl;
	size_t	 len;
	int	 ended = 0, rc = -1;

	memset(j, 0, sizeof(*j));
	j->day = -1;
	if (ut_path(path, sizeof(path), "%s/" JOURNAL_NAME, sp->views) == -1)
		return -1;
	if (fio_slurp(path, &text, &len) == -1)
		return errno == ENOENT ? 0 : -1;
	errno = EINVAL;
	if (strncmp(text, JOURNAL_MAGIC, strlen(JOURNAL_MAGIC)) != 0)
		goto out;
	for (p = text + strlen(JOURNAL_MAGIC); (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (parse_journal_line(p, j, &ended) == -1)
			goto out;
	}
	/* Written whole by a rename: anything less is not a journal of this program. */
	if (!ended || j->day < 0 || j->tmp[0] == '\0' || j->name[0] == '\0' ||
	    strchr(j->tmp, '/') != NULL || strchr(j->name, '/') != NULL ||
	    strstr(j->tmp, FIO_TMP_MARK) == NULL)
		goto out;
	rc = 1;
out:
	if (rc == -1)
		free_journal(j);
	free(text);
	return rc;
}

/* Where an offset of the old file lies in the new one. */
static off_t
moved_off(const struct journal *j, off_t off)
{
	off_t	 gone = 0;
	size_t	 i;

	for (i = 0; i < j->ncut && j->cut[i].off < off; i++)
		gone += j->cut[i].off + j->cut[i].len <= off ? j->cut[i].len :
		    off - j->cut[i].off;
	return off - gone;
}

static void
move_pos(const struct journal *j, const struct ex_pos *was, struct ex_pos *now)
{
	*now = *was;
	if (was->day == j->day)
		now->off = moved_off(j, was->off);
}

/*
 * A consumer's offsets from where the journal found them: the same
 * result however often a killed finish is run again.  1 when they change.
 */
static int
move_consumer(const char *name, struct ex_pos *c, struct ex_pos *p, void *arg)
{
	const struct journal	*j = arg;
	struct ex_pos		 nc, np;
	size_t			 i;

	for (i = 0; i < j->ncs; i++)
		if (strcmp(j->cs[i].name, name) == 0)
			break;
	if (i == j->ncs)
		return 0;	/* none is made while a journal waits: every maker finishes it first */
	move_pos(j, &j->cs[i].committed, &nc);
	move_pos(j, &j->cs[i].pending, &np);
	if (nc.day == c->day && nc.off == c->off && np.day == p->day && np.off == p->off)
		return 0;
	*c = nc;
	*p = np;
	return 1;
}

/*
 * The day's views anew from its new file.  Its state goes first: it
 * counts bytes of the old file, and a replay that fails must leave
 * nothing a later writer would trust.  A view that cannot be written is
 * recorded in views/behind for the next writer, as a batch's would be.
 * The workbook, made from the old file, goes too.  0, or -1 with errno
 * when the spool failed.
 */
static int
remake_views(const struct conf *cf, const struct spool *sp, int day)
{
	struct cv_fault	 fault = { 0 };
	struct cv_ctx	 cx = { cf->csv_dir, sp->views, cf->csv_formula_guard,
			    cf->max_status_files, &fault };
	struct cv_day	 d;
	struct rp_replay r;
	char		 path[PATH_MAX], ymd[11], text[PATH_MAX + 128];
	off_t		 size;
	int		 ok;

	ut_format_day(day, ymd);
	if (cv_remove_state(sp->views, day) == -1 || fio_sync_dir(sp->views) == -1)
		return -1;
	if (ut_path(path, sizeof(path), "%s/%s/%s.xlsx", cf->csv_dir, ymd, ymd) == -1 ||
	    (fio_unlink(path) == -1 && errno != ENOENT))
		ut_log_errno("removing the workbook", path);
	memset(&d, 0, sizeof(d));
	memset(&r, 0, sizeof(r));
	d.day = day;
	r.cx = &cx;
	r.d = &d;
	ok = arc_size(sp, day, &size) == 0 && rp_replay_day(&r, sp, 0, size) == 0;
	cv_free(&d);
	ev_free(&r.e);
	if (ok)
		return 0;
	if (fault.op != NULL)
		snprintf(text, sizeof(text), "%s %s: %s", fault.op, fault.path,
		    strerror(fault.error));
	else
		snprintf(text, sizeof(text), "remaking the views of %s after --erase: %s", ymd,
		    strerror(errno));
	ut_log("views of %s behind the archive: %s; the next writer or --rebuild "
	    "repairs them", ymd, text);
	return sp_set_views_behind(sp, day, text);
}

/*
 * Finish a day's rewrite: the new file in place (renamed now when the
 * rewrite was killed before), the consumers moved, the views anew, the
 * journal gone.  A new file that is gone means the day stayed as it was.
 * 0, or -1 with errno.
 */
static int
finish(const struct conf *cf, const struct spool *sp, struct journal *j)
{
	struct stat	 st;
	char		 tmp[PATH_MAX], path[PATH_MAX];
	int		 placed = 0, r;

	if (ut_path(tmp, sizeof(tmp), "%s/%s", sp->archive, j->tmp) == -1 ||
	    ut_path(path, sizeof(path), "%s/%s", sp->archive, j->name) == -1)
		return -1;
	if ((r = fio_stat(path, &st)) == -1 && errno != ENOENT)
		return -1;
	if (r == 0 && (unsigned long long)st.st_ino == j->ino)
		placed = 1;
	else if ((r = fio_stat(tmp, &st)) == -1 && errno != ENOENT)
		return -1;
	else if (r == 0 && (unsigned long long)st.st_ino == j->ino) {
		if (fio_rename(tmp, path) == -1 || fio_sync_dir(sp->archive) == -1)
			return -1;
		placed = 1;
	}
	if (placed) {
		fio_root(FIO_CSV, cf->csv_dir, 1);
		if (arc_drop_gz(sp, j->day) == -1 || cs_each(sp, move_consumer, j) == -1 ||
		    remake_views(cf, sp, j->day) == -1)
			return -1;
	} else
		ut_log("%s: an --erase stopped before it replaced %s; that day is as "
		    "it was", JOURNAL_NAME, path);
	if (ut_path(path, sizeof(path), "%s/" JOURNAL_NAME, sp->views) == -1 ||
	    fio_unlink(path) == -1)
		return -1;
	return fio_sync_dir(sp->views);
}

int
er_settle(const struct conf *cf, const struct spool *sp, long long *erased)
{
	struct journal	 j;
	struct ek_keys	 ks;
	int		 rc;

	if ((rc = read_journal(sp, &j)) == 1) {
		rc = finish(cf, sp, &j);
		free_journal(&j);
	} else if (rc == -1 && errno == EINVAL) {
		/* Not one this program wrote: said, never a reason to stall the feed. */
		ut_log("%s/" JOURNAL_NAME " is damaged; the day it names may hold "
		    "views and consumer offsets of the file before: run --rebuild, "
		    "check the consumers, then remove it", sp->views);
		rc = 0;
	}
	if (rc == -1 || erased == NULL)
		return rc;
	if (ek_read(sp, &ks) == -1)
		return -1;
	*erased = ks.generation;
	free(ks.k);
	return 0;
}

/* Whether the string or number at v (n bytes) is, decoded, m's value: 1, 0, -1. */
static int
value_is(struct erase *x, const char *v, size_t n, const struct er_match *m)
{
	size_t	 len;

	if (v[0] != '"')
		/* A number by its text; null, true, false, objects never. */
		return (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) && n == m->len &&
		    memcmp(v, m->value, n) == 0;
	if (memchr(v, '\\', n) == NULL)
		return n - 2 == m->len && memcmp(v + 1, m->value, m->len) == 0;
	x->dec.len = 0;
	if (ut_buf_add(&x->dec, NULL, n) == -1)
		return -1;
	len = bt_decode(v, n, x->dec.p);
	return len == m->len && memcmp(x->dec.p, m->value, len) == 0;
}

/*
 * Whether the parsed event holds a value to erase: in a member of the
 * field's name, the last or an earlier one (the archive keeps both).
 */
static int
event_matches(struct erase *x)
{
	const struct ev	*e = &x->e;
	const char	*name, *f;
	size_t		 i, k, n;
	int		 r;

	if (ev_names(&x->e) == -1)
		return -1;
	for (i = 0; i < e->n; i++) {
		name = e->names + e->name_at[i];
		n = e->name_at[i + 1] - e->name_at[i];
		for (k = 0; k < x->nm; k++) {
			f = ev_col_names[x->m[k].col];
			if (strlen(f) != n || memcmp(f, name, n) != 0)
				continue;
			if ((r = value_is(x, e->text + e->m[i].val_off, e->m[i].val_len,
			    &x->m[k])) != 0)
				return r;
		}
	}
	return 0;
}

/*
 * arc_scan's callback: note a line to go.  Only a line holding a value's
 * bytes, or an escape that could spell them, is parsed.  A line that is
 * no archive line goes when it holds a value's bytes.
 */
static int
collect_line(const char *line, size_t len, off_t end, void *arg)
{
	struct erase	*x = arg;
	struct ev_key	 k;
	off_t		 start = end - (off_t)len - 1;
	size_t		 i;
	int		 raw = 0, r;

	x->lines++;
	for (i = 0; i < x->nm && !raw; i++)
		raw = memmem(line, len, x->m[i].value, x->m[i].len) != NULL;
	if (!raw && memchr(line, '\\', len) == NULL)
		return 0;
	if (!arc_line_valid(line, len)) {
		if (!raw)
			return 0;
		x->foreign++;
		return add_cut(&x->j, start, (off_t)len + 1);
	}
	if (ev_parse(&x->e, line, len, 1) != 0 || (r = event_matches(x)) == -1)
		return -1;
	if (r == 0) {
		x->elsewhere += raw;
		return 0;
	}
	ev_key(&x->e, &k);
	if (ek_push(&x->fresh, k.h[0], k.h[1], x->day) == -1)
		return -1;
	x->events++;
	return add_cut(&x->j, start, (off_t)len + 1);
}

/* Take the writer lock and finish what a killed --erase left: 0, or -1 (told). */
static int
lock_spool(struct erase *x)
{
	if (sp_lock(x->sp, LOCK_WAIT_MS) == -1) {
		fprintf(stderr, "yespo-hook: %s: %s; is a writer stuck?\n", x->sp->lock,
		    strerror(errno));
		return -1;
	}
	if (rp_check_format(x->sp, stderr) == SP_FORMAT_REFUSED)
		goto fail;
	if (er_settle(x->cf, x->sp, NULL) == -1) {
		fprintf(stderr, "yespo-hook: finishing an earlier --erase (%s/" JOURNAL_NAME
		    "): %s\n", x->sp->views, strerror(errno));
		goto fail;
	}
	/*
	 * A day's new file that a killed --erase left before its journal holds
	 * other people's lines: none may outlive the erasure of one of them.
	 */
	(void)fio_sweep(x->sp->archive, time(NULL), 0);
	return 0;
fail:
	sp_unlock(x->sp);
	return -1;
}

/* Erase from one day, under the lock: 0, or -1 with errno. */
static int
erase_day(struct erase *x, int day)
{
	off_t	 size;

	free_journal(&x->j);
	x->fresh.n = 0;
	x->day = day;
	x->events = x->foreign = x->elsewhere = 0;
	if (arc_repair(x->sp, day, 0, &size) == -1 ||
	    arc_scan(x->sp, day, 0, size, collect_line, x) != 0)
		return -1;
	if (x->j.ncut == 0)
		return 0;
	if (ek_record(x->sp, &x->fresh, day, x->cf->dedup_window_days) == -1 ||
	    arc_rewrite(x->sp, day, x->j.cut, x->j.ncut, write_journal, x) == -1)
		return -1;
	return finish(x->cf, x->sp, &x->j);
}

/*
 * One unit of text at s (before end): a JSON escape, decoded into out (4
 * bytes at most) as a reader decodes it, or else one byte as it is.  Sets
 * *n to the bytes written; returns the unit's length.
 */
static size_t
read_unit(const char *s, const char *end, char *out, size_t *n)
{
	const char	*p = s;

	if (*s != '\\') {
		out[0] = *s;
		*n = 1;
		return 1;
	}
	*n = bt_decode_escape(&p, end, out);
	return (size_t)(p - s);
}

/* The length of the text at p (before end) that decodes to m's value in whole units, or 0. */
static size_t
decoded_at(const char *p, const char *end, const struct er_match *m)
{
	const char	*s = p;
	char		 u[4];
	size_t		 got = 0, n;

	if (*p != '\\' && *p != m->value[0])
		return 0;
	while (got < m->len && s < end) {
		s += read_unit(s, end, u, &n);
		if (n > m->len - got || memcmp(u, m->value + got, n) != 0)
			return 0;
		got += n;
	}
	return got == m->len ? (size_t)(s - p) : 0;
}

/*
 * Turn into as many '*' each occurrence of a value that starts before
 * upto in the len bytes at buf (it may run on past upto): the value as
 * it is, then as JSON escapes spell it, looked for at each unit from
 * *unit on; *unit is left at the first unit at or past upto.  The count.
 */
static size_t
redact(char *buf, size_t len, size_t upto, size_t *unit, const struct er_match *m, size_t nm)
{
	char	*p, *q = NULL, *end = buf + len, u[4];
	size_t	 i, k, n, reach = 0, count = 0;

	for (i = 0; i < nm; i++) {
		for (p = buf; (p = memmem(p, (size_t)(end - p), m[i].value, m[i].len)) != NULL &&
		    p < buf + upto; p += m[i].len) {
			memset(p, '*', m[i].len);
			count++;
		}
		/* An escape spells one byte of a value in at most 6. */
		if (m[i].len * 6 > reach)
			reach = m[i].len * 6;
	}
	for (p = buf + *unit; p < buf + upto; p += k) {
		/*
		 * Between backslashes each byte is a unit, and what the raw
		 * search missed holds an escape within reach of its start.
		 */
		if ((q == NULL || q < p) && (q = memchr(p, '\\', (size_t)(end - p))) == NULL)
			q = end;
		if ((size_t)(q - p) > reach) {
			k = (size_t)(q - p) - reach;
			continue;
		}
		for (i = 0, k = 0; i < nm && k == 0; i++)
			k = decoded_at(p, end, &m[i]);
		if (k > 0) {
			memset(p, '*', k);
			count++;
		} else
			k = read_unit(p, end, u, &n);
	}
	*unit = (size_t)(p - buf);
	return count;
}

/*
 * Read the file at in to its end, each occurrence of a value redacted,
 * and write it to out unless out is -1.  In pieces that overlap by more
 * than the longest escaped value, so none is missed at a seam.  Adds the
 * occurrences to *count.  0, or -1 with errno.
 */
static int
redact_fd(int in, int out, const struct er_match *m, size_t nm, size_t *count)
{
	char	*buf;
	size_t	 i, over = 12, cap, have = 0, upto, unit = 0;
	ssize_t	 got;
	int	 rc = -1;

	for (i = 0; i < nm; i++)
		if (m[i].len * 12 + 12 > over)
			over = m[i].len * 12 + 12;
	cap = LOOK_CHUNK + over;
	if ((buf = malloc(cap)) == NULL)
		return -1;
	for (;;) {
		if ((got = fio_read(in, buf + have, cap - have)) == -1)
			goto out;
		have += (size_t)got;
		/* fio_read stops short only at the end of the file. */
		upto = have < cap ? have : have - over;
		*count += redact(buf, have, upto, &unit, m, nm);
		if (out != -1 && fio_write(out, buf, upto) == -1)
			goto out;
		if (have < cap)
			break;
		memmove(buf, buf + upto, have - upto);
		have -= upto;
		unit -= upto;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/*
 * The occurrences of a value in the quarantine file path (none in what is
 * no regular file), in *count.  With write set, and under the writer
 * lock, the file is also written anew whole with each one redacted, under
 * its name: to a temporary file in tmp/, synced, renamed over it, the
 * directory synced; a kill leaves it as it was or as redacted.  0, or -1
 * with errno.
 */
static int
redact_file(const struct spool *sp, const char *path, const struct er_match *m, size_t nm,
    int write, size_t *count)
{
	struct stat	 st;
	char		 tmp[PATH_MAX];
	int		 in, out = -1, rc = -1;

	*count = 0;
	/* O_NONBLOCK: a FIFO left there must not hang --erase. */
	if ((in = fio_open(path, O_RDONLY | O_NONBLOCK, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fio_fstat(in, &st) == -1)
		goto out;
	if (!S_ISREG(st.st_mode) || !write) {
		rc = S_ISREG(st.st_mode) ? redact_fd(in, -1, m, nm, count) : 0;
		goto out;
	}
	if ((out = fio_mktemp(sp->tmp, "q", 0600, tmp, sizeof(tmp))) == -1)
		goto out;
	if (redact_fd(in, out, m, nm, count) == -1 || fio_datasync(out) == -1)
		goto fail;
	rc = fio_close(out);
	out = -1;
	if (rc == -1 || (rc = fio_rename(tmp, path)) == -1)
		goto fail;
	rc = qr_sync(sp);
	goto out;
fail:
	rc = -1;
	(void)fio_unlink(tmp);
out:
	if (out != -1)
		(void)fio_close(out);
	(void)fio_close(in);
	return rc;
}

/*
 * Redact a value wherever a quarantine file holds it, a file at a time
 * under the writer lock, each named with its count.  0, or -1 (told; the
 * files not done keep the value).
 */
static int
redact_quarantine(struct erase *x, FILE *out)
{
	struct dirent	*de;
	char		 path[PATH_MAX];
	size_t		 n;
	DIR		*d;
	int		 rc = 0, r, e;

	if ((d = fio_opendir(x->sp->quarantine)) == NULL) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "yespo-hook: --erase: %s: %s\n", x->sp->quarantine, strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    ut_path(path, sizeof(path), "%s/%s", x->sp->quarantine, de->d_name) == -1)
			continue;
		/* Looked at without the lock: most files hold no value. */
		if ((r = redact_file(x->sp, path, x->m, x->nm, 0, &n)) == 0 && n > 0) {
			if (lock_spool(x) == -1) {
				rc = -1;
				break;
			}
			r = redact_file(x->sp, path, x->m, x->nm, 1, &n);
			e = errno;
			sp_unlock(x->sp);
			errno = e;
		}
		if (r == -1) {
			fprintf(stderr, "yespo-hook: --erase: %s: %s; it may still hold a value "
			    "erased: run --erase again\n", path, strerror(errno));
			rc = -1;
		} else if (n > 0)
			fprintf(out, "%s: redacted %zu occurrence(s) of a value erased\n", path, n);
	}
	if (de == NULL && errno != 0) {
		fprintf(stderr, "yespo-hook: --erase: %s: %s\n", x->sp->quarantine, strerror(errno));
		rc = -1;
	}
	(void)closedir(d);
	return rc;
}

/*
 * After the days: the workbooks of the closed days that changed, and the
 * page.  0, or -1 (told).
 */
static int
publish(const struct erase *x, const int *days, size_t n)
{
	unsigned long long	 events;
	time_t			 last;
	char			 ymd[11];
	size_t			 i;
	int			 today = ut_local_day(time(NULL)), rc = 0;

	for (i = 0; x->cf->xlsx && i < n; i++)
		if (days[i] < today && xl_write_day(x->cf, days[i]) == -1) {
			ut_format_day(days[i], ymd);
			fprintf(stderr, "yespo-hook: --erase: the workbook of %s: %s; "
			    "--rebuild makes it\n", ymd, strerror(errno));
			rc = -1;
		}
	if (sp_lock(x->sp, LOCK_WAIT_MS) == -1 || hl_figures(x->cf, &events, &last) == -1 ||
	    pg_write(x->cf->csv_dir, today, last) == -1) {
		fprintf(stderr, "yespo-hook: --erase: %s/index.html: %s\n", x->cf->csv_dir,
		    strerror(errno));
		rc = -1;
	}
	sp_unlock(x->sp);
	return rc;
}

/* Hold the workbook lock, so no workbook is made from a day being rewritten: the descriptor, or -1. */
static int
hold_workbooks(const struct spool *sp)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (ut_path(path, sizeof(path), "%s/xlsx.lock", sp->views) == -1 ||
	    (fd = fio_open(path, O_RDWR | O_CREAT, 0600)) == -1)
		return -1;
	if (fio_lock(fd, 0, LOCK_WAIT_MS) == -1) {
		(void)fio_close(fd);
		return -1;
	}
	return fd;
}

/*
 * Erase from each of the ndays days in turn, telling out what went, the
 * lock taken for one day at a time so that writers go on between days;
 * the changed days go to changed (*nchanged of them).  0, or -1 after a
 * line on stderr.
 */
static int
erase_days(struct erase *x, const int *days, size_t ndays, int *changed,
    size_t *nchanged, FILE *out)
{
	struct ut_progress pr;
	unsigned long long total = 0;
	char		 ymd[11];
	size_t		 i;
	int		 r, rc = -1;

	memset(&pr, 0, sizeof(pr));
	ut_progress_start(&pr, "--erase", ndays);
	for (i = 0; i < ndays; i++) {
		if (lock_spool(x) == -1)
			goto out;
		r = erase_day(x, days[i]);
		sp_unlock(x->sp);
		ut_format_day(days[i], ymd);
		if (r == -1) {
			ut_progress_end(&pr);
			fprintf(stderr, "yespo-hook: --erase: archive/%s.jsonl: %s; run --erase "
			    "again\n", ymd, strerror(errno));
			goto out;
		}
		/* The day's lines below start where the progress line did. */
		if (x->j.ncut > 0 || x->elsewhere > 0)
			ut_progress_clear(&pr);
		if (x->j.ncut > 0) {
			fprintf(out, "archive/%s.jsonl: removed %zu event(s)", ymd, x->events);
			if (x->foreign > 0)
				fprintf(out, " and %zu line(s) that are no event", x->foreign);
			fputc('\n', out);
			changed[(*nchanged)++] = days[i];
			total += x->events;
		}
		if (x->elsewhere > 0)
			fprintf(out, "archive/%s.jsonl: %zu event(s) kept that hold a value's "
			    "text in another member or within a longer value\n", ymd, x->elsewhere);
		ut_progress_show(&pr, i + 1, x->lines);
	}
	ut_progress_end(&pr);
	fprintf(out, "removed %llu event(s) from %zu day(s); their keys stay in the index, "
	    "so a resent one is a duplicate\n", total, *nchanged);
	rc = 0;
out:
	ut_progress_end(&pr);
	return rc;
}

int
er_erase(const struct conf *cf, const struct er_match *m, size_t nm, FILE *out)
{
	struct erase	 x;
	struct spool	 sp;
	char		 err[512];
	size_t		 ndays = 0, nchanged = 0;
	int		*days = NULL, *changed = NULL, held = -1, rc = -1, r;

	memset(&x, 0, sizeof(x));
	x.cf = cf;
	x.sp = &sp;
	x.m = m;
	x.nm = nm;
	if (sp_open(&sp, cf->spool_dir, err, sizeof(err)) == -1) {
		fprintf(stderr, "yespo-hook: %s\n", err);
		return -1;
	}
	fio_root(FIO_CSV, cf->csv_dir, 1);
	if ((held = hold_workbooks(&sp)) == -1) {
		fprintf(stderr, "yespo-hook: %s/xlsx.lock: %s\n", sp.views, errno == ETIMEDOUT ?
		    "held for a minute by another --erase or a workbook's maker; try again" :
		    strerror(errno));
		return -1;
	}
	if (lock_spool(&x) == -1)
		goto out;
	r = arc_days(&sp, &days, &ndays);
	sp_unlock(&sp);
	if (r == -1 || (changed = calloc(ndays + 1, sizeof(*changed))) == NULL) {
		fprintf(stderr, "yespo-hook: --erase: %s: %s\n", sp.archive, strerror(errno));
		goto out;
	}
	if (erase_days(&x, days, ndays, changed, &nchanged, out) == -1)
		goto out;
	rc = publish(&x, changed, nchanged);
	if (redact_quarantine(&x, out) == -1)
		rc = -1;
out:
	if (held != -1)
		(void)fio_close(held);
	free_journal(&x.j);
	free(x.fresh.k);
	ev_free(&x.e);
	ut_buf_free(&x.dec);
	free(days);
	free(changed);
	return rc;
}

int
er_verify(const struct spool *sp, struct ix *ix, struct ix *seen, FILE *msg)
{
	struct stat	 st;
	char		 path[PATH_MAX];
	int		 findings = 0;

	if (ut_path(path, sizeof(path), "%s/" JOURNAL_NAME, sp->views) == 0 &&
	    fio_stat(path, &st) == 0) {
		fprintf(msg, "%s: an --erase was stopped in the middle of a day; the "
		    "next writer finishes it, or run --erase again\n", path);
		findings++;
	}
	return findings + ek_verify(sp, ix, seen, msg);
}

/*
 * ingest.c: a batch's way to disk.
 *
 * Outside the lock: read and parse the body, quarantine what cannot be an
 * event.  Under the lock: bring the index up to the archive (and the views,
 * when they can be written), drop duplicates, append the new events to the
 * day's archive and fdatasync (the commit point), then update the index and
 * the CSV view.  Only the archive and the index gate the answer: a view
 * that fails is logged, recorded in views/behind for the probe, and
 * repaired by a later writer or --rebuild (yespo-hook(8)).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "batch.h"
#include "conf.h"
#include "csvview.h"
#include "erase.h"
#include "event.h"
#include "fsio.h"
#include "health.h"
#include "hook.h"
#include "index.h"
#include "ingest.h"
#include "page.h"
#include "quarantine.h"
#include "replay.h"
#include "retain.h"
#include "spool.h"
#include "util.h"
#include "xlsx.h"

/*
 * Views are synced and checkpointed at most this often; a power cut costs
 * at most this much replay.  Only the archive is synced for every batch.
 */
#define CHECKPOINT_SECONDS	60
/* The download page is made at most this often, and at day change. */
#define PAGE_SECONDS	60
/* A writer that holds the lock longer will publish after its own answer. */
#define PAGE_LOCK_MS	1000
#define READ_CHUNK	65536

/* Log that n more bytes do not fit beside the held ones: ING_FULL. */
static enum ing_result
quarantine_full(const struct conf *cf, const struct spool *sp, uint64_t held, uint64_t n)
{
	ut_log("%s holds %llu bytes; this batch's %llu more "
	    "would pass quarantine_max_bytes (%lld): answered 503, nothing written; "
	    "look at the files there and remove them", sp->quarantine,
	    (unsigned long long)held, (unsigned long long)n, (long long)cf->quarantine_max_bytes);
	return ING_FULL;
}

/*
 * Whether n more bytes fit in quarantine: ING_OK, ING_FULL (logged), or
 * ING_FAIL.  Writers at work at the same time may pass the bound by
 * their own files' sizes.
 */
static enum ing_result
quarantine_room(const struct conf *cf, const struct spool *sp, uint64_t n)
{
	uint64_t	 held;

	if (qr_held(sp->quarantine, &held) == -1) {
		ut_log_errno(sp->quarantine, NULL);
		return ING_FAIL;
	}
	return held + n <= (uint64_t)cf->quarantine_max_bytes ? ING_OK :
	    quarantine_full(cf, sp, held, n);
}

/* A set of the keys stored by this batch, so a batch cannot double itself. */
struct keyset {
	struct ev_key	*k;
	unsigned char	*used;
	size_t		 mask;
};

static int
keyset_init(struct keyset *s, size_t n)
{
	size_t	 cap = 16;

	while (cap < n * 2)
		cap *= 2;
	s->mask = cap - 1;
	s->k = calloc(cap, sizeof(*s->k));
	s->used = calloc(cap, 1);
	return s->k && s->used ? 0 : -1;
}

/* Add a key: 1 when it was new, 0 when it was there. */
static int
keyset_add(struct keyset *s, const struct ev_key *k)
{
	size_t	 i;

	for (i = k->h[0] & s->mask; s->used[i]; i = (i + 1) & s->mask)
		if (memcmp(&s->k[i], k, sizeof(*k)) == 0)
			return 0;
	s->used[i] = 1;
	s->k[i] = *k;
	return 1;
}

static void
keyset_free(struct keyset *s)
{
	free(s->k);
	free(s->used);
}

/* What one batch works with under the lock. */
struct run {
	const struct conf	*cf;
	struct spool		*sp;
	struct cv_ctx		 cx;
	struct cv_fault		 fault;		/* where a view failed */
	struct cv_day		 d;		/* today's view, when views_ok */
	int			 views_ok;	/* today's views hold its archive */
	int			 behind;	/* a view failed in this batch */
	struct ix		 ix;
	int			 ixopen;
	struct keyset		 seen;
	struct ev_key		*fresh;		/* keys of the events to store */
	size_t			 nfresh;
	struct ut_buf		 lines;		/* their archive lines */
	char			 stamp[EV_STAMP_LEN + 1];
	time_t			 now;
	int			 today;
};

/* Room for every key and every line at once, so no buffer is doubled into: 0, or -1. */
static int
make_buffers(struct run *r, const struct bt_batch *b, size_t nevents)
{
	size_t	 i, need = 0;

	for (i = 0; i < b->nitems; i++)
		if (b->items[i].kind == BT_EVENT)
			need += b->items[i].text_len + EV_LINE_EXTRA;
	if (keyset_init(&r->seen, nevents) == -1 ||
	    (r->fresh = calloc(nevents, sizeof(*r->fresh))) == NULL ||
	    ut_buf_add(&r->lines, NULL, need) == -1) {
		ut_log_errno("batch", NULL);
		return -1;
	}
	r->lines.len = 0;
	return 0;
}

/*
 * A view of day could not be updated: log the path, the step, the error
 * and the user in one line, and record it for the probe and the next
 * writer.  The events are safe in the archive either way.
 */
static void
views_behind(struct run *r, int day)
{
	char	 who[192], text[PATH_MAX + 400], ymd[11];

	ut_whoami(who, sizeof(who), 0);
	ut_format_day(day, ymd);
	if (r->fault.op != NULL)
		snprintf(text, sizeof(text), "%s %s: %s (running as %s)", r->fault.op,
		    r->fault.path, strerror(r->fault.error), who);
	else
		snprintf(text, sizeof(text), "updating the views of %s: %s (running as %s)",
		    ymd, strerror(errno), who);
	ut_log("views of %s behind the archive: %s; the events "
	    "are stored, a later writer or --rebuild repairs the views", ymd, text);
	if (sp_set_views_behind(r->sp, day, text) == -1)
		ut_log_errno("writing views/behind", NULL);
	r->fault.op = NULL;
	r->behind = 1;
}

/*
 * Make a day other than today durable: its index and views.  A view that
 * fails is recorded, not fatal.  0, or -1 (logged) when the archive or the
 * index failed.
 */
static int
checkpoint_day(struct run *r, int day)
{
	struct cv_day	 old;
	enum rp_result	 rc;

	if ((rc = rp_settle(&r->cx, r->sp, &r->ix, day, &old)) == RP_FAIL)
		return -1;
	if (ix_sync(&r->ix) == -1) {
		ut_log_errno("checkpointing the previous day's index", NULL);
		cv_free(&old);
		return -1;
	}
	/* The closed day's summary.csv is made whole, whatever the interval. */
	if (rc == RP_BEHIND ||
	    cv_commit(&r->cx, &old, old.archive_len, CV_DURABLE | CV_SUMMARY) != CV_OK)
		views_behind(r, day);
	cv_free(&old);
	return 0;
}

/*
 * With today's views whole, repair the days an earlier failure left
 * behind, and forget the record once they are all whole.  0, or -1
 * (logged) when the archive or the index failed.
 */
static int
repair_behind(struct run *r, int cur)
{
	char	 text[8];
	int	*days = NULL, first, rc = -1;
	size_t	 n = 0, j;

	if ((rc = sp_views_behind(r->sp, &first, text, sizeof(text))) != 1) {
		if (rc == -1)
			ut_log_errno("reading views/behind", NULL);
		return 0;
	}
	if (arc_days(r->sp, &days, &n) == -1) {
		ut_log_errno("listing the archive", NULL);
		return -1;
	}
	rc = 0;
	for (j = 0; j < n && rc == 0; j++)
		if (days[j] >= first && days[j] < r->today && days[j] != cur)
			rc = checkpoint_day(r, days[j]);
	free(days);
	if (rc == 0 && !r->behind && sp_clear_views_behind(r->sp) == -1)
		ut_log_errno("removing views/behind", NULL);
	return rc;
}

/*
 * Make the index hold every archived event before new ones are judged:
 * open (or remake) the index, close the day written last, repair today's
 * views and those an earlier failure left behind.  Only the archive and
 * the index can fail this: a view that cannot be repaired stays behind.
 * 0, or -1 (logged).
 */
static int
open_views(struct run *r)
{
	enum rp_result	 rc;
	int		 cur;

	if (rp_open_index(r->sp, &r->ix, r->today, r->cf->dedup_window_days) == -1) {
		ut_log_errno(r->sp->index, NULL);
		return -1;
	}
	r->ixopen = 1;
	if (sp_current_day(r->sp, &cur) == -1) {
		ut_log_errno("reading views/current", NULL);
		return -1;
	}
	if (cur >= 0 && cur != r->today && checkpoint_day(r, cur) == -1)
		return -1;
	if ((rc = rp_settle(&r->cx, r->sp, &r->ix, r->today, &r->d)) == RP_FAIL)
		return -1;
	r->views_ok = rc == RP_OK;
	if (!r->views_ok)
		views_behind(r, r->today);
	else if (repair_behind(r, cur) == -1)
		return -1;
	if (cur != r->today && sp_set_current_day(r->sp, r->today) == -1) {
		ut_log_errno("writing views/current", NULL);
		return -1;
	}
	return 0;
}

/*
 * Keep the batch's new events: those neither in the index nor earlier in
 * the batch get their archive line and CSV row; the rest are counted as
 * duplicates.  0, or -1 (logged).
 */
static int
drop_duplicates(struct run *r, const struct bt_batch *b, struct ing_counts *c)
{
	struct ev	 e;
	struct ev_key	 k;
	size_t		 i;
	int		 known, rc = -1;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < b->nitems; i++) {
		const struct bt_item *it = &b->items[i];
		const char *text = b->text + it->text_off;

		if (it->kind != BT_EVENT)
			continue;
		if (ev_parse_item(&e, b, it) == -1)
			goto nomem;
		ev_key(&e, &k);
		if ((known = ix_has(&r->ix, &k)) == -1) {
			ut_log_errno("reading the index", NULL);
			goto out;
		}
		if (known || !keyset_add(&r->seen, &k)) {
			c->duplicates++;
			continue;
		}
		r->lines.len += ev_format_line(text, it->text_len, r->stamp,
		    r->lines.p + r->lines.len);
		if (r->views_ok && cv_add(&r->cx, &r->d, &e, r->stamp) == -1)
			goto nomem;
		r->fresh[r->nfresh++] = k;
	}
	rc = 0;
	goto out;
nomem:
	ut_log_errno("batch", NULL);
out:
	ev_free(&e);
	return rc;
}

/*
 * After the commit: add the new keys to the index and the rows to the
 * CSV files, making both durable when the last checkpoint is old enough.
 * A failure here sets degraded; the next writer repairs from the archive.
 * Views already behind are left to it: it replays the archive from their
 * last state, into the index too.
 */
static void
update_views(struct run *r, off_t end, struct ing_counts *c)
{
	enum cv_result	 rc;
	int		 how = 0;

	if (ix_add_all(&r->ix, r->fresh, r->nfresh, r->today) == -1) {
		ut_log_errno("adding to the index", NULL);
		c->degraded = 1;
		return;
	}
	if (!r->views_ok)
		return;
	if (r->now - r->d.durable_at >= CHECKPOINT_SECONDS || r->now < r->d.durable_at)
		how |= CV_DURABLE;
	/*
	 * summary.csv is made from the whole day's counts, so at most once an
	 * interval, and at the day's first events.
	 */
	if (r->now - r->d.summary_at >= r->cf->summary_refresh_seconds ||
	    r->now < r->d.summary_at || r->d.summary_len == 0)
		how |= CV_SUMMARY;
	if ((how & CV_DURABLE) && ix_sync(&r->ix) == -1) {
		ut_log_errno("syncing the index", NULL);
		c->degraded = 1;
	} else if ((rc = cv_commit(&r->cx, &r->d, end, how)) == CV_REBUILD) {
		/* A file lost bytes (or was a planted link, removed): the day anew. */
		cv_free(&r->d);
		r->views_ok = rp_settle(&r->cx, r->sp, &r->ix, r->today, &r->d) == RP_OK;
		if (!r->views_ok) {
			views_behind(r, r->today);
			c->degraded = 1;
		}
	} else if (rc != CV_OK) {
		views_behind(r, r->today);
		c->degraded = 1;
	}
}

/* Close the index (removing a damaged one, which the next writer remakes) and unlock. */
static void
release(struct run *r, enum ing_result rc, struct ing_counts *c)
{
	if (r->ixopen && r->ix.damaged) {
		ut_log("%s is damaged; removing it", r->sp->index);
		(void)ix_close(&r->ix);
		(void)ix_remove(r->sp->index);
		r->ixopen = 0;
	}
	if (r->ixopen && ix_close(&r->ix) == -1 && rc == ING_OK)
		c->degraded = 1;
	sp_unlock(r->sp);
}

/*
 * Store the batch's events under the lock.  Returns ING_OK once the new
 * events are durable in the archive, whatever happens to the views after.
 */
static enum ing_result
store_events(const struct conf *cf, struct spool *sp, const struct bt_batch *b,
    size_t nevents, struct ing_counts *c)
{
	struct run	 r;
	enum ing_result	 rc = ING_FAIL;
	off_t		 end;

	memset(&r, 0, sizeof(r));
	r.cf = cf;
	r.sp = sp;
	r.cx.csv_dir = cf->csv_dir;
	r.cx.views_dir = sp->views;
	r.cx.guard = cf->csv_formula_guard;
	r.cx.max_files = cf->max_status_files;
	r.cx.fault = &r.fault;
	if (make_buffers(&r, b, nevents) == -1)
		goto out;
	if (sp_lock(sp, cf->lock_wait_ms) == -1) {
		ut_log_errno("waiting for the spool lock", NULL);
		goto out;
	}
	r.now = time(NULL);
	r.today = ut_local_day(r.now);
	ut_utc_stamp(r.now, r.stamp);
	if (er_settle(cf, sp, NULL) == -1) {
		ut_log_errno("finishing an earlier --erase", NULL);
		goto unlock;
	}
	if (open_views(&r) == -1 || drop_duplicates(&r, b, c) == -1)
		goto unlock;
	if (r.nfresh == 0) {
		rc = ING_OK;
		goto unlock;
	}
	if (arc_append(sp, r.today, r.lines.p, r.lines.len, &end) == -1) {
		ut_log_errno("appending to the archive", NULL);
		goto unlock;
	}
	/* Committed: from here on the answer is 200; a view that fails is repaired by the next writer. */
	rc = ING_OK;
	c->stored = r.nfresh;
	update_views(&r, end, c);
unlock:
	release(&r, rc, c);
out:
	cv_free(&r.d);
	ut_buf_free(&r.lines);
	keyset_free(&r.seen);
	free(r.fresh);
	return rc;
}

/*
 * Turn JSON lines into one array text: each line a value, an array line
 * giving its elements.  Returns 1 when every non-blank line is one valid
 * JSON text, 0 when not, -1 when memory ran out.
 */
static int
join_lines(const char *body, size_t len, struct ut_buf *out)
{
	struct bt_batch	 lb;
	const char	*p = body, *end = body + len, *nl;
	size_t		 k, n, any = 0;
	int		 rc = 1;

	if (ut_buf_addc(out, '[') == -1)
		return -1;
	for (; p < end && rc == 1; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (bt_parse(p, n, &lb) == -1)
			rc = -1;
		else if (!lb.valid)
			rc = 0;
		/* An array line gives its elements; any other line is one element. */
		for (k = 0; rc == 1 && k < lb.nitems; k++)
			if ((any++ > 0 && ut_buf_addc(out, ',') == -1) ||
			    ut_buf_add(out, p + lb.items[k].off, lb.items[k].len) == -1)
				rc = -1;
		bt_free(&lb);
		if (nl == end)
			break;
	}
	if (rc == 1 && ut_buf_addc(out, ']') == -1)
		rc = -1;
	return rc;
}

/*
 * The batch's elements that are not objects, one per line, in one
 * quarantine file: one sync for the batch.  Counts them in c.  ING_OK, or
 * the failure (logged).
 */
static enum ing_result
quarantine_rejects(const struct conf *cf, struct spool *sp, const struct bt_batch *b,
    const char *body, struct ing_counts *c)
{
	struct ut_buf	 rejects = { 0 };
	enum ing_result	 rc = ING_FAIL;
	size_t		 i, need = 0;

	for (i = 0; i < b->nitems; i++)
		if (b->items[i].kind != BT_EVENT)
			need += b->items[i].len + 3;
	if (need == 0)
		return ING_OK;
	if (ut_buf_add(&rejects, NULL, need) == -1) {
		ut_log_errno("parsing the body", NULL);
		return ING_FAIL;
	}
	rejects.len = 0;
	for (i = 0; i < b->nitems; i++)
		if (b->items[i].kind != BT_EVENT) {
			if (qr_add_line(&rejects, body + b->items[i].off, b->items[i].len) == -1) {
				ut_log_errno("parsing the body", NULL);
				goto out;
			}
			c->quarantined++;
		}
	if ((rc = quarantine_room(cf, sp, rejects.len)) != ING_OK)
		goto out;
	rc = ING_FAIL;
	if (qr_store(sp, rejects.p, rejects.len, "elements") == -1 || qr_sync(sp) == -1) {
		ut_log_errno("writing to quarantine", NULL);
		goto out;
	}
	rc = ING_OK;
out:
	ut_buf_free(&rejects);
	return rc;
}

/*
 * Store a body held in memory.  The body is freed once what cannot be an
 * event is in quarantine: the events live on in their compact texts, and a
 * worker's memory stays near three times the body.
 */
static enum ing_result
store_body(const struct conf *cf, struct spool *sp, struct ut_buf *raw,
    int lines, struct ing_counts *c)
{
	struct bt_batch	 b;
	struct ut_buf	 joined = { 0 };
	enum ing_result	 rc = ING_FAIL;
	const char	*body = raw->p ? raw->p : "";
	size_t		 i, len = raw->len, nevents = 0;

	if (bt_parse(body, len, &b) == -1)
		goto nomem;
	if (!b.valid && lines) {
		int j = join_lines(body, len, &joined);

		if (j == -1)
			goto nomem;
		if (j == 1) {
			bt_free(&b);
			if (bt_parse(joined.p, joined.len, &b) == -1)
				goto nomem;
			body = joined.p;
		}
	}
	if (!b.valid) {
		/* Kept whole: its usable events are not guessed at (yespo-hook(8)). */
		if ((rc = quarantine_room(cf, sp, len)) != ING_OK)
			goto out;
		rc = ING_FAIL;
		if (qr_store(sp, body, len, "body") == -1 || qr_sync(sp) == -1) {
			ut_log_errno("writing to quarantine", NULL);
			goto out;
		}
		c->received = c->quarantined = 1;
		rc = ING_OK;
		goto out;
	}
	c->received = b.nitems;
	for (i = 0; i < b.nitems; i++)
		nevents += b.items[i].kind == BT_EVENT;
	if ((rc = quarantine_rejects(cf, sp, &b, body, c)) != ING_OK)
		goto out;
	ut_buf_free(raw);
	ut_buf_free(&joined);
	rc = nevents > 0 ? store_events(cf, sp, &b, nevents, c) : ING_OK;
	goto out;
nomem:
	ut_log_errno("parsing the body", NULL);
out:
	bt_free(&b);
	ut_buf_free(&joined);
	return rc;
}

/* Log a body refused at the hard cap: ING_TOO_LARGE. */
static enum ing_result
refuse_endless(long long cap)
{
	ut_log("the body is longer than %d x max_body_bytes "
	    "(%lld bytes), which no Yespo batch is: refused, nothing kept", ING_CAP, cap);
	return ING_TOO_LARGE;
}

/*
 * Stream a body over max_body_bytes to quarantine: head is what was read
 * already, the rest comes from the reader (length < 0: to end of input).
 * Past cap bytes the file is dropped and the rest left unread.
 */
static enum ing_result
quarantine_stream(const struct conf *cf, struct spool *sp, const char *head,
    size_t headlen, ing_reader rd, void *ctx, long long length, struct ing_counts *c)
{
	struct qr	 q;
	char		 chunk[READ_CHUNK];
	long long	 left = length < 0 ? -1 : length - (long long)headlen;
	long long	 total = (long long)headlen, cap = ING_CAP * cf->max_body_bytes;
	uint64_t	 held, room;
	ssize_t		 n;

	if (qr_held(sp->quarantine, &held) == -1) {
		ut_log_errno(sp->quarantine, NULL);
		return ING_FAIL;
	}
	room = held < (uint64_t)cf->quarantine_max_bytes ?
	    (uint64_t)cf->quarantine_max_bytes - held : 0;
	if ((uint64_t)(length < 0 ? total : length) > room)
		return quarantine_full(cf, sp, held, (uint64_t)(length < 0 ? total : length));
	if (qr_begin(&q, sp) == -1 || qr_write(&q, head, headlen) == -1)
		goto fail;
	while (left != 0) {
		size_t want = sizeof(chunk);

		if (left > 0 && (long long)want > left)
			want = (size_t)left;
		if ((n = rd(ctx, chunk, want)) == -1)
			goto fail;
		if (n == 0) {
			if (left > 0) {
				qr_abort(&q);
				return ING_SHORT;
			}
			break;
		}
		if ((total += n) > cap) {
			qr_abort(&q);
			return refuse_endless(cap);
		}
		if ((uint64_t)total > room) {
			qr_abort(&q);
			return quarantine_full(cf, sp, held, (uint64_t)total);
		}
		if (qr_write(&q, chunk, (size_t)n) == -1)
			goto fail;
		if (left > 0)
			left -= n;
	}
	if (qr_end(&q, "body") == -1 || qr_sync(sp) == -1) {
		ut_log_errno("writing an oversized body to quarantine", NULL);
		return ING_FAIL;
	}
	ut_log("a body over max_body_bytes was quarantined");
	c->received = c->quarantined = 1;
	return ING_OK;
fail:
	ut_log_errno("writing an oversized body to quarantine", NULL);
	qr_abort(&q);
	return ING_FAIL;
}

enum ing_result
ing_receive(const struct conf *cf, ing_reader rd, void *ctx, long long length,
    int lines, struct ing_counts *c)
{
	struct spool	 sp;
	struct ut_buf	 body = { 0 };
	char		 err[512];
	long long	 limit = cf->max_body_bytes, cap = ING_CAP * limit;
	enum ing_result	 rc = ING_FAIL;
	ssize_t		 n;

	memset(c, 0, sizeof(*c));
	if (sp_open(&sp, cf->spool_dir, err, sizeof(err)) == -1) {
		ut_log("%s", err);
		return ING_FAIL;
	}
	fio_root(FIO_CSV, cf->csv_dir, 1);
	if (length > cap)
		return refuse_endless(cap);
	if (length > limit) {
		rc = quarantine_stream(cf, &sp, NULL, 0, rd, ctx, length, c);
		goto out;
	}
	/* A known length is allocated once, not doubled into. */
	if (length > 0 && ut_buf_add(&body, NULL, (size_t)length) == -1) {
		ut_log_errno("reading the body", NULL);
		return ING_FAIL;
	}
	body.len = 0;
	for (;;) {
		size_t want = READ_CHUNK;

		if (length >= 0 && (long long)(body.len + want) > length)
			want = (size_t)(length - (long long)body.len);
		if (want == 0)
			break;
		if (ut_buf_add(&body, NULL, want) == -1) {
			ut_log_errno("reading the body", NULL);
			goto out;
		}
		body.len -= want;
		if ((n = rd(ctx, body.p + body.len, want)) == -1) {
			ut_log_errno("reading the body", NULL);
			goto out;
		}
		if (n == 0) {
			if (length >= 0) {
				rc = ING_SHORT;
				goto out;
			}
			break;
		}
		body.len += (size_t)n;
		if ((long long)body.len > limit) {
			rc = quarantine_stream(cf, &sp, body.p, body.len, rd, ctx, -1, c);
			goto out;
		}
	}
	rc = store_body(cf, &sp, &body, lines, c);
out:
	ut_buf_free(&body);
	/* A request that wrote nothing leaves the spool as it was. */
	if (rc == ING_OK)
		sp_sweep(&sp, 0);
	return rc;
}

/* Whether the page was made within the last minute of today. */
static int
page_fresh(const struct conf *cf, time_t now)
{
	struct stat	 st;
	char		 path[PATH_MAX];

	if (ut_path(path, sizeof(path), "%s/index.html", cf->csv_dir) == -1 ||
	    fio_stat(path, &st) == -1)
		return 0;
	return st.st_mtime <= now && now - st.st_mtime < PAGE_SECONDS &&
	    ut_local_day(st.st_mtime) == ut_local_day(now);
}

int
ing_after(const struct conf *cf)
{
	struct spool		 sp;
	unsigned long long	 events;
	time_t			 now = time(NULL), last;
	int			 rc = -1;

	/* The batch just stored made and checked the spool: naming it is enough. */
	if (sp_name(&sp, cf->spool_dir) == -1) {
		ut_log("spool_dir %s: path too long", cf->spool_dir);
		return -1;
	}
	fio_root(FIO_CSV, cf->csv_dir, 1);
	if (hk_start(cf, &sp) == -1)
		ut_log_errno("starting on_commit", NULL);
	if (page_fresh(cf, now) && !rt_due(cf, &sp, ut_local_day(now)))
		return 0;
	/* Without the lock: a closed day's archive no longer changes. */
	if (cf->xlsx && xl_catch_up(cf, &sp, ut_local_day(now)) == -1)
		ut_log_errno("writing a workbook", NULL);
	if (sp_lock(&sp, PAGE_LOCK_MS) == -1) {
		if (errno == ETIMEDOUT)
			return 0;
		ut_log_errno("waiting for the spool lock", NULL);
		return -1;
	}
	/* Upkeep before the page, so the page lists no day retention removed. */
	(void)rt_compress(cf, &sp, ut_local_day(now));
	(void)rt_expire(cf, &sp, ut_local_day(now), now);
	if (hl_figures(cf, &events, &last) == -1 ||
	    pg_write(cf->csv_dir, ut_local_day(now), last) == -1)
		ut_log_errno("writing the download page", NULL);
	else
		rc = 0;
	sp_unlock(&sp);
	return rc;
}

/*
 * csvview.c: per-status CSV files, summary.csv and their checkpoint.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csvview.h"
#include "fsio.h"

const char cv_header[] =
    "receivedAt,activityDateTime,activityStatus,mediaType,contactId,"
    "externalCustomerId,email,sms,viber,webpush,mobilepush,from,messageId,"
    "messageInstanceId,messageName,messageTag,messageLanguageCode,"
    "broadcastId,workflowId,workflowBlockId,workflowInstanceId,"
    "sourceEventId,sourceEventKey,sourceEventTypeKey,clickEventLink,"
    "viewMessageLink,hardBounce,statusDescription,statusData,subscription,"
    "subscriptions,osName,osType,iid,extra\r\n";

static const char summary_header[] =
    "activityStatus,mediaType,messageId,messageName,events\r\n";

#define STATE_MAGIC	"yespo-hook-views 3\n"
#define SUMS_MAGIC	"yespo-hook-sums "
/* A journal is compacted at a checkpoint once it is this much over twice its start. */
#define SUMS_SLACK	65536

/*
 * Note in cx->fault, when nothing is noted yet, that op failed on the path
 * fmt names.  Keeps errno; returns -1 so callers can "return note(...)".
 */
static int __attribute__((format(printf, 3, 4)))
note(const struct cv_ctx *cx, const char *op, const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	if (cx->fault != NULL && cx->fault->op == NULL) {
		cx->fault->op = op;
		cx->fault->error = saved;
		va_start(ap, fmt);
		(void)vsnprintf(cx->fault->path, sizeof(cx->fault->path), fmt, ap);
		va_end(ap);
	}
	errno = saved;
	return -1;
}

static int
day_dir(const struct cv_ctx *cx, int day, char *buf, size_t len)
{
	char	 ymd[11];

	ut_format_day(day, ymd);
	return ut_path(buf, len, "%s/%s", cx->csv_dir, ymd);
}

/* The UTF-8 spaces a spreadsheet skips before a formula: NBSP, ZWSP, BOM. */
static const char *const blanks[] = { "\xc2\xa0", "\xe2\x80\x8b", "\xef\xbb\xbf" };
/* Fullwidth = + - @, which spreadsheets read as their ASCII forms. */
static const char *const wide_signs[] = {
	"\xef\xbc\x9d", "\xef\xbc\x8b", "\xef\xbc\x8d", "\xef\xbc\xa0" };

/* The length of the entry of set that s begins with, or 0. */
static size_t
starts_with(const char *s, size_t n, const char *const *set, size_t nset)
{
	size_t	 i, k;

	for (i = 0; i < nset; i++)
		if ((k = strlen(set[i])) <= n && memcmp(s, set[i], k) == 0)
			return k;
	return 0;
}

/* The first bytes that make a cell a formula by themselves. */
static const unsigned char sign_first[256] = {
	['='] = 1, ['+'] = 1, ['-'] = 1, ['@'] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1
};

/*
 * Whether a spreadsheet could run the text as a formula (OWASP CSV
 * injection): it begins with = + - @, TAB, CR or LF, or its first
 * character after spaces is = + - @ or a fullwidth form of one.
 */
static int
needs_guard(const char *s, size_t n)
{
	size_t	 k;

	if (n == 0)
		return 0;
	if (sign_first[(unsigned char)s[0]])
		return 1;
	/* Any other ASCII byte but a space first: neither a sign nor a blank before one. */
	if ((unsigned char)s[0] < 0x80 && s[0] != ' ')
		return 0;
	for (;;) {
		if (n > 0 && s[0] == ' ')
			k = 1;
		else if ((k = starts_with(s, n, blanks, 3)) == 0)
			break;
		s += k;
		n -= k;
	}
	return n > 0 && (memchr("=+-@", s[0], 4) != NULL ||
	    starts_with(s, n, wide_signs, 4) > 0);
}

/* Whether a guarded cell of the n bytes at s needs its apostrophe: needs_guard, its usual answer inline. */
static inline int
guard_wanted(const struct cv_ctx *cx, const char *s, size_t n)
{
	unsigned char	 c = n > 0 ? (unsigned char)s[0] : 'a';

	if (!cx->guard || (!sign_first[c] && c < 0x80 && c != ' '))
		return 0;
	return needs_guard(s, n);
}

/*
 * Append the text of a cell (RFC 4180 quoting not yet applied) to out:
 * strings decoded, null empty, everything else as its compact JSON.
 */
static int
add_cell_text(const struct cv_ctx *cx, const char *v, size_t len, struct ut_buf *out)
{
	size_t	 n, at = out->len;

	if (len == 4 && memcmp(v, "null", 4) == 0)
		return 0;
	if (v[0] != '"')
		return ut_buf_add(out, v, len);
	/* Most strings have no escape: themselves, less their quotes. */
	if (memchr(v + 1, '\\', len - 2) == NULL && !guard_wanted(cx, v + 1, len - 2))
		return ut_buf_add(out, v + 1, len - 2);
	if (ut_buf_add(out, NULL, len + 1) == -1)
		return -1;
	n = bt_unescape(v, len, out->p + at + 1);
	out->len = at + n + 1;
	if (guard_wanted(cx, out->p + at + 1, n)) {
		out->p[at] = '\'';
		return 0;
	}
	memmove(out->p + at, out->p + at + 1, n);
	out->len = at + n;
	return 0;
}

/* The text of a cell, as add_cell_text, in out alone. */
static int
cell_text(const struct cv_ctx *cx, const char *v, size_t len, struct ut_buf *out)
{
	out->len = 0;
	return add_cell_text(cx, v, len, out);
}

/* The bytes that make a field need quoting. */
static const unsigned char quoted[256] = { [','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1 };

/*
 * Write a field with RFC 4180 quoting, only when it needs it, at o, which
 * has room for 2 n + 2 bytes.  Returns the byte after it.
 */
static char *
put_field(char *o, const char *s, size_t n)
{
	const char	*q;
	size_t		 i;

	for (i = 0; i < n && !quoted[(unsigned char)s[i]]; i++)
		;
	if (i == n) {
		memcpy(o, s, n);
		return o + n;
	}
	*o++ = '"';
	/* Copy runs up to and including each quote, then double it. */
	while ((q = memchr(s, '"', n)) != NULL) {
		i = (size_t)(q - s) + 1;
		memcpy(o, s, i);
		o += i;
		*o++ = '"';
		n -= i;
		s = q + 1;
	}
	memcpy(o, s, n);
	o += n;
	*o++ = '"';
	return o;
}

/* Append a field to b with RFC 4180 quoting, only when it needs it. */
static int
add_field(struct ut_buf *b, const char *s, size_t n)
{
	if (ut_buf_add(b, NULL, 2 * n + 2) == -1)
		return -1;
	b->len = (size_t)(put_field(b->p + b->len - 2 * n - 2, s, n) - b->p);
	return 0;
}

static const char *
member_value(const struct ev *e, enum ev_col c, size_t *len)
{
	if (e->col[c] < 0) {
		*len = 0;
		return NULL;
	}
	*len = e->m[e->col[c]].val_len;
	return e->text + e->m[e->col[c]].val_off;
}

/*
 * The other members as one compact object, empty when there are none; a
 * repeated name once, as its last occurrence.
 */
static int
extra_text(const struct ev *e, struct ut_buf *out)
{
	size_t	 i;

	out->len = 0;
	if (e->nextra == 0)
		return 0;
	for (i = 0; i < e->n; i++) {
		const struct bt_member *m = &e->m[i];

		if (!ev_in_extra(e, i))
			continue;
		if (ut_buf_addc(out, out->len == 0 ? '{' : ',') == -1 ||
		    ut_buf_add(out, e->text + m->name_off, m->name_len) == -1 ||
		    ut_buf_addc(out, ':') == -1 ||
		    ut_buf_add(out, e->text + m->val_off, m->val_len) == -1)
			return -1;
	}
	return out->len ? ut_buf_addc(out, '}') : 0;
}

/* A byte repeated in each of the 8 bytes of a word. */
#define BYTES(b)	((uint64_t)(b) * 0x0101010101010101ULL)

/*
 * Copy the n bytes at s to o up to the first backslash or comma, 8 at a
 * time.  Returns how many were copied: n when there is neither.
 */
static size_t
copy_plain(char *o, const char *s, size_t n)
{
	uint64_t	 x, b, c;
	size_t		 i = 0;

	for (; n - i >= 8; i += 8) {
		memcpy(&x, s + i, sizeof(x));	/* little-endian hosts only, as ut_hash */
		b = x ^ BYTES('\\');
		c = x ^ BYTES(',');
		if ((((b - BYTES(1)) & ~b) | ((c - BYTES(1)) & ~c)) & BYTES(0x80))
			break;
		memcpy(o + i, &x, sizeof(x));
	}
	/* No stop so far: the last word, overlapping the ones before, not byte by byte. */
	if (n >= 8 && i < n && n - i < 8) {
		memcpy(&x, s + n - 8, sizeof(x));
		b = x ^ BYTES('\\');
		c = x ^ BYTES(',');
		if (!((((b - BYTES(1)) & ~b) | ((c - BYTES(1)) & ~c)) & BYTES(0x80))) {
			memcpy(o + n - 8, &x, sizeof(x));
			return n;
		}
	}
	for (; i < n && s[i] != '\\' && s[i] != ','; i++)
		o[i] = s[i];
	return i;
}

/*
 * The cell of a member's value v at o, quoted as needed; cell is scratch
 * space.  Returns the byte after it, or NULL when memory ran out.
 */
static char *
put_value(const struct cv_ctx *cx, char *o, const char *v, size_t len,
    struct ut_buf *cell)
{
	size_t	 n;

	/* A number, true or false is its own text and needs no quotes. */
	if (v[0] != '"' && v[0] != '{' && v[0] != '[') {
		if (len == 4 && memcmp(v, "null", 4) == 0)
			return o;
		memcpy(o, v, len);
		return o + len;
	}
	/*
	 * A string without escapes is its own text, and holds no quote, CR
	 * or LF (JSON escapes those): only a comma makes it quoted.
	 */
	if (v[0] == '"' && !guard_wanted(cx, v + 1, len - 2)) {
		if ((n = copy_plain(o, v + 1, len - 2)) == len - 2)
			return o + n;
		if (v[1 + n] == ',' && memchr(v + 1 + n, '\\', len - 2 - n) == NULL)
			return put_field(o, v + 1, len - 2);
	}
	if (cell_text(cx, v, len, cell) == -1)
		return NULL;
	return put_field(o, cell->p, cell->len);
}

/* The row of an event, CRLF included; cell is scratch space. */
static int
format_row(const struct cv_ctx *cx, const struct ev *e, const char *stamp,
    struct ut_buf *row, struct ut_buf *cell)
{
	const char	*v;
	char		*o;
	size_t		 len, room, start = row->len;
	int		 c;

	/*
	 * A cell is at most its member's text (a decoded string is shorter
	 * by its quotes, room for the guard's apostrophe), twice that and
	 * two quotes when quoted; the values and the extra object are each
	 * at most the event's text.
	 */
	room = EV_STAMP_LEN + 3 * (EV_NCOLS + 1) + 4 * e->len + 2;
	if (ut_buf_add(row, NULL, room) == -1)
		return -1;
	o = row->p + row->len - room;
	memcpy(o, stamp, EV_STAMP_LEN);
	o += EV_STAMP_LEN;
	for (c = 0; c < EV_NCOLS; c++) {
		*o++ = ',';
		if ((v = member_value(e, (enum ev_col)c, &len)) != NULL &&
		    (o = put_value(cx, o, v, len, cell)) == NULL)
			goto fail;
	}
	*o++ = ',';
	if (extra_text(e, cell) == -1)
		goto fail;
	if (cell->len > 0)
		o = put_field(o, cell->p, cell->len);
	memcpy(o, "\r\n", 2);
	row->len = (size_t)(o + 2 - row->p);
	return 0;
fail:
	row->len = start;
	return -1;
}

int
cv_cell(const struct cv_ctx *cx, const struct ev *e, int col, struct ut_buf *out)
{
	const char	*v;
	size_t		 len;

	out->len = 0;
	if (col == EV_NCOLS)
		return extra_text(e, out);
	if ((v = member_value(e, (enum ev_col)col, &len)) == NULL)
		return 0;
	return cell_text(cx, v, len, out);
}

int
cv_row(const struct cv_ctx *cx, const struct ev *e, const char *stamp,
    struct ut_buf *row, struct ut_buf *cell)
{
	return format_row(cx, e, stamp, row, cell);
}

static struct cv_file *
find_file(struct cv_day *d, const char *status, int create)
{
	struct cv_file	*f;
	size_t		 i;

	for (i = 0; i < d->nfiles; i++)
		if (strcmp(d->files[i].status, status) == 0)
			return &d->files[i];
	if (!create)
		return NULL;
	if ((f = reallocarray(d->files, d->nfiles + 1, sizeof(*f))) == NULL)
		return NULL;
	d->files = f;
	f = &d->files[d->nfiles++];
	memset(f, 0, sizeof(*f));
	snprintf(f->status, sizeof(f->status), "%s", status);
	return f;
}

/* Order of summary rows: column by column, bytewise, a prefix first. */
static int
cmp_cells(const char *a, const size_t *alen, const char *b, const size_t *blen)
{
	size_t	 i, n;
	int	 c;

	for (i = 0; i < 4; i++) {
		n = alen[i] < blen[i] ? alen[i] : blen[i];
		if ((c = memcmp(a, b, n)) != 0)
			return c;
		if (alen[i] != blen[i])
			return alen[i] < blen[i] ? -1 : 1;
		a += alen[i];
		b += blen[i];
	}
	return 0;
}

/* Room for one more count in d->sums: 0, or -1. */
static int
grow_sums(struct cv_day *d)
{
	struct cv_sum	*s;
	size_t		 cap;

	if (d->nsums < d->sums_cap)
		return 0;
	cap = d->sums_cap ? d->sums_cap * 2 : 64;
	if ((s = reallocarray(d->sums, cap, sizeof(*s))) == NULL)
		return -1;
	d->sums = s;
	d->sums_cap = cap;
	return 0;
}

/* A new count of n for a combination at place at of d->sums, whose room is made: 0, or -1. */
static int
put_sum(struct cv_day *d, size_t at, const char *cells, const size_t *len,
    unsigned long long n)
{
	struct cv_sum	*s = d->sums;
	size_t		 total = len[0] + len[1] + len[2] + len[3];
	char		*copy;

	if ((copy = malloc(total + 1)) == NULL)
		return -1;
	memmove(&s[at + 1], &s[at], (d->nsums - at) * sizeof(*s));
	memcpy(copy, cells, total);
	s[at].cells = copy;
	memcpy(s[at].len, len, sizeof(s[at].len));
	s[at].count = n;
	d->nsums++;
	return 0;
}

/* Add n to the count of a combination, inserting it in order when new. */
static int
count_sum(struct cv_day *d, const char *cells, const size_t *len,
    unsigned long long n)
{
	size_t		 lo = 0, hi = d->nsums, mid;
	int		 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = cmp_cells(d->sums[mid].cells, d->sums[mid].len, cells, len);
		if (c == 0) {
			d->sums[mid].count += n;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (grow_sums(d) == -1)
		return -1;
	return put_sum(d, lo, cells, len, n);
}

/* The hash of a combination's cells, a word at a time (its senders are authorised). */
static uint64_t
hash_cells(const char *p, size_t n)
{
	uint64_t	 h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t		 i;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (w = 0, i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)p[i] << (8 * i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* Index d->sums in d->sum_slot, twice the size it needs: 0, or -1. */
static int
index_sums(struct cv_day *d, size_t slots)
{
	uint32_t	*t;
	size_t		 i, j, total;

	if ((t = calloc(slots, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < d->nsums; i++) {
		total = d->sums[i].len[0] + d->sums[i].len[1] + d->sums[i].len[2] +
		    d->sums[i].len[3];
		for (j = hash_cells(d->sums[i].cells, total) & (slots - 1); t[j] != 0;
		    j = (j + 1) & (slots - 1))
			;
		t[j] = (uint32_t)i + 1;
	}
	free(d->sum_slot);
	d->sum_slot = t;
	d->sum_slots = slots;
	return 0;
}

/*
 * Add 1 to the count of a combination in a batch's counts, appending it
 * when new: a hash lookup, not a search of sorted counts, as their order
 * is the journal's, which its reader sorts.  0, or -1.
 */
static int
tally_sum(struct cv_day *d, const char *cells, const size_t *len)
{
	const struct cv_sum	*s;
	size_t			 j, total = len[0] + len[1] + len[2] + len[3];
	size_t			 slots = d->sum_slots ? d->sum_slots : 256;

	if (2 * (d->nsums + 1) > d->sum_slots) {
		if (d->nsums >= UINT32_MAX / 4) {
			errno = ENOMEM;
			return -1;
		}
		while (slots < 2 * (d->nsums + 1))
			slots *= 2;
		if (index_sums(d, slots) == -1)
			return -1;
	}
	for (j = hash_cells(cells, total) & (d->sum_slots - 1); d->sum_slot[j] != 0;
	    j = (j + 1) & (d->sum_slots - 1)) {
		s = &d->sums[d->sum_slot[j] - 1];
		if (memcmp(s->len, len, sizeof(s->len)) == 0 &&
		    memcmp(s->cells, cells, total) == 0) {
			d->sums[d->sum_slot[j] - 1].count++;
			return 0;
		}
	}
	if (grow_sums(d) == -1 || put_sum(d, d->nsums, cells, len, 1) == -1)
		return -1;
	d->sum_slot[j] = (uint32_t)d->nsums;
	return 0;
}

int
cv_add(const struct cv_ctx *cx, struct cv_day *d, const struct ev *e,
    const char *stamp)
{
	static const enum ev_col sumcols[3] = { EV_MEDIATYPE, EV_MESSAGEID, EV_MESSAGENAME };
	char		 status[EV_STATUS_MAX + 1];
	struct ut_buf	*cells = &d->scratch[0], *cell = &d->scratch[1];
	struct cv_file	*f;
	const char	*v;
	size_t		 len[4], vlen, start;
	int		 i;

	ev_status(e, status);
	/* The day's first max_files statuses, in arrival order, get files: a replay gives the same. */
	if (find_file(d, status, 0) == NULL && strcmp(status, "OTHER") != 0 &&
	    d->nfiles - (find_file(d, "OTHER", 0) != NULL) >= (size_t)cx->max_files)
		strcpy(status, "OTHER");
	if ((f = find_file(d, status, 1)) == NULL)
		return -1;
	/* 64 KiB to start with: doubling from 4 KiB copied a busy file's rows over and over. */
	if (f->rows.cap == 0 && ut_buf_add(&f->rows, NULL, 65536) == 0)
		f->rows.len = 0;
	if (format_row(cx, e, stamp, &f->rows, cell) == -1)
		return -1;
	len[0] = strlen(status);
	cells->len = 0;
	if (ut_buf_add(cells, status, len[0]) == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		start = cells->len;
		if ((v = member_value(e, sumcols[i], &vlen)) != NULL &&
		    add_cell_text(cx, v, vlen, cells) == -1)
			return -1;
		len[i + 1] = cells->len - start;
	}
	return tally_sum(d, cells->p, len);
}

/* Make the day's CSV directory, and csv_dir itself when missing. */
static int
make_day_dir(const struct cv_ctx *cx, int day, char *dir, size_t len)
{
	int	 made;

	if (day_dir(cx, day, dir, len) == -1)
		return note(cx, "cannot name", "%s", cx->csv_dir);
	if ((made = fio_mkdir(cx->csv_dir, 0755)) == -1)
		return note(cx, "cannot create", "%s", cx->csv_dir);
	if (made == 1) {
		/* csv_dir's parent must learn of it too; its name comes from the config. */
		char parent[PATH_MAX], *slash;

		if (ut_path(parent, sizeof(parent), "%s", cx->csv_dir) == -1)
			return note(cx, "cannot name", "%s", cx->csv_dir);
		if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
			*slash = '\0';
			if (fio_sync_dir(parent) == -1)
				return note(cx, "cannot sync", "%s", parent);
		}
	}
	if ((made = fio_mkdir(dir, 0755)) == -1)
		return note(cx, "cannot create", "%s", dir);
	if (made == 1 && fio_sync_dir(cx->csv_dir) == -1)
		return note(cx, "cannot sync", "%s", cx->csv_dir);
	return 0;
}

/*
 * Write f's pending rows at its recorded length (a header first when it is
 * new) and cut whatever a crashed writer left beyond.  Durability comes
 * later, from sync_files, at a checkpoint.
 */
static int
write_file(const char *dir, struct cv_file *f)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	off_t		 at = f->len;
	int		 fd, saved;

	if (ut_path(path, sizeof(path), "%s/%s.csv", dir, f->status) == -1)
		return -1;
	if ((fd = fio_open(path, O_WRONLY | O_CREAT, 0644)) == -1)
		return -1;
	if (fio_fstat(fd, &st) == -1) {
		saved = errno;
		(void)fio_close(fd);
		errno = saved;
		return -1;
	}
	if (st.st_size < at) {
		(void)fio_close(fd);
		return 1;
	}
	if (at == 0) {
		if (fio_pwrite(fd, cv_header, sizeof(cv_header) - 1, 0) == -1)
			goto fail;
		at = sizeof(cv_header) - 1;
	}
	if (fio_pwrite(fd, f->rows.p, f->rows.len, at) == -1)
		goto fail;
	at += (off_t)f->rows.len;
	if (st.st_size > at && fio_truncate(fd, at) == -1)
		goto fail;
	if (fio_close(fd) == -1)
		return -1;
	f->len = at;
	f->rows.len = 0;
	return 0;
fail:
	/* Downloaders must not see half a row; the recorded length is whole. */
	saved = errno;
	(void)fio_truncate(fd, f->len);
	(void)fio_close(fd);
	errno = saved;
	return -1;
}

static int
write_summary(const char *dir, const struct cv_day *d)
{
	struct ut_buf	 b = { 0 };
	char		 num[32];
	const char	*p;
	size_t		 i, j;
	int		 rc = -1;

	if (ut_buf_add(&b, summary_header, sizeof(summary_header) - 1) == -1)
		goto done;
	for (i = 0; i < d->nsums; i++) {
		p = d->sums[i].cells;
		for (j = 0; j < 4; j++) {
			if (add_field(&b, p, d->sums[i].len[j]) == -1 ||
			    ut_buf_addc(&b, ',') == -1)
				goto done;
			p += d->sums[i].len[j];
		}
		snprintf(num, sizeof(num), "%llu\r\n", d->sums[i].count);
		if (ut_buf_add(&b, num, strlen(num)) == -1)
			goto done;
	}
	rc = fio_replace(dir, "summary.csv", b.p, b.len, 0644, 0);
done:
	ut_buf_free(&b);
	return rc;
}

/*
 * Write the day's state: "ckpt" durably, "hint" without a sync.  The hint
 * names the boot it was written in, since only then is it as fresh as the
 * files it describes.  Its size depends on the statuses, not the day.
 */
static int
write_state(const struct cv_ctx *cx, const struct cv_day *d, const char *kind, int sync)
{
	struct ut_buf	 b = { 0 };
	char		 line[256], name[32], ymd[11];
	size_t		 i;
	int		 rc = -1;

	snprintf(line, sizeof(line), "%sarchive %lld\ndurable %lld\nboot %s\n"
	    "summary %lld %lld\nsums %s %lld %lld\n", STATE_MAGIC,
	    (long long)d->archive_len, (long long)d->durable_at, ut_boot_id(),
	    (long long)d->summary_at, (long long)d->summary_len,
	    d->sums_id[0] != '\0' ? d->sums_id : "-", (long long)d->sums_len,
	    (long long)d->sums_base);
	if (ut_buf_add(&b, line, strlen(line)) == -1)
		goto done;
	for (i = 0; i < d->nfiles; i++) {
		snprintf(line, sizeof(line), "file %s %lld\n", d->files[i].status,
		    (long long)d->files[i].len);
		if (ut_buf_add(&b, line, strlen(line)) == -1)
			goto done;
	}
	if (ut_buf_add(&b, "end\n", 4) == -1)
		goto done;
	ut_format_day(d->day, ymd);
	snprintf(name, sizeof(name), "%s.%s", ymd, kind);
	rc = fio_replace(cx->views_dir, name, b.p, b.len, 0600, sync);
done:
	ut_buf_free(&b);
	return rc;
}

/* The path of the day's journal of the given ID. */
static int
sums_path(const struct cv_ctx *cx, const struct cv_day *d, const char *id,
    char *buf, size_t len)
{
	char	 ymd[11];

	ut_format_day(d->day, ymd);
	return ut_path(buf, len, "%s/%s.%s.sums", cx->views_dir, ymd, id);
}

/* Write " v" at o in decimal: the byte after it.  snprintf cost 2,000 instructions a record. */
static char *
put_number(char *o, unsigned long long v)
{
	char	 digits[20];
	size_t	 n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	*o++ = ' ';
	while (n > 0)
		*o++ = digits[--n];
	return o;
}

/* Append d's counts as journal records, in the state's own notation. */
static int
add_records(struct ut_buf *b, const struct cv_day *d)
{
	const struct cv_sum *s;
	char		 line[128], *o;
	size_t		 i, k;

	for (i = 0; i < d->nsums; i++) {
		s = &d->sums[i];
		/* "sum COUNT LEN LEN LEN LEN\n": 5 numbers of at most 20 digits fit line. */
		memcpy(line, "sum", 3);
		o = put_number(line + 3, s->count);
		for (k = 0; k < 4; k++)
			o = put_number(o, s->len[k]);
		*o++ = '\n';
		if (ut_buf_add(b, line, (size_t)(o - line)) == -1 ||
		    ut_buf_add(b, s->cells, s->len[0] + s->len[1] + s->len[2] + s->len[3]) == -1 ||
		    ut_buf_addc(b, '\n') == -1)
			return -1;
	}
	return 0;
}

/* A new journal ID: 64 random bits, so no journal of the day is ever reused. */
static int
new_id(char *id)
{
	uint64_t	 r;
	ssize_t		 n;

	while ((n = getrandom(&r, sizeof(r), 0)) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(r)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	snprintf(id, CV_ID_LEN + 1, "%016" PRIx64, r);
	return 0;
}

/*
 * Append the pending counts at the journal's recorded length (a new
 * journal when the day has none) and forget them.  Bytes a crashed
 * writer left beyond that length are overwritten or never read.
 */
static int
append_sums(const struct cv_ctx *cx, struct cv_day *d)
{
	struct ut_buf	 b = { 0 };
	char		 path[PATH_MAX];
	size_t		 i;
	int		 fd = -1, rc = -1;

	if (d->sums_id[0] == '\0') {
		if (new_id(d->sums_id) == -1)
			goto done;
		d->sums_len = d->sums_base = 0;
		d->sums_made = 1;
	}
	if ((d->sums_len == 0 && (ut_buf_add(&b, SUMS_MAGIC, sizeof(SUMS_MAGIC) - 1) == -1 ||
	    ut_buf_add(&b, d->sums_id, CV_ID_LEN) == -1 || ut_buf_addc(&b, '\n') == -1)) ||
	    add_records(&b, d) == -1 ||
	    sums_path(cx, d, d->sums_id, path, sizeof(path)) == -1 ||
	    (fd = fio_open(path, O_WRONLY | O_CREAT, 0600)) == -1 ||
	    fio_pwrite(fd, b.p, b.len, d->sums_len) == -1)
		goto done;
	d->sums_len += (off_t)b.len;
	if (d->sums_base == 0)
		d->sums_base = d->sums_len;
	for (i = 0; i < d->nsums; i++)
		free(d->sums[i].cells);
	d->nsums = 0;
	if (d->sum_slot != NULL)
		memset(d->sum_slot, 0, d->sum_slots * sizeof(*d->sum_slot));
	rc = 0;
done:
	if (fd != -1 && fio_close(fd) == -1)
		rc = -1;
	ut_buf_free(&b);
	return rc;
}

static int	 parse_sums(struct cv_day *, const char *, const char *);

/*
 * Every count of the day, from the journal's recorded bytes, into all
 * (empty before): CV_OK; CV_REBUILD when the journal is missing, shorter
 * or of another ID; CV_FAIL.
 */
static enum cv_result
read_sums(const struct cv_ctx *cx, const struct cv_day *d, struct cv_day *all)
{
	char		 path[PATH_MAX], head[sizeof(SUMS_MAGIC) + CV_ID_LEN];
	char		*text = NULL;
	size_t		 hlen = sizeof(head);	/* the header line, newline included */
	ssize_t		 n;
	int		 fd;
	enum cv_result	 rc = CV_REBUILD;

	memset(all, 0, sizeof(*all));
	all->day = d->day;
	if (d->sums_id[0] == '\0')
		return CV_OK;
	if (sums_path(cx, d, d->sums_id, path, sizeof(path)) == -1)
		return CV_FAIL;
	if ((fd = fio_open(path, O_RDONLY, 0)) == -1)
		return errno == ENOENT ? CV_REBUILD : CV_FAIL;
	if ((text = malloc((size_t)d->sums_len + 1)) == NULL ||
	    (n = fio_pread(fd, text, (size_t)d->sums_len, 0)) == -1) {
		rc = CV_FAIL;
		goto done;
	}
	snprintf(head, sizeof(head), "%s%s", SUMS_MAGIC, d->sums_id);
	if ((size_t)n != (size_t)d->sums_len || (size_t)n < hlen ||
	    memcmp(text, head, hlen - 1) != 0 || text[hlen - 1] != '\n')
		goto done;
	text[n] = '\0';
	if (parse_sums(all, text + hlen, text + n) == 0)
		rc = CV_OK;
	else if (errno == ENOMEM)
		rc = CV_FAIL;
done:
	free(text);
	(void)fio_close(fd);
	if (rc != CV_OK)
		cv_free(all);
	return rc;
}

/* Write all's counts durably as a new journal, which d then names. */
static int
compact_sums(const struct cv_ctx *cx, struct cv_day *d, const struct cv_day *all)
{
	struct ut_buf	 b = { 0 };
	char		 name[64], ymd[11], id[CV_ID_LEN + 1];
	int		 rc = -1;

	ut_format_day(d->day, ymd);
	if (new_id(id) == -1 ||
	    ut_buf_add(&b, SUMS_MAGIC, sizeof(SUMS_MAGIC) - 1) == -1 ||
	    ut_buf_add(&b, id, CV_ID_LEN) == -1 || ut_buf_addc(&b, '\n') == -1 ||
	    add_records(&b, all) == -1)
		goto done;
	snprintf(name, sizeof(name), "%s.%s.sums", ymd, id);
	if (fio_replace(cx->views_dir, name, b.p, b.len, 0600, 1) == -1)
		goto done;
	memcpy(d->sums_id, id, sizeof(id));
	d->sums_len = d->sums_base = (off_t)b.len;
	rc = 0;
done:
	ut_buf_free(&b);
	return rc;
}

/* Remove day's journals in dir but the one keep names (NULL: all): 0, or -1. */
static int
remove_sums(const char *dir, int day, const char *keep)
{
	char		 ymd[11], path[PATH_MAX];
	DIR		*dp;
	struct dirent	*de;
	size_t		 n;
	int		 rc = 0;

	ut_format_day(day, ymd);
	if ((dp = fio_opendir(dir)) == NULL)
		return -1;
	while ((errno = 0, de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n != 10 + 1 + CV_ID_LEN + 5 || strncmp(de->d_name, ymd, 10) != 0 ||
		    de->d_name[10] != '.' || strcmp(de->d_name + n - 5, ".sums") != 0 ||
		    (keep != NULL && strncmp(de->d_name + 11, keep, CV_ID_LEN) == 0))
			continue;
		if (ut_path(path, sizeof(path), "%s/%s", dir, de->d_name) == -1 ||
		    fio_unlink(path) == -1)
			rc = -1;
	}
	if (errno != 0)
		rc = -1;
	closedir(dp);
	return rc;
}

int
cv_remove_state(const char *views_dir, int day)
{
	static const char *const kinds[] = { "hint", "ckpt" };
	char	 ymd[11], path[PATH_MAX];
	size_t	 k;

	ut_format_day(day, ymd);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (ut_path(path, sizeof(path), "%s/%s.%s", views_dir, ymd, kinds[k]) == -1 ||
		    (fio_unlink(path) == -1 && errno != ENOENT))
			return -1;
	return remove_sums(views_dir, day, NULL);
}

/* fdatasync a file of the day's directory, when it is there. */
static int
sync_file(const char *dir, const char *name)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (ut_path(path, sizeof(path), "%s/%s", dir, name) == -1)
		return -1;
	if ((fd = fio_open(path, O_RDONLY, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fio_datasync(fd) == -1) {
		(void)fio_close(fd);
		return -1;
	}
	return fio_close(fd);
}

/* Make every file of the day durable, whoever wrote it since the last checkpoint. */
static int
sync_files(const char *dir, const struct cv_day *d)
{
	char	 name[EV_STATUS_MAX + 8];
	size_t	 i;

	for (i = 0; i < d->nfiles; i++) {
		snprintf(name, sizeof(name), "%s.csv", d->files[i].status);
		if (sync_file(dir, name) == -1)
			return -1;
	}
	if (sync_file(dir, "summary.csv") == -1)
		return -1;
	return fio_sync_dir(dir);
}

/* sync the journal's recorded bytes, written since the last checkpoint. */
static int
sync_sums(const struct cv_ctx *cx, const struct cv_day *d)
{
	char	 path[PATH_MAX];
	int	 fd;

	if (d->sums_id[0] == '\0')
		return 0;
	if (sums_path(cx, d, d->sums_id, path, sizeof(path)) == -1 ||
	    (fd = fio_open(path, O_RDONLY, 0)) == -1)
		return -1;
	if (fio_datasync(fd) == -1) {
		(void)fio_close(fd);
		return -1;
	}
	return fio_close(fd);
}

enum cv_result
cv_commit(const struct cv_ctx *cx, struct cv_day *d, off_t archive_len, int how)
{
	struct cv_day	 all;
	char		 dir[PATH_MAX];
	size_t		 i;
	int		 rc, compact;
	/* Without a boot id a hint cannot be trusted, so every commit is a checkpoint. */
	int		 durable = (how & CV_DURABLE) || *ut_boot_id() == '\0';

	memset(&all, 0, sizeof(all));
	if (make_day_dir(cx, d->day, dir, sizeof(dir)) == -1)
		return CV_FAIL;
	for (i = 0; i < d->nfiles; i++)
		if (d->files[i].rows.len > 0 &&
		    (rc = write_file(dir, &d->files[i])) != 0)
			return rc == -1 ? note(cx, "cannot write", "%s/%s.csv", dir,
			    d->files[i].status) : CV_REBUILD;
	if (d->nsums > 0 && append_sums(cx, d) == -1)
		return note(cx, "cannot write the summary journal in", "%s", cx->views_dir);
	d->archive_len = archive_len;
	compact = durable && d->sums_len > 2 * d->sums_base + SUMS_SLACK;
	if ((how & CV_SUMMARY) || compact) {
		if ((rc = read_sums(cx, d, &all)) != CV_OK)
			return rc == CV_FAIL ? note(cx, "cannot read the summary journal in",
			    "%s", cx->views_dir) : CV_REBUILD;
	}
	if ((how & CV_SUMMARY) && write_summary(dir, &all) == -1) {
		cv_free(&all);
		return note(cx, "cannot write", "%s/summary.csv", dir);
	}
	if (how & CV_SUMMARY) {
		d->summary_at = time(NULL);
		d->summary_len = archive_len;
	}
	rc = compact ? compact_sums(cx, d, &all) : 0;
	d->sums_made |= compact;
	cv_free(&all);
	if (rc == -1)
		return note(cx, "cannot compact the summary journal in", "%s", cx->views_dir);
	if (durable) {
		d->durable_at = time(NULL);
		if (!compact && sync_sums(cx, d) == -1)
			return note(cx, "cannot sync the summary journal in", "%s", cx->views_dir);
		if (sync_files(dir, d) == -1)
			return note(cx, "cannot sync the files of", "%s", dir);
		if (write_state(cx, d, "ckpt", 1) == -1)
			return note(cx, "cannot write the day's checkpoint in", "%s", cx->views_dir);
	}
	if (write_state(cx, d, "hint", 0) == -1)
		return note(cx, "cannot write the day's state in", "%s", cx->views_dir);
	/* Both states name the new journal now; an old one left by a crash goes too. */
	if (durable && d->sums_made) {
		if (remove_sums(cx->views_dir, d->day, d->sums_id) == -1)
			return note(cx, "cannot remove old summary journals in", "%s",
			    cx->views_dir);
		d->sums_made = 0;
	}
	return CV_OK;
}

/* Read a decimal number ending in sep, at most at lim: 0, or -1. */
static int
take_num(const char **pp, const char *lim, unsigned long long *v, char sep)
{
	const char	*p = *pp;

	*v = 0;
	if (p >= lim || *p < '0' || *p > '9')
		return -1;
	for (; p < lim && *p >= '0' && *p <= '9'; p++) {
		if (*v > (ULLONG_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (unsigned long long)(*p - '0');
	}
	if (p > lim || *p != sep)
		return -1;
	*pp = p + 1;
	return 0;
}

/*
 * Parse journal records (or lines of that form) between p and end into
 * d's counts: 0, or 1 when they are malformed (errno ENOMEM when memory
 * ran out).
 */
static int
parse_sums(struct cv_day *d, const char *p, const char *end)
{
	const char	*nl;
	unsigned long long cnt, v64;
	size_t		 len[4], total;
	int		 k;

	errno = 0;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    strncmp(p, "sum ", 4) != 0)
			return 1;
		/* Many lines on a busy day: parsed by hand, lengths checked before use. */
		p += 4;
		if (take_num(&p, nl, &cnt, ' ') == -1)
			return 1;
		for (total = 0, k = 0; k < 4; k++) {
			if (take_num(&p, nl, &v64, k < 3 ? ' ' : '\n') == -1 ||
			    v64 > (unsigned long long)(end - p))
				return 1;
			len[k] = (size_t)v64;
			total += len[k];
		}
		if (total >= (size_t)(end - p) || p[total] != '\n')
			return 1;
		if (count_sum(d, p, len, cnt) == -1) {
			errno = ENOMEM;
			return 1;
		}
		p += total + 1;
	}
	return 0;
}

/*
 * Parse a state file into d, its boot id into boot: 0, 1 when it is
 * malformed, 2 when an older version wrote it (the summary counts in it).
 */
static int
parse_state(struct cv_day *d, const char *p, size_t n, char *boot)
{
	const char	*end = p + n, *nl;
	char		 status[EV_STATUS_MAX + 2], id[CV_ID_LEN + 2];
	long long	 v, w, x;
	struct cv_file	*f;
	int		 k;

	/* "yespo-hook-views N\n": the version is the byte before the newline. */
	if (n >= sizeof(STATE_MAGIC) - 1 && memcmp(p, STATE_MAGIC, sizeof(STATE_MAGIC) - 3) == 0 &&
	    p[sizeof(STATE_MAGIC) - 3] < STATE_MAGIC[sizeof(STATE_MAGIC) - 3])
		return 2;
	if (n < sizeof(STATE_MAGIC) - 1 || memcmp(p, STATE_MAGIC, sizeof(STATE_MAGIC) - 1) != 0 ||
	    p[n - 1] != '\n')
		return 1;
	p += sizeof(STATE_MAGIC) - 1;
	if (sscanf(p, "archive %lld\n%n", &v, &k) != 1 || v < 0)
		return 1;
	d->archive_len = v;
	p += k;
	if (sscanf(p, "durable %lld\n%n", &v, &k) != 1)
		return 1;
	d->durable_at = (time_t)v;
	p += k;
	boot[0] = '\0';
	if (strncmp(p, "boot \n", 6) == 0)
		p += 6;
	else if (sscanf(p, "boot %36s\n%n", boot, &k) == 1)
		p += k;
	else
		return 1;
	if (sscanf(p, "summary %lld %lld\n%n", &v, &w, &k) != 2 || w < 0)
		return 1;
	d->summary_at = (time_t)v;
	d->summary_len = w;
	p += k;
	if (sscanf(p, "sums %17s %lld %lld\n%n", id, &v, &w, &k) != 3 || v < 0 || w < 0)
		return 1;
	if (strcmp(id, "-") == 0)
		x = v == 0 ? 0 : -1;
	else
		x = strlen(id) == CV_ID_LEN && strspn(id, "0123456789abcdef") == CV_ID_LEN ?
		    0 : -1;
	if (x == -1)
		return 1;
	if (id[0] != '-')
		memcpy(d->sums_id, id, CV_ID_LEN + 1);
	d->sums_len = v;
	d->sums_base = w;
	p += k;
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (strncmp(p, "end\n", 4) == 0)
			return nl + 1 == end ? 0 : 1;
		if (sscanf(p, "file %41s %lld\n%n", status, &v, &k) != 2 ||
		    strlen(status) > EV_STATUS_MAX || v < 0 ||
		    (f = find_file(d, status, 1)) == NULL)
			return 1;
		f->len = v;
		p += k;
	}
	return 1;
}

/* Load one state file: 0, 1 when malformed, 2 when older, -1 with errno (ENOENT when absent). */
static int
load_state(const struct cv_ctx *cx, int day, const char *kind, struct cv_day *d, char *boot)
{
	char	 path[PATH_MAX], ymd[11], *text;
	size_t	 len;
	int	 rc;

	memset(d, 0, sizeof(*d));
	d->day = day;
	ut_format_day(day, ymd);
	if (ut_path(path, sizeof(path), "%s/%s.%s", cx->views_dir, ymd, kind) == -1 ||
	    fio_slurp(path, &text, &len) == -1)
		return -1;
	rc = parse_state(d, text, len, boot);
	free(text);
	if (rc != 0) {
		cv_free(d);
		memset(d, 0, sizeof(*d));
		d->day = day;
	}
	return rc;
}

enum cv_result
cv_open(const struct cv_ctx *cx, int day, struct cv_day *d, int *trusted)
{
	char	 boot[40];
	int	 rc;

	*trusted = 0;
	rc = load_state(cx, day, "hint", d, boot);
	if (rc == 0 && *ut_boot_id() != '\0' && strcmp(boot, ut_boot_id()) == 0) {
		*trusted = 1;
		return CV_OK;
	}
	if (rc == 0)
		cv_free(d);
	else if (rc == -1 && errno != ENOENT)
		return CV_FAIL;
	if ((rc = load_state(cx, day, "ckpt", d, boot)) == -1)
		return errno == ENOENT ? CV_OK : CV_FAIL;
	if (rc != 0) {
		char	 ymd[11];

		ut_format_day(day, ymd);
		ut_log("%s/%s.ckpt %s; rebuilding the day", cx->views_dir, ymd, rc == 1 ?
		    "is unreadable" : "was written by an older version");
		return CV_REBUILD;
	}
	return CV_OK;
}

enum cv_result
cv_load(const struct cv_ctx *cx, int day, struct cv_day *d, int *trusted)
{
	struct cv_day	 all;
	enum cv_result	 rc;

	if ((rc = cv_open(cx, day, d, trusted)) != CV_OK)
		return rc;
	if ((rc = read_sums(cx, d, &all)) != CV_OK) {
		cv_empty(d);
		return rc;
	}
	d->sums = all.sums;
	d->nsums = all.nsums;
	d->sums_cap = all.sums_cap;
	return CV_OK;
}

/* Cut a known file back to its recorded length: 0, 1 when it is shorter, -1. */
static int
cut_file(const char *dir, const struct cv_file *f)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 fd, rc = 0;

	if (ut_path(path, sizeof(path), "%s/%s.csv", dir, f->status) == -1)
		return -1;
	if ((fd = fio_open(path, O_WRONLY, 0)) == -1)
		return errno == ENOENT ? (f->len > 0) : -1;
	if (fio_fstat(fd, &st) == -1)
		rc = -1;
	else if (st.st_size < f->len)
		rc = 1;
	else if (st.st_size > f->len && fio_truncate(fd, f->len) == -1)
		rc = -1;
	if (fio_close(fd) == -1)
		rc = -1;
	return rc;
}

/*
 * Whether a file is one this view wrote (what an interrupted first write
 * leaves: nothing, or the start of the header and rows): 1, 0, or -1.
 */
static int
made_here(const char *path)
{
	char	 head[sizeof(cv_header) - 1];
	ssize_t	 n;
	int	 fd, rc;

	if ((fd = fio_open(path, O_RDONLY, 0)) == -1)
		return errno == ENOENT || errno == ELOOP ? 0 : -1;
	if ((n = fio_pread(fd, head, sizeof(head), 0)) == -1)
		rc = -1;
	else
		rc = memcmp(head, cv_header, (size_t)n) == 0;
	if (fio_close(fd) == -1)
		rc = -1;
	return rc;
}

enum cv_result
cv_reset(const struct cv_ctx *cx, const struct cv_day *d)
{
	char		 dir[PATH_MAX], path[PATH_MAX], status[EV_STATUS_MAX + 1];
	DIR		*dp;
	struct dirent	*de;
	size_t		 n, i;
	int		 known, removed = 0, rc;

	if (day_dir(cx, d->day, dir, sizeof(dir)) == -1)
		return note(cx, "cannot name", "%s", cx->csv_dir);
	for (i = 0; i < d->nfiles; i++)
		if ((rc = cut_file(dir, &d->files[i])) != 0)
			return rc == -1 ? note(cx, "cannot cut back", "%s/%s.csv", dir,
			    d->files[i].status) : CV_REBUILD;
	if ((dp = fio_opendir(dir)) == NULL)
		return errno == ENOENT ? CV_OK : note(cx, "cannot read", "%s", dir);
	while ((errno = 0, de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || n - 4 > EV_STATUS_MAX || strcmp(de->d_name + n - 4, ".csv") != 0 ||
		    strcmp(de->d_name, "summary.csv") == 0)
			continue;
		memcpy(status, de->d_name, n - 4);
		status[n - 4] = '\0';
		if (!ev_status_valid(status, n - 4))
			continue;	/* not a name this view makes */
		for (known = 0, i = 0; i < d->nfiles; i++)
			if (strcmp(d->files[i].status, status) == 0)
				known = 1;
		if (known)
			continue;
		if (ut_path(path, sizeof(path), "%s/%s", dir, de->d_name) == -1)
			break;
		if ((rc = made_here(path)) != 1) {
			if (rc == -1)
				break;
			continue;	/* a file of someone else's: left alone */
		}
		if (fio_unlink(path) == -1)
			break;
		removed = 1;
	}
	if (errno != 0) {
		note(cx, "cannot clean up", "%s", dir);
		closedir(dp);
		return CV_FAIL;
	}
	closedir(dp);
	if (removed && fio_sync_dir(dir) == -1)
		return note(cx, "cannot sync", "%s", dir);
	return CV_OK;
}

void
cv_free(struct cv_day *d)
{
	size_t	 i;

	for (i = 0; i < d->nfiles; i++)
		ut_buf_free(&d->files[i].rows);
	for (i = 0; i < d->nsums; i++)
		free(d->sums[i].cells);
	ut_buf_free(&d->scratch[0]);
	ut_buf_free(&d->scratch[1]);
	free(d->files);
	free(d->sums);
	free(d->sum_slot);
	d->files = NULL;
	d->sums = NULL;
	d->sum_slot = NULL;
	d->nfiles = d->nsums = d->sums_cap = d->sum_slots = 0;
}

void
cv_empty(struct cv_day *d)
{
	int	 day = d->day;

	cv_free(d);
	memset(d, 0, sizeof(*d));
	d->day = day;
}

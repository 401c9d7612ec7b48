/*
 * fuzz_batch.c: a libFuzzer harness over the batch parser (batch.c), the
 * event layer (event.c) and the CSV writer (csvview.c, in memory only).
 *
 * Each input is a request body.  It goes through bt_parse as a POST's body
 * would; each event then through ev_parse, ev_key, ev_status,
 * ev_format_line and cv_add, on a struct cv_day that is never committed, so
 * no file is ever written.  The key is checked to follow decoded values
 * (re-escaping the top-level strings keeps it) and the last occurrence of
 * a repeated name to decide (against a pairwise oracle).  The harness checks invariants that a wrong
 * answer, a lost byte or a malformed CSV row would break, and aborts (a
 * crash to libFuzzer) when one does not hold.  AddressSanitizer and
 * UndefinedBehaviorSanitizer catch the rest.
 *
 * Built and run by tests/fuzz/run.sh:
 *     clang -fsanitize=fuzzer,address,undefined -g -O1 -D_GNU_SOURCE \
 *         -I handler tests/fuzz/fuzz_batch.c handler/{batch,event,csvview,util,fsio}.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "csvview.h"
#include "event.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A fixed receipt stamp: the CSV oracle looks for it in the first cell. */
static const char stamp[EV_STAMP_LEN + 1] = "2024-02-29T23:59:59Z";

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_batch: %s:%d: invariant failed: %s\n", \
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ^[A-Z][A-Z0-9_]{0,39}$ */
static int
status_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 1 || n > EV_STATUS_MAX || s[0] < 'A' || s[0] > 'Z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			return 0;
	return 1;
}

/*
 * A parse of text that must be valid JSON with exactly one item of the kind;
 * with compact set, an object must be its own compact text.
 */
static void
check_single(const char *text, size_t len, enum bt_kind kind, int compact)
{
	struct bt_batch	 b;
	char		*w;

	/* Wrapped in an array: a bare array would give its elements. */
	CHECK((w = malloc(len + 2)) != NULL);
	w[0] = '[';
	memcpy(w + 1, text, len);
	w[len + 1] = ']';
	CHECK(bt_parse(w, len + 2, &b) == 0);
	CHECK(b.valid);
	CHECK(b.nitems == 1);
	CHECK(b.items[0].kind == kind);
	CHECK(b.items[0].off == 1 && b.items[0].len == len);
	if (kind == BT_EVENT && compact) {
		/* Compaction is idempotent: a compact text is its own compact text. */
		CHECK(b.items[0].text_len == len);
		CHECK(memcmp(b.text + b.items[0].text_off, text, len) == 0);
	}
	bt_free(&b);
	free(w);
}

/*
 * One CSV record (RFC 4180) at p: its fields, unquoted, into cells (up to
 * max), NUL-separated in buf.  Returns the number of fields and sets *used
 * to the bytes the record took, CRLF included; aborts when it is malformed.
 */
struct field {
	const char	*p;
	size_t		 len;
};

static size_t
parse_record(const char *p, size_t len, char *buf, struct field *f, size_t max,
    size_t *used)
{
	size_t	 i = 0, n = 0, o = 0, start;

	for (;;) {
		start = o;
		if (i < len && p[i] == '"') {
			i++;
			for (;;) {
				CHECK(i < len);		/* an unterminated quoted field */
				if (p[i] == '"') {
					if (i + 1 < len && p[i + 1] == '"') {
						buf[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				buf[o++] = p[i++];
			}
		} else {
			while (i < len && p[i] != ',' && p[i] != '\r') {
				/* Only a quoted field may hold these. */
				CHECK(p[i] != '"' && p[i] != '\n');
				buf[o++] = p[i++];
			}
		}
		CHECK(n < max);
		f[n].p = buf + start;
		f[n].len = o - start;
		n++;
		CHECK(i < len);
		if (p[i] == ',') {
			i++;
			continue;
		}
		CHECK(i + 1 < len && p[i] == '\r' && p[i + 1] == '\n');
		*used = i + 2;
		return n;
	}
}

/* Whether decoded text must get the formula guard's quote (yespo-hook(8)). */
static int
guarded(const unsigned char *s, size_t n)
{
	size_t	 i = 0;

	if (n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
		return 1;
	for (;;) {
		if (i < n && s[i] == ' ')
			i++;
		else if (i + 1 < n && s[i] == 0xc2 && s[i + 1] == 0xa0)
			i += 2;
		else if (i + 2 < n && ((s[i] == 0xe2 && s[i + 1] == 0x80 && s[i + 2] == 0x8b) ||
		    (s[i] == 0xef && s[i + 1] == 0xbb && s[i + 2] == 0xbf)))
			i += 3;
		else
			break;
	}
	if (i < n && (s[i] == '=' || s[i] == '+' || s[i] == '-' || s[i] == '@'))
		return 1;
	/* U+FF0B, U+FF0D, U+FF1D, U+FF20: EF BC 8B, 8D, 9D, A0. */
	return i + 2 < n && s[i] == 0xef && s[i + 1] == 0xbc &&
	    (s[i + 2] == 0x8b || s[i + 2] == 0x8d || s[i + 2] == 0x9d || s[i + 2] == 0xa0);
}

/* The cell a member's value must give (yespo-hook(8), CSV files), into out; returns its length. */
static size_t
expected_cell(const char *v, size_t len, int guard, char *out)
{
	size_t	 n;

	if (len == 4 && memcmp(v, "null", 4) == 0)
		return 0;
	if (v[0] != '"') {
		memcpy(out, v, len);
		return len;
	}
	n = bt_unescape(v, len, out + 1);
	CHECK(n <= len - 2);
	CHECK(memchr(out + 1, '\0', n) == NULL);	/* \u0000 becomes nothing */
	if (guard && guarded((const unsigned char *)out + 1, n)) {
		out[0] = '\'';
		return n + 1;
	}
	memmove(out, out + 1, n);
	return n;
}

/* Check the row cv_add appended for e against what yespo-hook(8) says it holds. */
static void
check_row(const struct ev *e, int guard, const char *row, size_t len)
{
	struct field	 f[EV_NCOLS + 2];
	char		*buf, *cell;
	size_t		 n, used, i, clen;

	CHECK(len >= 2);
	CHECK((buf = malloc(len)) != NULL);
	CHECK((cell = malloc(e->len + 1)) != NULL);
	n = parse_record(row, len, buf, f, EV_NCOLS + 2, &used);
	CHECK(used == len);			/* exactly one record */
	CHECK(n == EV_NCOLS + 2);		/* receivedAt, the columns, extra */
	CHECK(f[0].len == EV_STAMP_LEN && memcmp(f[0].p, stamp, EV_STAMP_LEN) == 0);
	for (i = 0; i < EV_NCOLS; i++) {
		const struct field *g = &f[i + 1];

		if (e->col[i] < 0) {
			CHECK(g->len == 0);	/* a missing member is an empty cell */
			continue;
		}
		clen = expected_cell(e->text + e->m[e->col[i]].val_off,
		    e->m[e->col[i]].val_len, guard, cell);
		CHECK(g->len == clen && memcmp(g->p, cell, clen) == 0);
	}
	/* extra: the members that are not columns, as one compact object. */
	{
		const struct field	*x = &f[EV_NCOLS + 1];
		size_t			 k, nextra = 0;

		for (k = 0; k < e->n; k++)
			if (ev_in_extra(e, k))
				nextra++;
		if (nextra == 0)
			CHECK(x->len == 0);
		else {
			CHECK(x->len >= 2 && x->p[0] == '{' && x->p[x->len - 1] == '}');
			check_single(x->p, x->len, BT_EVENT, 1);
			CHECK(bt_members(x->p, x->len, NULL, 0) == nextra);
		}
	}
	free(cell);
	free(buf);
}

/* summary.csv order: column by column, bytewise, a prefix first. */
static int
cells_cmp(const struct cv_sum *a, const struct cv_sum *b)
{
	const char	*p = a->cells, *q = b->cells;
	size_t		 i, n;
	int		 c;

	for (i = 0; i < 4; i++) {
		n = a->len[i] < b->len[i] ? a->len[i] : b->len[i];
		if (n > 0 && (c = memcmp(p, q, n)) != 0)
			return c;
		if (a->len[i] != b->len[i])
			return a->len[i] < b->len[i] ? -1 : 1;
		p += a->len[i];
		q += b->len[i];
	}
	return 0;
}

/* Member i's name decoded (\u0000 kept) into buf, which holds its length. */
static size_t
name_of(const struct ev *e, size_t i, char *buf)
{
	return bt_decode(e->text + e->m[i].name_off, e->m[i].name_len, buf);
}

/*
 * The last occurrence of a name decides (names compared decoded): checked
 * pairwise against what ev_parse found with its table.
 */
static void
check_last_wins(const struct ev *e)
{
	char	*a, *b;
	size_t	 i, j, la, lb, c;
	int	 later;

	CHECK((a = malloc(e->len)) != NULL && (b = malloc(e->len)) != NULL);
	for (i = 0; i < e->n; i++) {
		la = name_of(e, i, a);
		for (later = 0, j = i + 1; j < e->n && !later; j++) {
			lb = name_of(e, j, b);
			later = la == lb && memcmp(a, b, la) == 0;
		}
		for (c = 0; c < EV_NCOLS; c++)
			if (la == strlen(ev_col_names[c]) && memcmp(a, ev_col_names[c], la) == 0)
				break;
		if (later)
			CHECK(e->mcol[i] == EV_SHADOWED && !ev_in_extra(e, i));
		else if (c < EV_NCOLS)
			CHECK(e->col[c] == (int)i && !ev_in_extra(e, i));
		else
			CHECK(ev_in_extra(e, i));
	}
	free(a);
	free(b);
}

/*
 * The text with every ASCII character inside its top-level strings (names
 * and values) spelled as a \u escape, as a tool that re-escapes JSON may
 * write it.
 * Returns a malloc'd text and its length in *n.
 */
static char *
reescape(const char *text, size_t len, size_t *n)
{
	static const char hex[] = "0123456789abcdef";
	char		*out, *o;
	size_t		 i;
	int		 in = 0, depth = 0;

	CHECK((out = malloc(len * 6 + 1)) != NULL);
	for (o = out, i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (!in && (ch == '{' || ch == '['))
			depth++;
		else if (!in && (ch == '}' || ch == ']'))
			depth--;
		/* Objects and arrays count by their text: only top-level strings change. */
		if (!in || ch == '"' || ch >= 0x80 || depth > 1) {
			in ^= ch == '"';
			if (in && ch == '\\') {
				*o++ = text[i++];
				ch = (unsigned char)text[i];
			}
			*o++ = (char)ch;
		} else if (ch == '\\') {
			/* An escape stays as it is: \uXXXX whole, else two bytes. */
			size_t k = text[i + 1] == 'u' ? 6 : 2;

			memcpy(o, text + i, k);
			o += k;
			i += k - 1;
		} else {
			memcpy(o, "\\u00", 4);
			o[4] = hex[ch >> 4];
			o[5] = hex[ch & 15];
			o += 6;
		}
	}
	*n = (size_t)(o - out);
	return out;
}

/*
 * The decoded key: re-escaping every string gives the same key, STATUS
 * and cells; a later duplicate of the first member with another value
 * decides in its place.
 */
static void
check_key_meaning(const struct ev *e, const struct ev_key *k, const char *status)
{
	struct ev	 r;
	struct ev_key	 rk;
	char		 rstatus[EV_STATUS_MAX + 1], *t;
	size_t		 n, i;

	if (e->col[EV_IID] < 0)
		return;	/* keyed by its whole text, escapes and all */
	memset(&r, 0, sizeof(r));
	t = reescape(e->text, e->len, &n);
	check_single(t, n, BT_EVENT, 1);
	CHECK(ev_parse(&r, t, n, 0) == 0);
	CHECK(r.n == e->n);
	for (i = 0; i < EV_NCOLS; i++)
		CHECK(r.col[i] == e->col[i]);
	ev_key(&r, &rk);
	CHECK(memcmp(&rk, k, sizeof(rk)) == 0);
	ev_status(&r, rstatus);
	CHECK(strcmp(rstatus, status) == 0);
	ev_free(&r);
	free(t);

	/*
	 * {A,...} plus ,A:"\u0000dup": the appended A is the one that counts
	 * wherever A does, so the key changes when A is a key member.
	 */
	{
		const struct bt_member	*m0 = &e->m[0];
		struct ut_buf		 d = { 0 };
		struct ev		 x;
		struct ev_key		 xk;
		int			 c = e->mcol[0];

		memset(&x, 0, sizeof(x));
		CHECK(ut_buf_add(&d, e->text, e->len - 1) == 0 &&
		    ut_buf_addc(&d, ',') == 0 &&
		    ut_buf_add(&d, e->text + m0->name_off, m0->name_len) == 0 &&
		    ut_buf_add(&d, ":\"\\u0000dup\"}", 13) == 0);
		check_single(d.p, d.len, BT_EVENT, 1);
		CHECK(ev_parse(&x, d.p, d.len, 0) == 0);
		CHECK(x.n == e->n + 1);
		check_last_wins(&x);
		CHECK(x.mcol[0] == EV_SHADOWED);
		if (c >= 0)
			CHECK(x.col[c] == (int)e->n);
		ev_key(&x, &xk);
		if ((c == EV_IID || c == EV_ACTIVITYSTATUS || c == EV_ACTIVITYDATETIME ||
		    c == EV_CLICKEVENTLINK) && e->col[c] == 0) {
			/* Unless the first value already meant the same. */
			char	v[16];
			size_t	vl = e->m[0].val_len;
			int	same = e->text[e->m[0].val_off] == '"' && vl <= sizeof(v) + 2 &&
			    bt_decode(e->text + e->m[0].val_off, vl, v) == 4 &&
			    memcmp(v, "\0dup", 4) == 0;

			CHECK(same || memcmp(&xk, k, sizeof(xk)) != 0);
		}
		ev_free(&x);
		ut_buf_free(&d);
	}
}

/* Per event: members, key, status, archive line, CSV row. */
static void
check_event(const char *text, size_t len, const struct cv_ctx *cx,
    struct cv_day *day, size_t *events)
{
	struct ev	 e, line;
	struct ev_key	 k1, k2, k3;
	struct cv_file	*f = NULL;
	char		 status[EV_STATUS_MAX + 1], *out;
	size_t		 i, n, before = 0, nfiles = day->nfiles;

	memset(&e, 0, sizeof(e));
	memset(&line, 0, sizeof(line));
	CHECK(ev_parse(&e, text, len, 0) == 0);
	/* Every member: a name string and a valid value, in order, inside the text. */
	CHECK(bt_members(text, len, NULL, 0) == e.n);
	for (i = 0; i < e.n; i++) {
		const struct bt_member *m = &e.m[i];

		CHECK(m->name_off + m->name_len < m->val_off);
		CHECK(m->val_off + m->val_len < len);
		CHECK(text[m->name_off] == '"' && text[m->name_off + m->name_len - 1] == '"');
		CHECK(text[m->name_off + m->name_len] == ':');
		CHECK(text[m->val_off + m->val_len] == ',' || text[m->val_off + m->val_len] == '}');
		check_single(text + m->val_off, m->val_len,
		    text[m->val_off] == '{' ? BT_EVENT : BT_REJECT, 1);
		if (i > 0)
			CHECK(m->name_off == e.m[i - 1].val_off + e.m[i - 1].val_len + 1);
	}
	for (i = 0; i < EV_NCOLS; i++)
		if (e.col[i] >= 0) {
			const struct bt_member *m = &e.m[e.col[i]];
			char name[256];
			size_t nl;

			CHECK((size_t)e.col[i] < e.n);
			/* A column's member name decodes to the column's name. */
			CHECK(m->name_len <= sizeof(name));
			nl = bt_unescape(text + m->name_off, m->name_len, name);
			CHECK(nl == strlen(ev_col_names[i]) && memcmp(name, ev_col_names[i], nl) == 0);
			CHECK(!ev_in_extra(&e, (size_t)e.col[i]));
		}

	check_last_wins(&e);
	ev_key(&e, &k1);
	ev_key(&e, &k2);
	CHECK(memcmp(&k1, &k2, sizeof(k1)) == 0);

	ev_status(&e, status);
	if (e.n > 0)
		check_key_meaning(&e, &k1, status);
	CHECK(strlen(status) <= EV_STATUS_MAX);
	CHECK(status_ok(status));
	if (strcmp(status, "OTHER") != 0) {
		/* Only a string activityStatus names a file of its own. */
		const struct bt_member *m;

		CHECK(e.col[EV_ACTIVITYSTATUS] >= 0);
		m = &e.m[e.col[EV_ACTIVITYSTATUS]];
		CHECK(text[m->val_off] == '"');
		if (memchr(text + m->val_off, '\\', m->val_len) == NULL)
			CHECK(m->val_len == strlen(status) + 2 &&
			    memcmp(text + m->val_off + 1, status, strlen(status)) == 0);
	}

	/* The archive line parses back to the same members and the same key. */
	CHECK((out = malloc(len + EV_LINE_EXTRA)) != NULL);
	n = ev_format_line(text, len, stamp, out);
	CHECK(n <= len + EV_LINE_EXTRA);
	CHECK(out[n - 1] == '\n');
	CHECK(memchr(out, '\n', n - 1) == NULL);	/* one line */
	check_single(out, n - 1, BT_EVENT, 1);
	CHECK(ev_parse(&line, out, n - 1, 1) == 0);
	CHECK(line.stamp != NULL && memcmp(line.stamp, stamp, EV_STAMP_LEN) == 0);
	CHECK(line.n == e.n);
	ev_key(&line, &k3);
	CHECK(memcmp(&k1, &k3, sizeof(k1)) == 0);	/* dedup sees the same event */

	/* The CSV row, in memory only. */
	for (i = 0; i < day->nfiles; i++)
		if (strcmp(day->files[i].status, status) == 0) {
			f = &day->files[i];
			before = f->rows.len;
		}
	CHECK(cv_add(cx, day, &e, stamp) == 0);
	if (f == NULL) {
		CHECK(day->nfiles == nfiles + 1);
		f = &day->files[nfiles];
		CHECK(strcmp(f->status, status) == 0);
	} else
		f = &day->files[f - day->files];	/* files may have moved */
	check_row(&e, cx->guard, f->rows.p + before, f->rows.len - before);
	(*events)++;

	free(out);
	ev_free(&line);
	ev_free(&e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*body = (const char *)data;
	struct cv_ctx		 cx = { "/nonexistent/csv", "/nonexistent/views", 1, 64, NULL };
	struct cv_day		 day;
	struct bt_batch		 b;
	struct ut_buf		 joined = { 0 };
	size_t			 i, j, prev_end = 0, text_end = 0, events = 0, nevents = 0;
	unsigned long long	 total = 0;

	/* Both settings of csv_formula_guard, chosen by the input. */
	cx.guard = size == 0 || (data[size - 1] & 1);
	if (bt_parse(body, size, &b) == -1) {
		bt_free(&b);
		return 0;
	}
	if (!b.valid) {
		/* Quarantined whole: nothing is guessed at. */
		CHECK(b.nitems == 0 && b.items == NULL && b.text == NULL);
		bt_free(&b);
		return 0;
	}
	memset(&day, 0, sizeof(day));
	for (i = 0; i < b.nitems; i++) {
		const struct bt_item *it = &b.items[i];

		/* Spans lie in the body, in order, apart. */
		CHECK(it->len > 0 && it->off + it->len <= size);
		CHECK(it->off >= prev_end);
		CHECK(!is_ws(data[it->off]) && !is_ws(data[it->off + it->len - 1]));
		prev_end = it->off + it->len;
		CHECK((it->kind == BT_EVENT) == (data[it->off] == '{'));
		check_single(body + it->off, it->len, it->kind, 0);
		if (it->kind != BT_EVENT) {
			CHECK(it->text_len == 0);
			continue;
		}
		nevents++;
		/* The compact text: no longer than the element, back to back. */
		CHECK(it->text_len >= 2 && it->text_len <= it->len);
		CHECK(it->text_off == text_end);
		text_end += it->text_len;
		CHECK(text_end <= b.text_len);
		check_single(b.text + it->text_off, it->text_len, BT_EVENT, 1);
		check_event(b.text + it->text_off, it->text_len, &cx, &day, &events);
	}
	CHECK(text_end == b.text_len);
	CHECK(events == nevents);

	/* The summary counts every event once, each row once (in arrival order). */
	for (i = 0; i < day.nsums; i++) {
		CHECK(day.sums[i].count > 0);
		for (j = 0; j < i; j++)
			CHECK(cells_cmp(&day.sums[j], &day.sums[i]) != 0);
		total += day.sums[i].count;
	}
	CHECK(total == nevents);
	for (i = 0; i < day.nfiles; i++)
		CHECK(status_ok(day.files[i].status));
	cv_free(&day);

	/*
	 * The elements, re-joined as an array, are the same batch: nothing is
	 * lost or gained between the spans.
	 */
	if (ut_buf_addc(&joined, '[') == 0) {
		int ok = 1;
		struct bt_batch b2;

		for (i = 0; ok && i < b.nitems; i++)
			ok = (i == 0 || ut_buf_addc(&joined, ',') == 0) &&
			    ut_buf_add(&joined, body + b.items[i].off, b.items[i].len) == 0;
		if (ok && ut_buf_addc(&joined, ']') == 0) {
			CHECK(bt_parse(joined.p, joined.len, &b2) == 0);
			CHECK(b2.valid);
			CHECK(b2.nitems == b.nitems);
			CHECK(b2.text_len == b.text_len);
			if (b.text_len > 0)
				CHECK(memcmp(b2.text, b.text, b.text_len) == 0);
			for (i = 0; i < b.nitems; i++)
				CHECK(b2.items[i].kind == b.items[i].kind &&
				    b2.items[i].len == b.items[i].len);
			bt_free(&b2);
		}
	}
	ut_buf_free(&joined);
	bt_free(&b);
	return 0;
}

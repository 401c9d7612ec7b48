/*
 * event.c: members, identity, STATUS and archive line of one event.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "util.h"

/* The columns in order, once: their names and lengths are made from it. */
#define COLUMNS(X)							\
	X("activityDateTime") X("activityStatus") X("mediaType")	\
	X("contactId") X("externalCustomerId") X("email") X("sms")	\
	X("viber") X("webpush") X("mobilepush") X("from")		\
	X("messageId") X("messageInstanceId") X("messageName")		\
	X("messageTag") X("messageLanguageCode") X("broadcastId")	\
	X("workflowId") X("workflowBlockId") X("workflowInstanceId")	\
	X("sourceEventId") X("sourceEventKey") X("sourceEventTypeKey")	\
	X("clickEventLink") X("viewMessageLink") X("hardBounce")	\
	X("statusDescription") X("statusData") X("subscription")	\
	X("subscriptions") X("osName") X("osType") X("iid")
#define NAME(s)		s,
#define LENGTH(s)	sizeof(s) - 1,

const char *const ev_col_names[EV_NCOLS] = { COLUMNS(NAME) };
static const size_t col_len[EV_NCOLS] = { COLUMNS(LENGTH) };

static const char stamp_member[] = "\"_receivedAt\":\"";
#define STAMP_MEMBER_LEN (sizeof(stamp_member) - 1)
/* "_receivedAt":"<stamp>"} */
#define STAMP_TAIL_LEN (STAMP_MEMBER_LEN + EV_STAMP_LEN + 2)

/* Slots of the column table: a power of two, over twice the columns. */
#define COL_SLOTS	128

static signed char	col_slot[COL_SLOTS];	/* a column, or EV_EXTRA for none */
static pthread_once_t	col_once = PTHREAD_ONCE_INIT;

/*
 * The first slot to try for a name of n > 0 bytes: no loop over its bytes,
 * and no two columns' names share one, so a lookup is one comparison.
 */
static size_t
col_hash(const char *name, size_t n)
{
	const unsigned char	*s = (const unsigned char *)name;

	return (n + s[0] * 3u + s[n - 1] + s[n / 2] * 3u) & (COL_SLOTS - 1);
}

static void
fill_col_slots(void)
{
	size_t	 i, j;

	memset(col_slot, EV_EXTRA, sizeof(col_slot));
	for (i = 0; i < EV_NCOLS; i++) {
		for (j = col_hash(ev_col_names[i], col_len[i]);
		    col_slot[j] != EV_EXTRA; j = (j + 1) & (COL_SLOTS - 1))
			continue;
		col_slot[j] = (signed char)i;
	}
}

static inline uint64_t
load_word(const char *p)
{
	uint64_t	 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * Whether the n bytes at a and b are the same: memcmp inlined for names
 * of a few words, the last word overlapping the one before it.
 */
static inline int
same_bytes(const char *a, const char *b, size_t n)
{
	size_t	 i;

	if (n < 8) {
		for (i = 0; i < n; i++)
			if (a[i] != b[i])
				return 0;
		return 1;
	}
	for (i = 0; i + 8 < n; i += 8)
		if (load_word(a + i) != load_word(b + i))
			return 0;
	return load_word(a + n - 8) == load_word(b + n - 8);
}

/* The column of a decoded member name, or EV_EXTRA; col_slot is filled. */
static inline int
find_column(const char *name, size_t n)
{
	size_t	 j;
	int	 c;

	if (n == 0)
		return EV_EXTRA;
	for (j = col_hash(name, n); (c = col_slot[j]) != EV_EXTRA;
	    j = (j + 1) & (COL_SLOTS - 1))
		if (col_len[c] == n && same_bytes(ev_col_names[c], name, n))
			return c;
	return EV_EXTRA;
}

static int
grow_members(struct ev *e, size_t want)
{
	struct bt_member	*m;
	signed char		*mcol;
	size_t			*at, *slot;
	size_t			 cap = e->cap ? e->cap : 32;

	while (cap < want)
		cap *= 2;
	if ((m = reallocarray(e->m, cap, sizeof(*m))) == NULL)
		return -1;
	e->m = m;
	if ((mcol = reallocarray(e->mcol, cap, sizeof(*mcol))) == NULL)
		return -1;
	e->mcol = mcol;
	if ((at = reallocarray(e->name_at, cap + 1, sizeof(*at))) == NULL)
		return -1;
	e->name_at = at;
	/* Twice the members, a power of two: probing always meets a free slot. */
	if ((slot = reallocarray(e->slot, cap * 2, sizeof(*slot))) == NULL)
		return -1;
	e->slot = slot;
	e->cap = cap;
	return 0;
}

int
ev_names(struct ev *e)
{
	const struct bt_member	*m;
	char			*p;
	size_t			 i, at = 0, want = 0, n = e->n;

	if (e->names_ok)
		return 0;

	for (i = 0; i < n; i++)
		want += e->m[i].name_len;
	if (want > e->names_cap) {
		if ((p = realloc(e->names, want)) == NULL)
			return -1;
		e->names = p;
		e->names_cap = want;
	}
	for (i = 0; i < n; i++) {
		m = &e->m[i];
		e->name_at[i] = at;
		if (memchr(e->text + m->name_off, '\\', m->name_len) == NULL) {
			memcpy(e->names + at, e->text + m->name_off + 1, m->name_len - 2);
			at += m->name_len - 2;
		} else
			at += bt_decode(e->text + m->name_off, m->name_len, e->names + at);
	}
	e->name_at[n] = at;
	e->names_ok = 1;
	return 0;
}

static int
same_name(const struct ev *e, size_t i, size_t j)
{
	size_t	 n = e->name_at[i + 1] - e->name_at[i];

	return n == e->name_at[j + 1] - e->name_at[j] &&
	    memcmp(e->names + e->name_at[i], e->names + e->name_at[j], n) == 0;
}

/*
 * Mark each member not a column whose name occurs again later EV_SHADOWED:
 * walking from the last member, a name already in the table has a later
 * occurrence.
 */
static void
mark_shadowed(struct ev *e, size_t n)
{
	const unsigned char	*p;
	size_t			 i, j, mask = e->cap * 2 - 1;
	uint64_t		 h;

	memset(e->slot, 0xff, e->cap * 2 * sizeof(*e->slot));
	for (i = n; i-- > 0;) {
		if (e->mcol[i] != EV_EXTRA)
			continue;
		/* FNV-1a: names come from authorised senders only. */
		h = 0xcbf29ce484222325ULL;
		for (p = (const unsigned char *)e->names + e->name_at[i];
		    p < (const unsigned char *)e->names + e->name_at[i + 1]; p++)
			h = (h ^ *p) * 0x100000001b3ULL;
		for (j = (size_t)h & mask; e->slot[j] != SIZE_MAX; j = (j + 1) & mask)
			if (same_name(e, i, e->slot[j]))
				break;
		if (e->slot[j] == SIZE_MAX)
			e->slot[j] = i;
		else
			e->mcol[i] = EV_SHADOWED;
	}
}

/* Name, column and shadowing of the first n members in e->m: 0, or -1. */
static int
classify(struct ev *e, size_t n)
{
	const struct bt_member	*m;
	size_t			 i, nextra = 0;
	int			 c;

	e->n = n;
	e->names_ok = 0;
	(void)pthread_once(&col_once, fill_col_slots);
	for (i = 0; i < EV_NCOLS; i++)
		e->col[i] = -1;
	/* From the last member: a column already taken is taken by a later one. */
	for (i = n; i-- > 0;) {
		/*
		 * Names are compared as they stand, between their quotes: no
		 * column's name has an escape, so only a name with one needs
		 * decoding first (escapes may spell a column's name).
		 */
		m = &e->m[i];
		c = find_column(e->text + m->name_off + 1, m->name_len - 2);
		if (c == EV_EXTRA && memchr(e->text + m->name_off, '\\', m->name_len) != NULL) {
			if (ev_names(e) == -1)
				return -1;
			c = find_column(e->names + e->name_at[i],
			    e->name_at[i + 1] - e->name_at[i]);
		}
		if (c == EV_EXTRA)
			nextra++;
		else if (e->col[c] >= 0)
			c = EV_SHADOWED;
		else
			e->col[c] = (int)i;
		e->mcol[i] = (signed char)c;
	}
	e->nextra = nextra;
	/* Only a name not a column's can repeat unseen so far. */
	if (nextra > 1) {
		if (ev_names(e) == -1)
			return -1;
		mark_shadowed(e, n);
	}
	return 0;
}

int
ev_parse(struct ev *e, const char *text, size_t len, int is_line)
{
	size_t	 n;

	e->text = text;
	e->len = len;
	e->stamp = NULL;
	e->body = len - 1;
	if (is_line) {
		const char *tail;

		if (len < STAMP_TAIL_LEN + 1)
			return 1;
		tail = text + len - STAMP_TAIL_LEN;
		if (memcmp(tail, stamp_member, STAMP_MEMBER_LEN) != 0 ||
		    text[len - 2] != '"' || text[len - 1] != '}')
			return 1;
		e->stamp = tail + STAMP_MEMBER_LEN;
		e->body = len - STAMP_TAIL_LEN;
		if (text[e->body - 1] == ',')
			e->body--;
	}
	if (e->cap == 0 && grow_members(e, 1) == -1)
		return -1;
	for (;;) {
		n = bt_members(text, len, e->m, e->cap);
		if (n <= e->cap)
			break;
		if (grow_members(e, n) == -1)
			return -1;
	}
	if (is_line)
		n--;	/* the receipt stamp, always last */
	return classify(e, n);
}

int
ev_parse_item(struct ev *e, const struct bt_batch *b, const struct bt_item *it)
{
	e->text = b->text + it->text_off;
	e->len = it->text_len;
	e->stamp = NULL;
	e->body = it->text_len - 1;
	if ((e->cap == 0 || it->nmembers > e->cap) &&
	    grow_members(e, it->nmembers) == -1)
		return -1;
	return classify(e, bt_item_members(b, it, e->m, e->cap));
}

void
ev_free(struct ev *e)
{
	free(e->m);
	free(e->mcol);
	free(e->names);
	free(e->name_at);
	free(e->slot);
	e->m = NULL;
	e->mcol = NULL;
	e->names = NULL;
	e->name_at = NULL;
	e->slot = NULL;
	e->cap = e->n = e->names_cap = 0;
	e->names_ok = 0;
}

int
ev_in_extra(const struct ev *e, size_t i)
{
	return e->mcol[i] == EV_EXTRA;
}

/*
 * Key bytes gathered before they are hashed: a typical key is then one
 * hash update, not a dozen of a few bytes each.
 */
struct feed {
	struct ut_hash	 h;
	unsigned char	 buf[256];
	size_t		 n;
};

static void
feed(struct feed *f, const void *p, size_t n)
{
	if (f->n + n > sizeof(f->buf)) {
		ut_hash_update(&f->h, f->buf, f->n);
		f->n = 0;
		if (n > sizeof(f->buf)) {
			ut_hash_update(&f->h, p, n);
			return;
		}
	}
	memcpy(f->buf + f->n, p, n);
	f->n += n;
}

/*
 * Feed the decoded value of a string (quotes included) to h, or only count
 * its bytes when h is NULL.  Returns the decoded length.
 */
static uint64_t
hash_string(struct feed *h, const char *s, size_t len)
{
	const char	*p = s + 1, *end = s + len - 1, *bs;
	char		 o[4];
	uint64_t	 n = 0;
	size_t		 k;

	while (p < end) {
		if ((bs = memchr(p, '\\', (size_t)(end - p))) == NULL)
			bs = end;
		if (h != NULL)
			feed(h, p, (size_t)(bs - p));
		n += (uint64_t)(bs - p);
		if ((p = bs) < end) {
			k = bt_decode_escape(&p, end, o);
			if (h != NULL)
				feed(h, o, k);
			n += k;
		}
	}
	return n;
}

/*
 * A member's value by its meaning: a tag (missing, string, other), then
 * the length and the bytes of the decoded string or of the compact text,
 * so no two different tuples feed the same bytes.
 */
static void
hash_member(struct feed *h, const struct ev *e, enum ev_col c)
{
	const char	*v;
	unsigned char	 tag = 0;
	uint64_t	 len;

	if (e->col[c] < 0) {
		feed(h, &tag, 1);
		return;
	}
	v = e->text + e->m[e->col[c]].val_off;
	len = e->m[e->col[c]].val_len;
	tag = v[0] == '"' ? 1 : 2;
	feed(h, &tag, 1);
	if (tag == 2) {
		feed(h, &len, sizeof(len));
		feed(h, v, (size_t)len);
		return;
	}
	if (memchr(v, '\\', (size_t)len) == NULL) {
		len -= 2;
		feed(h, &len, sizeof(len));
		feed(h, v + 1, (size_t)len);
		return;
	}
	len = hash_string(NULL, v, (size_t)len);
	feed(h, &len, sizeof(len));
	(void)hash_string(h, v, e->m[e->col[c]].val_len);
}

void
ev_key(const struct ev *e, struct ev_key *k)
{
	struct feed	 h;

	ut_hash_init(&h.h);
	h.n = 0;
	if (e->col[EV_IID] >= 0) {
		feed(&h, "V", 1);
		hash_member(&h, e, EV_IID);
		hash_member(&h, e, EV_ACTIVITYSTATUS);
		hash_member(&h, e, EV_ACTIVITYDATETIME);
		hash_member(&h, e, EV_CLICKEVENTLINK);
	} else {
		/* The text up to its closing brace: the same for an event and its archive line. */
		feed(&h, "T", 1);
		feed(&h, e->text, e->body);
	}
	ut_hash_update(&h.h, h.buf, h.n);
	ut_hash_final(&h.h, k->h);
}

void
ev_status(const struct ev *e, char buf[EV_STATUS_MAX + 1])
{
	const struct bt_member	*m;
	const char		*s;
	size_t			 n;

	strcpy(buf, "OTHER");
	if (e->col[EV_ACTIVITYSTATUS] < 0)
		return;
	m = &e->m[e->col[EV_ACTIVITYSTATUS]];
	s = e->text + m->val_off;
	/* An escape could only spell what the rule forbids or a plain letter: decode to be exact. */
	if (m->val_len < 3 || s[0] != '"' || m->val_len > EV_STATUS_MAX * 6 + 2)
		return;
	/* The common case: no escape, the value is its own text. */
	if (memchr(s, '\\', m->val_len) == NULL) {
		if (ev_status_valid(s + 1, m->val_len - 2)) {
			memcpy(buf, s + 1, m->val_len - 2);
			buf[m->val_len - 2] = '\0';
		}
		return;
	}
	/* Decoding drops a \u0000, but the value itself holds it: not a STATUS. */
	if (memmem(s, m->val_len, "\\u0000", 6) != NULL)
		return;
	{
		char tmp[EV_STATUS_MAX * 6 + 2];

		n = bt_unescape(s, m->val_len, tmp);
		if (!ev_status_valid(tmp, n))
			return;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
}

int
ev_status_valid(const char *s, size_t n)
{
	size_t	 i;

	if (n < 1 || n > EV_STATUS_MAX || s[0] < 'A' || s[0] > 'Z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

size_t
ev_format_line(const char *text, size_t len, const char *stamp, char *out)
{
	size_t	 n = len - 1;

	memcpy(out, text, n);
	if (n > 1)
		out[n++] = ',';
	memcpy(out + n, stamp_member, STAMP_MEMBER_LEN);
	n += STAMP_MEMBER_LEN;
	memcpy(out + n, stamp, EV_STAMP_LEN);
	n += EV_STAMP_LEN;
	memcpy(out + n, "\"}\n", 3);
	return n + 3;
}

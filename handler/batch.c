/*
 * batch.c: the batch parser (RFC 8259; what is an event: yespo-hook(8)).
 *
 * One pass over the body checks it against RFC 8259 and UTF-8 (RFC 3629),
 * notes where each top-level element lies and copies each event object,
 * less the white space between its tokens, into one text buffer.  Open
 * levels are kept as bits on the heap, not as C stack frames, so nesting
 * costs a bit per level and no body can overflow the stack.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

#define C_STR	0x01	/* itself in a string: 0x20 to 0x7f but quote, backslash */
#define C_WS	0x02	/* white space between tokens */
#define C_DIG	0x04	/* decimal digit */
#define C_HEX	0x08	/* hexadecimal digit */

#define S	C_STR
#define W	C_WS
#define D	(C_DIG | C_HEX)
#define X	C_HEX
/* Bytes from 0x80 are 0: they are checked as UTF-8 sequences. */
static const unsigned char cls[256] = {
	0, 0, 0, 0, 0, 0, 0, 0,
	0, W, W, 0, 0, W, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	S|W, S, 0, S, S, S, S, S,
	S, S, S, S, S, S, S, S,
	S|D, S|D, S|D, S|D, S|D, S|D, S|D, S|D,
	S|D, S|D, S, S, S, S, S, S,
	S, S|X, S|X, S|X, S|X, S|X, S|X, S,
	S, S, S, S, S, S, S, S,
	S, S, S, S, S, S, S, S,
	S, S, S, S, 0, S, S, S,
	S, S|X, S|X, S|X, S|X, S|X, S|X, S,
	S, S, S, S, S, S, S, S,
	S, S, S, S, S, S, S, S,
	S, S, S, S, S, S, S, S,
};
#undef S
#undef W
#undef D
#undef X

/*
 * Sixteen bytes as signed lanes, so that those from 0x80 compare below the
 * controls' bound; and the same 16 as two words, to test and locate a lane
 * (generic vectors have no portable byte mask).
 */
typedef signed char	 vbytes __attribute__((vector_size(16)));
typedef uint64_t	 vwords __attribute__((vector_size(16)));

/* A byte repeated in each of the 8 bytes of a word. */
#define BYTES(b)	((uint64_t)(b) * 0x0101010101010101ULL)

struct parser {
	const unsigned char	*end;		/* of the body */
	size_t			 len;		/* of the body */
	unsigned char		*stack;		/* a bit a level: 1 object */
	size_t			 stack_cap;	/* bytes in stack */
	size_t			 items_cap;	/* slots in the items */
	unsigned char		*w;		/* compact text, or NULL */
	const unsigned char	*run;		/* body not yet copied to w */
	struct bt_batch		*out;
	uint32_t		*ends_next;	/* next slot in out->ends */
	uint32_t		*ends_lim;	/* end of out->ends */
	int			 nomem;		/* failed for want of memory */
};

static const unsigned char *
skip_blank(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (cls[*p] & C_WS))
		p++;
	return p;
}

/*
 * Skip decimal digits, eight at a time while the body has them: a byte is a
 * digit when xor '0' leaves at most 9, so that its high half is 0 and adding
 * 6 to its low half carries nothing into the high half.  Little-endian, as
 * skip_plain.
 */
static const unsigned char *
skip_digits(const unsigned char *p, const unsigned char *end)
{
	uint64_t	 x, other;

	while (end - p >= 8) {
		memcpy(&x, p, sizeof(x));
		x ^= BYTES('0');
		other = (x | ((x & BYTES(0x0f)) + BYTES(0x06))) & BYTES(0xf0);
		if (other != 0)
			return p + __builtin_ctzll(other) / 8;
		p += 8;
	}
	while (p < end && (cls[*p] & C_DIG))
		p++;
	return p;
}

/*
 * Skip string bytes that stand for themselves: 16 at a time while the body
 * has them, stopping at the first byte below 0x20, quote, backslash or from
 * 0x80.
 */
static inline const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
{
	vbytes	 x;
	vwords	 clean;

	while (end - p >= 16) {
		memcpy(&x, p, sizeof(x));
		/*
		 * x ^ 2 takes the quote (0x22) to the space and no other byte
		 * across it: one signed comparison stops at the quote, the
		 * controls and the bytes from 0x80.
		 */
		clean = (vwords)((x ^ 2) > ' ') & ~(vwords)(x == '\\');
		/* Little-endian only, as ut_hash: the lowest byte first. */
		if (clean[0] != ~0ULL)
			return p + __builtin_ctzll(~clean[0]) / 8;
		if (clean[1] != ~0ULL)
			return p + 8 + __builtin_ctzll(~clean[1]) / 8;
		p += 16;
	}
	while (p < end && (cls[*p] & C_STR))
		p++;
	return p;
}

/*
 * Skip one multi-byte UTF-8 character at p.  Returns the byte after it, or
 * NULL for an ASCII byte, a stray continuation byte, an overlong form, a
 * surrogate, a code point above U+10FFFF or a truncated sequence.
 */
static const unsigned char *
scan_utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned char	 c = *p, lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return NULL;
	if ((size_t)(end - p) <= n || p[1] < lo || p[1] > hi)
		return NULL;
	for (i = 2; i <= n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return NULL;
	return p + n + 1;
}

/*
 * Scan the escape (a backslash) or the other byte that stops skip_plain at
 * p, inside a string.  Returns the byte after it, or NULL.
 */
static const unsigned char *
scan_special(const unsigned char *p, const unsigned char *end)
{
	if (*p == '\\') {
		if (end - p < 2)
			return NULL;
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			return p + 2;
		case 'u':
			if (end - p < 6 || !(cls[p[2]] & cls[p[3]] &
			    cls[p[4]] & cls[p[5]] & C_HEX))
				return NULL;
			return p + 6;
		default:
			return NULL;
		}
	}
	/* A control character, which must be escaped, fails too. */
	return scan_utf8(p, end);
}

/*
 * Scan the string whose quote is at p.  Returns the byte after it, or NULL.
 * Inline: most strings are plain ASCII, done in one or two steps of
 * skip_plain.
 */
static inline const unsigned char *
scan_string(const unsigned char *p, const unsigned char *end)
{
	p++;
	for (;;) {
		if ((p = skip_plain(p, end)) == end)
			return NULL;
		if (*p == '"')
			return p + 1;
		if ((p = scan_special(p, end)) == NULL)
			return NULL;
	}
}

/* Scan the number at p.  Returns the byte after it, or NULL. */
static inline const unsigned char *
scan_number(const unsigned char *p, const unsigned char *end)
{
	if (*p == '-' && ++p == end)
		return NULL;
	if (*p == '0')
		p++;
	else if (cls[*p] & C_DIG)
		p = skip_digits(p + 1, end);
	else
		return NULL;
	if (p < end && *p == '.') {
		if (++p == end || !(cls[*p] & C_DIG))
			return NULL;
		p = skip_digits(p + 1, end);
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || !(cls[*p] & C_DIG))
			return NULL;
		p = skip_digits(p + 1, end);
	}
	return p;
}

/* Scan the literal word at p.  Returns the byte after it, or NULL. */
static const unsigned char *
scan_word(const unsigned char *p, const unsigned char *end, const char *word,
    size_t n)
{
	if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
		return NULL;
	return p + n;
}

/*
 * Append the bytes from run to p to the compact text at w.  Returns the new
 * end of the text.
 */
static inline unsigned char *
copy_run(unsigned char *w, const unsigned char *run, const unsigned char *p,
    const unsigned char *end)
{
	size_t	 n = (size_t)(p - run), i;

	if (end - p < 32) {
		memcpy(w, run, n);
		return w + n;
	}
	/*
	 * A run (a name with its colon, a value with its comma) is short:
	 * blocks of 16, the last one reading and writing past the run, cost
	 * less than a call.  The 31 bytes past p are in the body, and the text
	 * buffer is as long as the body from the first event while the text
	 * is never longer than the body it came from: the spill stays inside
	 * it, in text not written yet.
	 */
	memcpy(w, run, 16);
	memcpy(w + 16, run + 16, 16);
	for (i = 32; i < n; i += 16)
		memcpy(w + i, run + i, 16);
	return w + n;
}

/*
 * Skip white space at p; the bytes since *run go to the compact text at *w
 * (unless that is NULL) first and the run restarts after the white space.
 * Copying whole runs rather than bytes keeps a body without white space to
 * a few copies.
 */
static inline const unsigned char *
skip_ws(const unsigned char *p, const unsigned char *end,
    const unsigned char **run, unsigned char **w)
{
	const unsigned char	*q;

	/* Most tokens are not followed by white space: no run to cut. */
	if (p == end || !(cls[*p] & C_WS))
		return p;
	q = skip_blank(p + 1, end);
	if (*w != NULL)
		*w = copy_run(*w, *run, p, end);
	*run = q;
	return q;
}

/* Make room for more ends.  Returns 0, or -1 when memory ran out. */
static int
grow_ends(struct parser *ps)
{
	uint32_t	*e;
	size_t		 n, cap;

	/*
	 * Two ends a member of at least 4 bytes: fewer than the body's bytes.
	 * Sent events have a member every 17 bytes or so: room for one every
	 * 16 from the start saves copies as the array grows.
	 */
	n = ps->ends_next != NULL ? (size_t)(ps->ends_next - ps->out->ends) : 0;
	cap = n != 0 ? n * 2 : 256 + ps->len / 16;
	if ((e = reallocarray(ps->out->ends, cap, sizeof(*e))) == NULL) {
		ps->nomem = 1;
		return -1;
	}
	ps->out->ends = e;
	ps->ends_next = e + n;
	ps->ends_lim = e + cap;
	return 0;
}

/*
 * Note where a member's name or value of the event being copied ends, at
 * off in its compact text; out->nends catches up when the event is done.
 * The members then need no second scan (bt_item_members).  Returns 0, or
 * -1 when memory ran out.
 */
static inline int
note_end(struct parser *ps, size_t off)
{
	if (ps->ends_next == ps->ends_lim && grow_ends(ps) == -1)
		return -1;
	*ps->ends_next++ = (uint32_t)off;
	return 0;
}

/* Open a level at depth.  Returns 0, or -1 when memory ran out. */
static int
push_level(struct parser *ps, size_t depth, int object)
{
	unsigned char	*s;
	size_t		 i = depth >> 3, cap;
	unsigned	 bit = 1u << (depth & 7);

	if (i >= ps->stack_cap) {
		/* depth is below the body length: doubling cannot wrap. */
		cap = ps->stack_cap ? ps->stack_cap * 2 : 64;
		if ((s = realloc(ps->stack, cap)) == NULL) {
			ps->nomem = 1;
			return -1;
		}
		ps->stack = s;
		ps->stack_cap = cap;
	}
	if (object)
		ps->stack[i] |= bit;
	else
		ps->stack[i] &= ~bit;
	return 0;
}

static int
is_object(const struct parser *ps, size_t depth)
{
	return (ps->stack[depth >> 3] >> (depth & 7)) & 1;
}

/*
 * Scan the value at p (white space already skipped), copying its compact
 * text at ps->w when that is set; the bytes since ps->run are not copied
 * yet, and the value's last run is left so.  A loop over three states, not
 * recursion: "value" expects a value, "member" a member name, "after"
 * follows a complete value.  Returns the byte after the value, or NULL when
 * the body is not valid JSON or ps->nomem is set.
 */
static const unsigned char *
scan_value(struct parser *ps, const unsigned char *p)
{
	const unsigned char	*end = ps->end, *run = ps->run;
	unsigned char		*w = ps->w;
	size_t			 depth = 0;
	int			 object = 0;	/* innermost level is one */

value:
	if (p == end)
		return NULL;
	switch (*p) {
	case '"':
		p = scan_string(p, end);
		break;
	case '{':
	case '[':
		object = *p == '{';
		if (push_level(ps, depth++, object) == -1)
			return NULL;
		p = skip_ws(p + 1, end, &run, &w);
		if (p < end && *p == (object ? '}' : ']')) {
			p++;
			goto close;
		}
		if (object)
			goto member;
		goto value;
	case 't':
		p = scan_word(p, end, "true", 4);
		break;
	case 'f':
		p = scan_word(p, end, "false", 5);
		break;
	case 'n':
		p = scan_word(p, end, "null", 4);
		break;
	default:
		p = scan_number(p, end);
	}
	if (p == NULL)
		return NULL;
after:
	if (depth == 0) {
		ps->run = run;
		ps->w = w;
		return p;
	}
	if ((p = skip_ws(p, end, &run, &w)) == end)
		return NULL;
	if (*p == ',') {
		p = skip_ws(p + 1, end, &run, &w);
		if (object)
			goto member;
		goto value;
	}
	if (*p != (object ? '}' : ']'))
		return NULL;
	p++;
close:
	if (--depth > 0)
		object = is_object(ps, depth - 1);
	goto after;
member:
	if (p == end || *p != '"' || (p = scan_string(p, end)) == NULL)
		return NULL;
	if ((p = skip_ws(p, end, &run, &w)) == end || *p != ':')
		return NULL;
	p = skip_ws(p + 1, end, &run, &w);
	goto value;
}

/*
 * Scan the event object whose brace is at p, copying its compact text at
 * ps->w and noting its members' ends.  scan_value's loop would do, but
 * nearly all of a batch's bytes lie in events' top-level members: a loop
 * of their own, with strings and numbers inline, keeps its state in
 * registers and notes ends without testing the depth.  Returns the byte
 * after the object, or NULL.
 */
static const unsigned char *
scan_event(struct parser *ps, const unsigned char *p)
{
	const unsigned char	*end = ps->end, *run = p;
	unsigned char		*w = ps->w, *base = w;

	if ((p = skip_ws(p + 1, end, &run, &w)) < end && *p == '}')
		goto close;
	for (;;) {
		if (p == end || *p != '"' || (p = scan_string(p, end)) == NULL)
			return NULL;
		if (note_end(ps, (size_t)(w - base) + (size_t)(p - run)) == -1)
			return NULL;
		if ((p = skip_ws(p, end, &run, &w)) == end || *p != ':')
			return NULL;
		if ((p = skip_ws(p + 1, end, &run, &w)) == end)
			return NULL;
		if (*p == '"')
			p = scan_string(p, end);
		else if (*p == '-' || (cls[*p] & C_DIG))
			p = scan_number(p, end);
		else if (end - p >= 2 && *p == '{' && p[1] == '}')
			p += 2;	/* Yespo's usual statusData: no level to open */
		else {
			ps->run = run;
			ps->w = w;
			p = scan_value(ps, p);
			run = ps->run;
			w = ps->w;
		}
		if (p == NULL ||
		    note_end(ps, (size_t)(w - base) + (size_t)(p - run)) == -1)
			return NULL;
		if ((p = skip_ws(p, end, &run, &w)) == end)
			return NULL;
		if (*p == '}')
			break;
		if (*p != ',')
			return NULL;
		p = skip_ws(p + 1, end, &run, &w);
	}
close:
	p++;
	ps->w = copy_run(w, run, p, end);
	if (ps->ends_next != NULL)
		ps->out->nends = (size_t)(ps->ends_next - ps->out->ends);
	return p;
}

/* Make room for one more item.  Returns 0, or -1 when memory ran out. */
static int
grow_items(struct parser *ps, struct bt_batch *out)
{
	struct bt_item	*it;
	size_t		 cap;

	/*
	 * items_cap * sizeof(*it) fits a size_t, so its double does too.  Sent
	 * events are some 450 bytes: room for one every 256 from the start.
	 */
	cap = ps->items_cap ? ps->items_cap * 2 : 16 + ps->len / 256;
	if ((it = reallocarray(out->items, cap, sizeof(*it))) == NULL) {
		ps->nomem = 1;
		return -1;
	}
	out->items = it;
	ps->items_cap = cap;
	return 0;
}

/*
 * Scan the top-level element at p and append its item, with its compact
 * text when it is an object.  Returns the byte after it, or NULL.
 */
static const unsigned char *
scan_element(struct parser *ps, struct bt_batch *out,
    const unsigned char *body, const unsigned char *p)
{
	struct bt_item		*it;
	const unsigned char	*q;

	if (p == ps->end)
		return NULL;
	if (out->nitems == ps->items_cap && grow_items(ps, out) == -1)
		return NULL;
	it = &out->items[out->nitems];
	it->kind = *p == '{' ? BT_EVENT : BT_REJECT;
	it->off = (size_t)(p - body);
	it->text_off = it->text_len = 0;
	it->ends_off = out->nends;
	if (it->kind == BT_EVENT) {
		/*
		 * Compact texts are no longer than their elements, which lie
		 * apart from here on: the rest of the body bounds them all,
		 * so one allocation is enough and copying needs no checks.
		 */
		if (out->text == NULL &&
		    (out->text = malloc((size_t)(ps->end - p))) == NULL) {
			ps->nomem = 1;
			return NULL;
		}
		it->text_off = out->text_len;
		ps->w = (unsigned char *)out->text + out->text_len;
		q = scan_event(ps, p);
	} else {
		ps->w = NULL;
		ps->run = p;
		q = scan_value(ps, p);
	}
	if (q == NULL)
		return NULL;
	it->len = (size_t)(q - p);
	it->nmembers = (out->nends - it->ends_off) / 2;
	if (it->kind == BT_EVENT) {
		it->text_len = (size_t)(ps->w -
		    ((unsigned char *)out->text + it->text_off));
		out->text_len += it->text_len;
	}
	out->nitems++;
	return q;
}

/*
 * Returns 0 with out filled in (valid or not), or -1 with errno ENOMEM
 * when memory ran out; out is safe to pass to bt_free either way.
 */
int
bt_parse(const char *body, size_t len, struct bt_batch *out)
{
	struct parser		 ps;
	const unsigned char	*b = (const unsigned char *)body, *p, *end;

	memset(out, 0, sizeof(*out));
	memset(&ps, 0, sizeof(ps));
	ps.out = out;
	if (len == 0) {
		out->valid = 1;
		return 0;
	}
	ps.end = end = b + len;
	ps.len = len;
	if ((p = skip_blank(b, end)) == end) {
		out->valid = 1;
		return 0;
	}
	if (*p != '[')
		p = scan_element(&ps, out, b, p);
	else if ((p = skip_blank(p + 1, end)) < end && *p == ']')
		p++;
	else
		for (;;) {
			if ((p = scan_element(&ps, out, b, p)) == NULL)
				break;
			if ((p = skip_blank(p, end)) < end && *p == ',') {
				p = skip_blank(p + 1, end);
				continue;
			}
			p = p < end && *p == ']' ? p + 1 : NULL;
			break;
		}
	free(ps.stack);
	if (p != NULL && skip_blank(p, end) == end) {
		out->valid = 1;
		return 0;
	}
	bt_free(out);
	if (ps.nomem) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Free what bt_parse allocated and empty the batch. */
void
bt_free(struct bt_batch *b)
{
	free(b->text);
	free(b->items);
	free(b->ends);
	memset(b, 0, sizeof(*b));
}

/*
 * Skip the string whose quote is at p, in text known to be valid.  A quote
 * ends it unless an odd run of backslashes stands before it.
 */
static const char *
skip_str(const char *p, const char *end)
{
	const char	*start = ++p, *q, *k;

	while (p < end && (q = memchr(p, '"', (size_t)(end - p))) != NULL) {
		for (k = q; k > start && k[-1] == '\\'; k--)
			continue;
		if ((q - k) % 2 == 0)
			return q + 1;
		p = q + 1;
	}
	return end;
}

/* Skip the compact value at p.  Returns the byte after it. */
static const char *
skip_val(const char *p, const char *end)
{
	size_t	 depth = 0;

	if (*p == '"')
		return skip_str(p, end);
	if (*p != '{' && *p != '[') {
		while (p < end && *p != ',' && *p != '}' && *p != ']')
			p++;
		return p;
	}
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_str(p, end);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
	return end;
}

/* Returns the number of top-level members, of which the first max are in m. */
size_t
bt_members(const char *obj, size_t len, struct bt_member *m, size_t max)
{
	const char	*p, *end = obj + len, *name, *val;
	size_t		 n = 0;

	if (len < 2 || obj[0] != '{')
		return 0;
	for (p = obj + 1; p < end && *p == '"'; p++) {
		name = p;
		if ((p = skip_str(p, end)) == end || *p != ':')
			break;
		val = ++p;
		if (p == end)
			break;
		p = skip_val(p, end);
		if (n < max) {
			m[n].name_off = (size_t)(name - obj);
			m[n].name_len = (size_t)(val - 1 - name);
			m[n].val_off = (size_t)(val - obj);
			m[n].val_len = (size_t)(p - val);
		}
		n++;
		if (p == end || *p != ',')
			break;
	}
	return n;
}

/* Returns the number of members, of which the first max are in m. */
size_t
bt_item_members(const struct bt_batch *b, const struct bt_item *it,
    struct bt_member *m, size_t max)
{
	const uint32_t	*e = b->ends + it->ends_off;
	size_t		 i, start = 1;

	/* Compact text: a colon after each name, a comma after each value. */
	for (i = 0; i < it->nmembers && i < max; i++) {
		m[i].name_off = start;
		m[i].name_len = e[2 * i] - start;
		m[i].val_off = (size_t)e[2 * i] + 1;
		m[i].val_len = e[2 * i + 1] - m[i].val_off;
		start = (size_t)e[2 * i + 1] + 1;
	}
	return it->nmembers;
}

/* The value of 4 hex digits at p, or above 0xffff when there are none. */
static unsigned long
read_hex4(const char *p, const char *end)
{
	unsigned long	 v = 0;
	unsigned char	 c;
	int		 i;

	if (end - p < 4)
		return ~0UL;
	for (i = 0; i < 4; i++) {
		c = (unsigned char)p[i];
		if (!(cls[c] & C_HEX))
			return ~0UL;
		v = v << 4 | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* Write cp as UTF-8 at o, U+0000 as nothing unless keep_nul.  Returns the bytes written. */
static size_t
put_utf8(unsigned long cp, unsigned char *o, int keep_nul)
{
	if (cp == 0 && !keep_nul)
		return 0;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decode the escape at *pp (a backslash) into o and move *pp past it.
 * Returns the bytes written, never more than the escape's length: 1 for 2,
 * at most 3 for \uXXXX (6), 4 for a surrogate pair (12).  A malformed
 * escape, which valid text lacks, yields its character or nothing.
 */
static size_t
unescape_one(const char **pp, const char *end, unsigned char *o, int keep_nul)
{
	const char	*p = *pp;
	unsigned long	 cp, lo;

	if (end - p < 2) {
		*pp = end;
		return 0;
	}
	*pp = p + 2;
	switch (p[1]) {
	case 'b':
		*o = '\b';
		return 1;
	case 'f':
		*o = '\f';
		return 1;
	case 'n':
		*o = '\n';
		return 1;
	case 'r':
		*o = '\r';
		return 1;
	case 't':
		*o = '\t';
		return 1;
	case 'u':
		break;
	default:
		/* ", \ and / stand for themselves. */
		*o = (unsigned char)p[1];
		return 1;
	}
	if ((cp = read_hex4(p + 2, end)) > 0xffff) {
		*o = 'u';
		return 1;
	}
	*pp = p + 6;
	if (cp >= 0xd800 && cp <= 0xdbff && end - p >= 12 && p[6] == '\\' &&
	    p[7] == 'u' && (lo = read_hex4(p + 8, end)) >= 0xdc00 &&
	    lo <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		*pp = p + 12;
	} else if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	return put_utf8(cp, o, keep_nul);
}

size_t
bt_decode_escape(const char **pp, const char *end, char o[4])
{
	return unescape_one(pp, end, (unsigned char *)o, 1);
}

/* The decoded string at out: its length, at most len - 2. */
static size_t
decode(const char *s, size_t len, char *out, int keep_nul)
{
	const char	*p, *end, *bs;
	unsigned char	*o = (unsigned char *)out;

	if (len < 2)
		return 0;
	p = s + 1;
	end = s + len - 1;
	while (p < end) {
		if ((bs = memchr(p, '\\', (size_t)(end - p))) == NULL)
			bs = end;
		memcpy(o, p, (size_t)(bs - p));
		o += bs - p;
		if ((p = bs) < end)
			o += unescape_one(&p, end, o, keep_nul);
	}
	return (size_t)(o - (unsigned char *)out);
}

size_t
bt_unescape(const char *s, size_t len, char *out)
{
	return decode(s, len, out, 0);
}

size_t
bt_decode(const char *s, size_t len, char *out)
{
	return decode(s, len, out, 1);
}

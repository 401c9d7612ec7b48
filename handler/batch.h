/*
 * batch.h: the batch parser.
 *
 * One validating pass over a request body (RFC 8259, UTF-8) that finds each
 * top-level element as a byte span and writes each event object's compact
 * text (insignificant white space removed, every value byte-exact).  No tree
 * is built, so memory stays near the body's size and nesting depth is not
 * limited by the stack.
 */
#ifndef YH_BATCH_H
#define YH_BATCH_H

#include <stddef.h>
#include <stdint.h>

enum bt_kind {
	BT_EVENT,	/* a JSON object: stored as an event */
	BT_REJECT	/* any other value at the top level: quarantined */
};

struct bt_item {
	enum bt_kind	 kind;
	size_t		 off, len;		/* span in the body, as sent */
	size_t		 text_off, text_len;	/* BT_EVENT: compact text in bt_batch.text */
	size_t		 ends_off, nmembers;	/* BT_EVENT: its members' ends in bt_batch.ends */
};

struct bt_batch {
	int		 valid;		/* body is wholly valid JSON */
	char		*text;		/* compact texts of the events, back to back */
	size_t		 text_len;
	struct bt_item	*items;
	size_t		 nitems;
	/*
	 * Two a top-level member of each event, offsets in its compact text:
	 * the name's end (its colon) and the value's end.  max_body_bytes is
	 * at most 4 GiB, so they fit 32 bits.
	 */
	uint32_t	*ends;
	size_t		 nends;
};

/*
 * Parse a body.  An array yields one item per element; an object yields one
 * BT_EVENT; any other valid JSON value yields one BT_REJECT spanning the value.
 * A body that is empty or only white space is valid with no items.
 * A body that is not wholly valid JSON (syntax, UTF-8, trailing bytes) gives
 * valid = 0 and no items: its usable parts are not guessed at.
 * Returns 0, or -1 when memory ran out (errno set); free with bt_free either way.
 */
int	 bt_parse(const char *body, size_t len, struct bt_batch *out);
void	 bt_free(struct bt_batch *);

/* A top-level member of a compact object text: spans relative to the text. */
struct bt_member {
	size_t	 name_off, name_len;	/* the name's JSON string, quotes included */
	size_t	 val_off, val_len;	/* the value's compact JSON text */
};

/*
 * List the top-level members of a compact, valid object text, in order.
 * Writes at most max into m; returns the number of members (which may be
 * more than max).
 */
size_t	 bt_members(const char *obj, size_t len, struct bt_member *m, size_t max);

/*
 * The same for the BT_EVENT item it of b, from the ends the parse noted
 * rather than by scanning its text again.
 */
size_t	 bt_item_members(const struct bt_batch *b, const struct bt_item *it,
	    struct bt_member *m, size_t max);

/*
 * Decode a valid JSON string (quotes included) into UTF-8 in out, which must
 * hold len bytes; returns the decoded length.  \u0000 becomes nothing; an
 * unpaired surrogate escape becomes U+FFFD.
 */
size_t	 bt_unescape(const char *s, size_t len, char *out);

/* As bt_unescape, but \u0000 becomes a NUL byte: the value a JSON reader sees. */
size_t	 bt_decode(const char *s, size_t len, char *out);

/*
 * Decode the escape at *pp (a backslash) of a valid string ending at end
 * into o, \u0000 as a NUL byte, and move *pp past it.  Returns the bytes
 * written (at most 4).
 */
size_t	 bt_decode_escape(const char **pp, const char *end, char o[4]);

#endif

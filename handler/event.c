/*
 * event.c: members, identity, STATUS and archive line of one event.
 */
#include <errno.h>
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

/* The column of a member name (a JSON string, quotes included), or -1. */
static int
find_column(const char *name, size_t len)
{
	char	 plain[32];
	size_t	 n, i;

	if (len > sizeof(plain) * 6)
		return -1;
	if (memchr(name, '\\', len) == NULL) {
		name++;
		n = len - 2;
	} else {
		char big[sizeof(plain) * 6];

		n = bt_unescape(name, len, big);
		if (n >= sizeof(plain))
			return -1;
		memcpy(plain, big, n);
		name = plain;
	}
	for (i = 0; i < EV_NCOLS; i++)
		if (col_len[i] == n && memcmp(ev_col_names[i], name, n) == 0)
			return (int)i;
	return -1;
}

static int
grow_members(struct ev *e, size_t want)
{
	struct bt_member	*m;
	signed char		*mcol;
	size_t			 cap = e->cap ? e->cap : 32;

	while (cap < want)
		cap *= 2;
	if ((m = reallocarray(e->m, cap, sizeof(*m))) == NULL)
		return -1;
	e->m = m;
	if ((mcol = reallocarray(e->mcol, cap, sizeof(*mcol))) == NULL)
		return -1;
	e->mcol = mcol;
	e->cap = cap;
	return 0;
}

int
ev_parse(struct ev *e, const char *text, size_t len, int is_line)
{
	size_t	 i, n;
	int	 c;

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
	for (;;) {
		n = bt_members(text, len, e->m, e->cap);
		if (n <= e->cap)
			break;
		if (grow_members(e, n) == -1)
			return -1;
	}
	if (is_line)
		n--;	/* the receipt stamp, always last */
	e->n = n;
	for (i = 0; i < EV_NCOLS; i++)
		e->col[i] = -1;
	for (i = 0; i < n; i++) {
		c = find_column(text + e->m[i].name_off, e->m[i].name_len);
		e->mcol[i] = (signed char)c;
		if (c >= 0 && e->col[c] == -1)
			e->col[c] = (int)i;
	}
	return 0;
}

void
ev_free(struct ev *e)
{
	free(e->m);
	free(e->mcol);
	e->m = NULL;
	e->mcol = NULL;
	e->cap = e->n = 0;
}

int
ev_is_column(const struct ev *e, size_t i)
{
	return e->mcol[i] >= 0 && e->col[e->mcol[i]] == (int)i;
}

static void
hash_member(struct ut_hash *h, const struct ev *e, enum ev_col c)
{
	unsigned char	 present = e->col[c] >= 0;
	uint64_t	 len = 0;

	ut_hash_update(h, &present, 1);
	if (!present)
		return;
	len = e->m[e->col[c]].val_len;
	ut_hash_update(h, &len, sizeof(len));
	ut_hash_update(h, e->text + e->m[e->col[c]].val_off, (size_t)len);
}

void
ev_key(const struct ev *e, struct ev_key *k)
{
	struct ut_hash	 h;

	ut_hash_init(&h);
	if (e->col[EV_IID] >= 0) {
		ut_hash_update(&h, "K", 1);
		hash_member(&h, e, EV_IID);
		hash_member(&h, e, EV_ACTIVITYSTATUS);
		hash_member(&h, e, EV_ACTIVITYDATETIME);
		hash_member(&h, e, EV_CLICKEVENTLINK);
	} else {
		/* The text up to its closing brace: the same for an event and its archive line. */
		ut_hash_update(&h, "T", 1);
		ut_hash_update(&h, e->text, e->body);
	}
	ut_hash_final(&h, k->h);
}

void
ev_status(const struct ev *e, char buf[EV_STATUS_MAX + 1])
{
	const struct bt_member	*m;
	const char		*s;
	size_t			 i, n;

	strcpy(buf, "OTHER");
	if (e->col[EV_ACTIVITYSTATUS] < 0)
		return;
	m = &e->m[e->col[EV_ACTIVITYSTATUS]];
	s = e->text + m->val_off;
	/* An escape could only spell what the rule forbids or a plain letter: decode to be exact. */
	if (m->val_len < 3 || s[0] != '"' || m->val_len > EV_STATUS_MAX * 6 + 2)
		return;
	/* Decoding drops a \u0000, but the value itself holds it: not a STATUS. */
	if (memmem(s, m->val_len, "\\u0000", 6) != NULL)
		return;
	{
		char tmp[EV_STATUS_MAX * 6 + 2];

		n = bt_unescape(s, m->val_len, tmp);
		if (n < 1 || n > EV_STATUS_MAX || tmp[0] < 'A' || tmp[0] > 'Z')
			return;
		for (i = 1; i < n; i++)
			if (!((tmp[i] >= 'A' && tmp[i] <= 'Z') ||
			    (tmp[i] >= '0' && tmp[i] <= '9') || tmp[i] == '_'))
				return;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
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

/*
 * event.h: one event's members, its identity and its STATUS (yespo-hook(8), handler/DESIGN.md)
 * and its archive line.
 */
#ifndef YH_EVENT_H
#define YH_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"

/* The documented members, in CSV column order (yespo-hook(8), CSV files). */
enum ev_col {
	EV_ACTIVITYDATETIME, EV_ACTIVITYSTATUS, EV_MEDIATYPE, EV_CONTACTID,
	EV_EXTERNALCUSTOMERID, EV_EMAIL, EV_SMS, EV_VIBER, EV_WEBPUSH,
	EV_MOBILEPUSH, EV_FROM, EV_MESSAGEID, EV_MESSAGEINSTANCEID,
	EV_MESSAGENAME, EV_MESSAGETAG, EV_MESSAGELANGUAGECODE, EV_BROADCASTID,
	EV_WORKFLOWID, EV_WORKFLOWBLOCKID, EV_WORKFLOWINSTANCEID,
	EV_SOURCEEVENTID, EV_SOURCEEVENTKEY, EV_SOURCEEVENTTYPEKEY,
	EV_CLICKEVENTLINK, EV_VIEWMESSAGELINK, EV_HARDBOUNCE,
	EV_STATUSDESCRIPTION, EV_STATUSDATA, EV_SUBSCRIPTION, EV_SUBSCRIPTIONS,
	EV_OSNAME, EV_OSTYPE, EV_IID,
	EV_NCOLS
};
extern const char *const ev_col_names[EV_NCOLS];

/* The member appended to every archive line, and its length with its stamp. */
#define EV_STAMP_LEN	20	/* YYYY-MM-DDTHH:MM:SSZ */
#define EV_STATUS_MAX	40	/* ^[A-Z][A-Z0-9_]{0,39}$ */

struct ev_key {
	uint64_t	 h[2];
};

struct ev {
	const char		*text;		/* compact object text */
	size_t			 len;
	size_t			 body;		/* bytes of text before its own closing brace */
	const char		*stamp;		/* receipt stamp when parsed from an archive line */
	struct bt_member	*m;		/* the event's members, receipt stamp excluded */
	signed char		*mcol;		/* each member's column, EV_EXTRA or EV_SHADOWED */
	size_t			 n, cap;
	size_t			 nextra;	/* members not a column's, shadowed ones too */
	int			 col[EV_NCOLS];	/* index into m of each documented member, or -1 */
	char			*names;		/* the members' names decoded, back to back */
	size_t			*name_at;	/* where each name starts in names; n + 1 of them */
	size_t			*slot;		/* a table of member indices to find repeated names */
	size_t			 names_cap;
	int			 names_ok;	/* names and name_at are this event's (ev_names) */
};

/* mcol of a member not a documented column, and of one whose name comes again later. */
#define EV_EXTRA	(-1)
#define EV_SHADOWED	(-2)

/*
 * Parse a compact object text (is_line = 0) or an archive line without its
 * newline (is_line = 1).  Where a name (compared decoded) occurs twice, the
 * last occurrence wins, as in JSON.parse, Python and jq: the earlier ones
 * are EV_SHADOWED, in no column and not in extra.  Returns 0; 1 when an
 * archive line does not end in a receipt stamp; -1 when memory ran out.
 * Text must stay valid while used.
 */
int	 ev_parse(struct ev *, const char *text, size_t len, int is_line);

/*
 * The same for the BT_EVENT item it of b (is_line = 0), from the members
 * its parse noted: no second scan of the text.  Returns 0, or -1.
 */
int	 ev_parse_item(struct ev *, const struct bt_batch *, const struct bt_item *it);
void	 ev_free(struct ev *);
/* Decode the parsed event's member names into names and name_at, unless done: 0, or -1. */
int	 ev_names(struct ev *);

/* Whether member i belongs in extra: its name is no column's and is its last. */
int	 ev_in_extra(const struct ev *, size_t i);

/*
 * The event key: iid, activityStatus, activityDateTime and clickEventLink
 * by their decoded values (strings unescaped, \u0000 kept, a lone surrogate
 * as U+FFFD; other values by their compact text), each tagged missing,
 * string or other and length-prefixed; without iid, the whole event text.
 * 128 bits of SipHash.  Changing what is hashed changes the spool format
 * (SP_FORMAT in spool.h): old indexes must be rebuilt.
 */
void	 ev_key(const struct ev *, struct ev_key *);

/* The STATUS of the event's files: the activityStatus, or "OTHER". */
void	 ev_status(const struct ev *, char buf[EV_STATUS_MAX + 1]);

/* Whether the n bytes at s follow the STATUS rule, ^[A-Z][A-Z0-9_]{0,39}$: 1 or 0. */
int	 ev_status_valid(const char *s, size_t n);

/*
 * Write the archive line of a compact event text with a receipt stamp,
 * newline included, to out, which holds len + EV_LINE_EXTRA bytes.
 * Returns its length.
 */
#define EV_LINE_EXTRA	(sizeof(",\"_receivedAt\":\"\"}\n") + EV_STAMP_LEN)
size_t	 ev_format_line(const char *text, size_t len, const char *stamp, char *out);

#endif

/*
 * gen.h: the benchmark's batches, made deterministically from a seed.
 *
 * Shared (header-only) by loadgen.c, which POSTs the batches, and floor.c,
 * which writes the same output bytes without HTTP or parsing.  An event
 * has the shape of the fixtures in tests/data (bulk and triggered campaigns) with
 * varied contacts, statuses, media types, messageTag and statusDescription
 * text (commas, quotes, escapes, non-ASCII, formula-looking cells).
 *
 * Every event of (seed, sender, batch, index) has its own iid, so the key
 * of a first send is always new and a resent batch is all duplicates.
 */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte buffer; gb_* abort on allocation failure (a tool, not a server). */
struct gbuf {
	char	*p;
	size_t	 len, cap;
};

static inline void
gb_need(struct gbuf *b, size_t n)
{
	size_t	 cap;
	char	*np;

	if (b->len + n <= b->cap)
		return;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	if ((np = realloc(b->p, cap)) == NULL) {
		fprintf(stderr, "bench: out of memory (%zu bytes)\n", cap);
		exit(1);
	}
	b->p = np;
	b->cap = cap;
}

static inline void
gb_add(struct gbuf *b, const char *s, size_t n)
{
	gb_need(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void
gb_str(struct gbuf *b, const char *s)
{
	gb_add(b, s, strlen(s));
}

static inline void
gb_c(struct gbuf *b, char c)
{
	gb_need(b, 1);
	b->p[b->len++] = c;
}

static inline void
gb_free(struct gbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* splitmix64: small, fast, good enough to vary test data. */
static inline uint64_t
rng_next(uint64_t *s)
{
	uint64_t	 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline unsigned
rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* A string value: its JSON text (quotes included) and its decoded text. */
struct gstr {
	const char	*json;
	const char	*text;
};

static const struct gstr gen_names[] = {
	{ "\"test\"", "test" },
	{ "\"Weekly digest #42\"", "Weekly digest #42" },
	{ "\"Осінній розпродаж -30%\"", "Осінній розпродаж -30%" },
	{ "\"Promo, autumn\"", "Promo, autumn" },
	{ "\"Say \\\"hi\\\" to Jos\\u00e9\"", "Say \"hi\" to José" },
	{ "\"Abandoned cart \\u2013 reminder\"", "Abandoned cart – reminder" },
	{ "\"Welcome \xf0\x9f\x8e\x89\"", "Welcome \xf0\x9f\x8e\x89" },
	{ "\"Order shipped\"", "Order shipped" },
};

static const struct gstr gen_tags[] = {
	{ "\"tag2,tag,test\"", "tag2,tag,test" },
	{ "\"promo,\\\"vip\\\"\"", "promo,\"vip\"" },
	{ "\"осінь\"", "осінь" },
	{ "\"newsletter\"", "newsletter" },
	{ "\"-10% weekend\"", "-10% weekend" },
};

static const struct gstr gen_descs[] = {
	{ "\"5.1.2 (bad destination system: no such domain)\"", "5.1.2 (bad destination system: no such domain)" },
	{ "\"401: null\"", "401: null" },
	{ "\"552 5.2.2 Mailbox full\"", "552 5.2.2 Mailbox full" },
	{ "\"Unknown subscriber\"", "Unknown subscriber" },
	{ "\"=SUM(A1,A2)\"", "=SUM(A1,A2)" },
	{ "\"Timeout\\nretry later\"", "Timeout\nretry later" },
};

static const char *const gen_media[] = {
	"email", "sms", "viber", "mobilepush", "webpush", "appinbox", "widget",
	"inapp", "telegrambot",
};
/* Weights of gen_media, in percent. */
static const unsigned gen_media_w[] = { 50, 15, 10, 8, 7, 4, 2, 2, 2 };

static const char *const gen_status[] = {
	"DELIVERED", "READ", "CLICKED", "UNDELIVERED", "SENT", "UNSUBSCRIBED",
	"SPAM", "SUBSCRIPTION_CHANGED",
};
#define GEN_NSTATUS	8
#define GEN_NMESSAGES	40
/* Messages a day's traffic comes from; more make more summary rows. */
static unsigned gen_nmessages = GEN_NMESSAGES;
static const unsigned gen_status_w[] = { 48, 20, 10, 8, 6, 3, 2, 3 };

static inline unsigned
pick_w(uint64_t *s, const unsigned *w, unsigned n)
{
	unsigned	 r = rng_below(s, 100), i, acc = 0;

	for (i = 0; i < n; i++) {
		acc += w[i];
		if (r < acc)
			return i;
	}
	return n - 1;
}

/* The CSV columns of yespo-hook(8) after receivedAt, in order (extra last). */
static const char *const gen_cols[] = {
	"activityDateTime", "activityStatus", "mediaType", "contactId",
	"externalCustomerId", "email", "sms", "viber", "webpush", "mobilepush",
	"from", "messageId", "messageInstanceId", "messageName", "messageTag",
	"messageLanguageCode", "broadcastId", "workflowId", "workflowBlockId",
	"workflowInstanceId", "sourceEventId", "sourceEventKey",
	"sourceEventTypeKey", "clickEventLink", "viewMessageLink", "hardBounce",
	"statusDescription", "statusData", "subscription", "subscriptions",
	"osName", "osType", "iid",
};
#define GEN_NCOLS	33

#define GEN_MAXM	24
/* One event: its members in order, each with JSON text and CSV cell text. */
struct gev {
	int		 n;
	const char	*name[GEN_MAXM];
	char		*json[GEN_MAXM];	/* the value's JSON text */
	char		*cell[GEN_MAXM];	/* the decoded cell text */
	int		 status;		/* index in gen_status */
	char		 pool[2048];		/* backing store of json and cell */
	size_t		 used;
};

static inline char *
gev_keep(struct gev *e, const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p;

	if (e->used + n > sizeof(e->pool)) {
		fprintf(stderr, "bench: event pool overflow\n");
		exit(1);
	}
	p = e->pool + e->used;
	memcpy(p, s, n);
	e->used += n;
	return p;
}

/* A member with a JSON text and a cell text. */
static inline void
gev_put(struct gev *e, const char *name, const char *json, const char *cell)
{
	if (e->n == GEN_MAXM) {
		fprintf(stderr, "bench: too many members\n");
		exit(1);
	}
	e->name[e->n] = name;
	e->json[e->n] = gev_keep(e, json);
	e->cell[e->n] = gev_keep(e, cell);
	e->n++;
}

/* A plain string member (no escapes needed). */
static inline void
gev_s(struct gev *e, const char *name, const char *text)
{
	char	 j[512];

	snprintf(j, sizeof(j), "\"%s\"", text);
	gev_put(e, name, j, text);
}

static inline void
gev_g(struct gev *e, const char *name, const struct gstr *g)
{
	gev_put(e, name, g->json, g->text);
}

static inline void
gev_num(struct gev *e, const char *name, unsigned long long v)
{
	char	 t[32];

	snprintf(t, sizeof(t), "%llu", v);
	gev_put(e, name, t, t);
}

static inline void
gen_uuid(uint64_t *s, char *out)
{
	uint64_t	 a = rng_next(s), b = rng_next(s);

	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
	    (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xffff,
	    (unsigned)(b >> 48), (unsigned long long)(b & 0xffffffffffffULL));
}

/* Event idx of batch (sender, batch) under seed. */
static inline void
gen_event(struct gev *e, uint64_t seed, unsigned sender, unsigned batch,
    unsigned idx)
{
	uint64_t	 s = seed ^ ((uint64_t)sender << 48) ^ ((uint64_t)batch << 24) ^ idx, ms;
	char		 t[256], u[40];
	unsigned	 media, st, contact, name, h, msg;
	int		 triggered;

	memset(e, 0, offsetof(struct gev, pool));
	e->used = 0;
	(void)rng_next(&s);
	/*
	 * A day's traffic comes from a few dozen messages (campaigns and
	 * workflow messages), each with one media type and one name, as in
	 * Yespo: so summary.csv has a realistic few hundred rows.
	 */
	msg = rng_below(&s, gen_nmessages);
	ms = seed ^ (0x6d7367ULL << 32) ^ msg;
	media = pick_w(&ms, gen_media_w, 9);
	name = msg % (unsigned)(sizeof(gen_names) / sizeof(gen_names[0]));
	triggered = msg % 10 < 3;
	st = pick_w(&s, gen_status_w, GEN_NSTATUS);
	if (st == 4 && media != 3)	/* SENT: mobile push only */
		st = 0;
	e->status = (int)st;
	contact = 100000000u + rng_below(&s, 900000000u);

	if (triggered) {
		gev_g(e, "messageName", &gen_names[name]);
		gev_num(e, "workflowId", 340000 + msg);
		snprintf(t, sizeof(t), "_%016llx%016llx",
		    (unsigned long long)rng_next(&s), (unsigned long long)rng_next(&s));
		gev_s(e, "workflowBlockId", t);
		gen_uuid(&s, u);
		gev_s(e, "sourceEventKey", u);
		gev_s(e, "sourceEventTypeKey", rng_below(&s, 2) ? "productViewed" : "cartAbandoned");
		gen_uuid(&s, u);
		gev_s(e, "workflowInstanceId", u);
	} else {
		gev_num(e, "broadcastId", 3459000 + msg);
		gev_g(e, "messageName", &gen_names[name]);
	}
	if (st == 3) {
		const char *hb = rng_below(&s, 4) ? "false" : "true";

		gev_put(e, "hardBounce", hb, hb);
	}
	/* Unique per (sender, batch, idx): the key of a first send is always new. */
	h = (unsigned)(rng_next(&s) >> 32);
	snprintf(u, sizeof(u), "%08x-%04x-11ee-%04x-%012llx", h, sender & 0xffff,
	    (unsigned)(rng_next(&s) & 0xffff),
	    ((unsigned long long)batch << 20 | idx) & 0xffffffffffffULL);
	gev_s(e, "iid", u);
	gev_num(e, "contactId", contact);
	if (rng_below(&s, 2)) {
		if (rng_below(&s, 2))
			gen_uuid(&s, u);
		else
			snprintf(u, sizeof(u), "%u", 100000000u + rng_below(&s, 900000000u));
		gev_s(e, "externalCustomerId", u);
	}
	switch (media) {
	case 0:
		snprintf(t, sizeof(t), "user%u@example%u.com", contact, contact % 97);
		gev_s(e, "email", t);
		break;
	case 1:
	case 2:
		snprintf(t, sizeof(t), "380%09u", contact % 1000000000u);
		gev_s(e, "sms", t);
		break;
	case 3:
		snprintf(t, sizeof(t), "fcm:%016llx%016llx",
		    (unsigned long long)rng_next(&s), (unsigned long long)rng_next(&s));
		gev_s(e, "mobilepush", t);
		break;
	case 4:
		snprintf(t, sizeof(t), "https://fcm.googleapis.com/fcm/send/%016llx",
		    (unsigned long long)rng_next(&s));
		gev_s(e, "webpush", t);
		break;
	default:
		break;
	}
	gev_s(e, "mediaType", gen_media[media]);
	gev_s(e, "activityStatus", gen_status[st]);
	gev_num(e, "messageId", 2489000 + msg * 7);
	gev_num(e, "messageInstanceId", 4702000 + rng_below(&s, 4000));
	if (rng_below(&s, 10) < 4)
		gev_g(e, "messageTag", &gen_tags[rng_below(&s, 5)]);
	snprintf(t, sizeof(t), "2025-%02u-%02uT%02u:%02u:%02u", 1 + rng_below(&s, 12),
	    1 + rng_below(&s, 28), rng_below(&s, 24), rng_below(&s, 60), rng_below(&s, 60));
	gev_s(e, "activityDateTime", t);
	if (st == 3)
		gev_g(e, "statusDescription", &gen_descs[rng_below(&s, 6)]);
	if (st == 2) {
		snprintf(t, sizeof(t), "https://shop.example.com/p/%u?utm_source=yespo&utm_medium=%s",
		    rng_below(&s, 100000), gen_media[media]);
		gev_s(e, "clickEventLink", t);
	}
	if (media == 0) {
		snprintf(t, sizeof(t), "https://u51739.esclick.me/%012llx",
		    (unsigned long long)(rng_next(&s) & 0xffffffffffffULL));
		gev_s(e, "viewMessageLink", t);
	}
	if (media == 3) {
		gev_s(e, "osName", rng_below(&s, 2) ? "android" : "ios");
		gev_s(e, "osType", rng_below(&s, 2) ? "mobile" : "tablet");
	}
	if (st == 7)
		gev_put(e, "subscriptions", "[{\"channel\":\"email\",\"active\":false}]",
		    "[{\"channel\":\"email\",\"active\":false}]");
	if (st == 3 && rng_below(&s, 2))
		gev_put(e, "statusData", "{\"code\":550}", "{\"code\":550}");
	else
		gev_put(e, "statusData", "{}", "{}");
}

/* The body form, as in the fixtures: one member per line. */
static inline void
gen_body_event(struct gbuf *b, const struct gev *e)
{
	int	 i;

	gb_str(b, "{\n");
	for (i = 0; i < e->n; i++) {
		gb_c(b, '"');
		gb_str(b, e->name[i]);
		gb_str(b, "\": ");
		gb_str(b, e->json[i]);
		gb_str(b, i + 1 < e->n ? ",\n" : "\n");
	}
	gb_c(b, '}');
}

/* A whole POST body of n events. */
static inline void
gen_body(struct gbuf *b, uint64_t seed, unsigned sender, unsigned batch,
    unsigned n, unsigned *statuses)
{
	struct gev	 e;
	unsigned	 i, seen = 0;

	gb_str(b, "[\n");
	for (i = 0; i < n; i++) {
		gen_event(&e, seed, sender, batch, i);
		seen |= 1u << e.status;
		gen_body_event(b, &e);
		gb_str(b, i + 1 < n ? ",\n" : "\n");
	}
	gb_str(b, "]\n");
	if (statuses != NULL)
		*statuses = seen;
}

/* The archive line: compact text with "_receivedAt" appended last. */
static inline void
gen_line(struct gbuf *b, const struct gev *e, const char *stamp)
{
	int	 i;

	gb_c(b, '{');
	for (i = 0; i < e->n; i++) {
		gb_c(b, '"');
		gb_str(b, e->name[i]);
		gb_str(b, "\":");
		gb_str(b, e->json[i]);
		gb_c(b, ',');
	}
	gb_str(b, "\"_receivedAt\":\"");
	gb_str(b, stamp);
	gb_str(b, "\"}\n");
}

static inline void
gen_cell(struct gbuf *b, const char *s, int guard)
{
	const char	*p;
	int		 g = guard && *s != '\0' && strchr("=+-@\t\r", *s) != NULL;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		if (g)
			gb_c(b, '\'');
		gb_str(b, s);
		return;
	}
	gb_c(b, '"');
	if (g)
		gb_c(b, '\'');
	for (p = s; *p; p++) {
		if (*p == '"')
			gb_c(b, '"');
		gb_c(b, *p);
	}
	gb_c(b, '"');
}

/* The CSV row of yespo-hook(8) (the event has no members beyond the columns). */
static inline void
gen_row(struct gbuf *b, const struct gev *e, const char *stamp)
{
	int	 c, i;

	gb_str(b, stamp);
	for (c = 0; c < GEN_NCOLS; c++) {
		gb_c(b, ',');
		for (i = 0; i < e->n; i++)
			if (strcmp(e->name[i], gen_cols[c]) == 0) {
				/* Strings are guarded; numbers, objects, booleans are not. */
				gen_cell(b, e->cell[i], e->json[i][0] == '"');
				break;
			}
	}
	gb_str(b, ",\r\n");
}

/*
 * The sending order of one sender: its share of nbatches (batch j goes to
 * sender j % senders), each batch once, and resend_pct percent of them a
 * second time three sends later, as a sender that missed a 200 would.
 */
struct gsend {
	unsigned	 batch;
	int		 resend;
};

static inline struct gsend *
gen_schedule(uint64_t seed, unsigned sender, unsigned senders,
    unsigned nbatches, unsigned resend_pct, size_t *nout)
{
	struct gsend	*v;
	uint64_t	 s = seed ^ 0x5eedULL ^ ((uint64_t)sender << 32);
	size_t		 n = 0, cap, i, pos;
	unsigned	 j;

	cap = (size_t)nbatches * 2 + 1;
	if ((v = calloc(cap, sizeof(*v))) == NULL) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	for (j = sender; j < nbatches; j += senders) {
		v[n].batch = j;
		v[n].resend = 0;
		n++;
	}
	/* Insert resends, walking from the end so positions stay valid. */
	for (i = n; i-- > 0;) {
		if (rng_below(&s, 100) >= resend_pct)
			continue;
		pos = i + 4;
		if (pos > n)
			pos = n;
		memmove(&v[pos + 1], &v[pos], (n - pos) * sizeof(*v));
		v[pos].batch = v[i].batch;
		v[pos].resend = 1;
		n++;
	}
	*nout = n;
	return v;
}

#endif

/* Unit tests: event identity, STATUS rule and archive lines. */
#include "batch.h"
#include "event.h"
#include "test.h"

/* Key of a JSON object text written compactly. */
static struct ev_key
key_of(const char *text)
{
	struct ev	 e = { 0 };
	struct ev_key	 k = { { 0, 0 } };

	if (ev_parse(&e, text, strlen(text), 0) == 0)
		ev_key(&e, &k);
	ev_free(&e);
	return k;
}

static int
same_key(const char *a, const char *b)
{
	struct ev_key	 x = key_of(a), y = key_of(b);

	return x.h[0] == y.h[0] && x.h[1] == y.h[1];
}

static const char *
status_of(const char *text)
{
	static char	 buf[EV_STATUS_MAX + 1];
	struct ev	 e = { 0 };

	buf[0] = '\0';
	if (ev_parse(&e, text, strlen(text), 0) == 0)
		ev_status(&e, buf);
	ev_free(&e);
	return buf;
}

static int
key_same_iid_other_status_differs(void)
{
	CHECK(!same_key(
	    "{\"iid\":\"99d5\",\"activityStatus\":\"DELIVERED\",\"activityDateTime\":\"2023-09-14T08:30:03\"}",
	    "{\"iid\":\"99d5\",\"activityStatus\":\"UNDELIVERED\",\"activityDateTime\":\"2023-09-14T08:30:07\"}"));
	return 0;
}

static int
key_ignores_other_members(void)
{
	CHECK(same_key(
	    "{\"iid\":\"a\",\"activityStatus\":\"READ\",\"email\":\"x@y\"}",
	    "{\"email\":\"z@w\",\"activityStatus\":\"READ\",\"iid\":\"a\",\"contactId\":5}"));
	return 0;
}

static int
key_missing_differs_from_empty(void)
{
	CHECK(!same_key("{\"iid\":\"a\",\"clickEventLink\":\"\"}", "{\"iid\":\"a\"}"));
	CHECK(!same_key("{\"iid\":\"a\",\"clickEventLink\":null}", "{\"iid\":\"a\"}"));
	return 0;
}

static int
key_fields_do_not_run_together(void)
{
	CHECK(!same_key("{\"iid\":\"ab\",\"activityStatus\":\"c\"}",
	    "{\"iid\":\"a\",\"activityStatus\":\"bc\"}"));
	return 0;
}

static int
key_escaped_status_is_plain_status(void)
{
	CHECK(same_key("{\"iid\":\"a\",\"activityStatus\":\"\\u0044ELIVERED\"}",
	    "{\"iid\":\"a\",\"activityStatus\":\"DELIVERED\"}"));
	return 0;
}

static int
key_escaped_link_is_raw_utf8_link(void)
{
	/* What a tool that re-escapes JSON makes of a resend. */
	CHECK(same_key("{\"iid\":\"a\",\"clickEventLink\":\"https://x/\\u0441\\u0430\\/\\ud83d\\ude00\"}",
	    "{\"iid\":\"a\",\"clickEventLink\":\"https://x/\xd1\x81\xd0\xb0/\xf0\x9f\x98\x80\"}"));
	return 0;
}

static int
key_values_by_meaning(void)
{
	/* A lone surrogate is U+FFFD; \u0000 is kept; a string is no number. */
	CHECK(same_key("{\"iid\":\"\\ud800\"}", "{\"iid\":\"\xef\xbf\xbd\"}"));
	CHECK(!same_key("{\"iid\":\"a\\u0000\"}", "{\"iid\":\"a\"}"));
	CHECK(!same_key("{\"iid\":\"1\"}", "{\"iid\":1}"));
	CHECK(!same_key("{\"iid\":\"null\"}", "{\"iid\":null}"));
	CHECK(!same_key("{\"iid\":1}", "{\"iid\":1.0}"));
	CHECK(same_key("{\"iid\":{\"a\":[1]}}", "{\"iid\":{\"a\":[1]}}"));
	return 0;
}

static int
escaped_member_name_is_its_column(void)
{
	/* Names are compared decoded: \u0069id is iid, and the key fields match. */
	CHECK(same_key("{\"\\u0069id\":\"x\",\"activityStatus\":\"READ\"}",
	    "{\"iid\":\"x\",\"activityStatus\":\"READ\"}"));
	CHECK_STR(status_of("{\"activity\\u0053tatus\":\"CLICKED\"}"), "CLICKED");
	return 0;
}

static int
key_without_iid_is_whole_text(void)
{
	CHECK(same_key("{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":2}"));
	CHECK(!same_key("{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":3}"));
	CHECK(!same_key("{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}"));
	return 0;
}

static int
key_of_line_equals_key_of_event(void)
{
	const char	*texts[] = { "{}", "{\"a\":1}", "{\"iid\":\"x\",\"activityStatus\":\"READ\"}" };
	char		 line[256];
	struct ev	 e = { 0 };
	struct ev_key	 k;
	size_t		 i, n;

	for (i = 0; i < 3; i++) {
		n = ev_format_line(texts[i], strlen(texts[i]), "2023-09-14T08:30:03Z", line);
		CHECK(line[n - 1] == '\n');
		CHECK(ev_parse(&e, line, n - 1, 1) == 0);
		CHECK(e.stamp != NULL && memcmp(e.stamp, "2023-09-14T08:30:03Z", 20) == 0);
		ev_key(&e, &k);
		struct ev_key w = key_of(texts[i]);
		CHECK(k.h[0] == w.h[0] && k.h[1] == w.h[1]);
	}
	ev_free(&e);
	return 0;
}

static int
line_appends_stamp_last(void)
{
	char	 line[128];
	size_t	 n;

	n = ev_format_line("{\"a\":1}", 7, "2023-09-14T08:30:03Z", line);
	CHECK_MEM(line, n, "{\"a\":1,\"_receivedAt\":\"2023-09-14T08:30:03Z\"}\n", 45);
	n = ev_format_line("{}", 2, "2023-09-14T08:30:03Z", line);
	CHECK_MEM(line, n, "{\"_receivedAt\":\"2023-09-14T08:30:03Z\"}\n", 39);
	return 0;
}

static int
line_without_stamp_is_refused(void)
{
	struct ev	 e = { 0 };

	CHECK(ev_parse(&e, "{\"a\":1}", 7, 1) == 1);
	ev_free(&e);
	return 0;
}

static int
status_plain(void)
{
	CHECK_STR(status_of("{\"activityStatus\":\"DELIVERED\"}"), "DELIVERED");
	CHECK_STR(status_of("{\"activityStatus\":\"SUBSCRIPTION_CHANGED\"}"), "SUBSCRIPTION_CHANGED");
	CHECK_STR(status_of("{\"activityStatus\":\"X9\"}"), "X9");
	return 0;
}

static int
status_unsafe_is_other(void)
{
	CHECK_STR(status_of("{\"activityStatus\":\"delivered\"}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":\"../x\"}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":\"../../x\"}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":\"A/B\"}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":\"\"}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":\"9A\"}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":5}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":null}"), "OTHER");
	CHECK_STR(status_of("{\"email\":\"a\"}"), "OTHER");
	return 0;
}

static int
status_length_limit(void)
{
	CHECK_STR(status_of("{\"activityStatus\":\"ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ\"}"),
	    "ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ");
	CHECK_STR(status_of("{\"activityStatus\":\"ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJK\"}"), "OTHER");
	return 0;
}

static int
status_escaped_letters_decode(void)
{
	CHECK_STR(status_of("{\"activityStatus\":\"\\u0044ELIVERED\"}"), "DELIVERED");
	/* The value holds a NUL even though its CSV cell drops it. */
	CHECK_STR(status_of("{\"activityStatus\":\"READ\\u0000\"}"), "OTHER");
	CHECK_STR(status_of("{\"activityStatus\":\"\\u002e\\u002e/x\"}"), "OTHER");
	return 0;
}

static int
last_duplicate_status_wins(void)
{
	/* As JSON.parse, Python and jq read the archive line. */
	CHECK_STR(status_of("{\"activityStatus\":\"READ\",\"activityStatus\":\"CLICKED\"}"), "CLICKED");
	CHECK_STR(status_of("{\"activityStatus\":\"READ\",\"activity\\u0053tatus\":\"x\"}"), "OTHER");
	return 0;
}

static int
last_duplicate_iid_keys(void)
{
	/* Differing only in the first iid: the same event; in the last: two. */
	CHECK(same_key("{\"iid\":\"a\",\"iid\":\"b\",\"activityStatus\":\"READ\"}",
	    "{\"iid\":\"z\",\"iid\":\"b\",\"activityStatus\":\"READ\"}"));
	CHECK(same_key("{\"iid\":\"a\",\"i\\u0069d\":\"b\"}", "{\"iid\":\"b\"}"));
	CHECK(!same_key("{\"iid\":\"a\",\"iid\":\"b\"}", "{\"iid\":\"a\",\"iid\":\"c\"}"));
	return 0;
}

static int
only_last_duplicate_extra_is_extra(void)
{
	static const char text[] = "{\"x\":1,\"iid\":\"a\",\"y\":2,\"\\u0078\":3,"
	    "\"iid\":\"b\",\"y\":4,\"z\":5}";
	struct ev	 e = { 0 };

	CHECK(ev_parse(&e, text, strlen(text), 0) == 0 && e.n == 7);
	CHECK(!ev_in_extra(&e, 0) && !ev_in_extra(&e, 1) && !ev_in_extra(&e, 2));
	CHECK(ev_in_extra(&e, 3) && ev_in_extra(&e, 5) && ev_in_extra(&e, 6));
	CHECK(e.col[EV_IID] == 4 && e.mcol[1] == EV_SHADOWED && e.mcol[0] == EV_SHADOWED);
	ev_free(&e);
	return 0;
}

static int
key_is_unchanged(void)
{
	/* The index holds these keys: a change must come with SP_FORMAT's. */
	struct ev_key	 a = key_of("{\"iid\":\"a\\u00e9\\\"\",\"activityStatus\":\"READ\","
	    "\"activityDateTime\":\"2025-03-26T04:58:24\","
	    "\"clickEventLink\":\"https://x.y/\\/z?a=1,b\"}");
	struct ev_key	 b = key_of("{\"no\":1,\"x\":[1,2]}");

	CHECK(a.h[0] == 0xbd47cdc17698d69aULL && a.h[1] == 0xbbd9c447ad6a5888ULL);
	CHECK(b.h[0] == 0xfeaa3c41ec5c0933ULL && b.h[1] == 0x51dd1bdcc50f09ffULL);
	return 0;
}

static const struct test tests[] = {
	T(key_same_iid_other_status_differs),
	T(key_ignores_other_members),
	T(key_missing_differs_from_empty),
	T(key_fields_do_not_run_together),
	T(key_escaped_status_is_plain_status),
	T(key_escaped_link_is_raw_utf8_link),
	T(key_values_by_meaning),
	T(escaped_member_name_is_its_column),
	T(key_without_iid_is_whole_text),
	T(key_of_line_equals_key_of_event),
	T(line_appends_stamp_last),
	T(line_without_stamp_is_refused),
	T(status_plain),
	T(status_unsafe_is_other),
	T(status_length_limit),
	T(status_escaped_letters_decode),
	T(last_duplicate_status_wins),
	T(last_duplicate_iid_keys),
	T(only_last_duplicate_extra_is_extra),
	T(key_is_unchanged),
};

TEST_MAIN(tests)

/*
 * test_batch.c: the batch parser (RFC 8259).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "test.h"

#define NEST	100000		/* levels in the deep nesting tests */

/* A string literal and its length, embedded NUL bytes included. */
#define LIT(s)	(s), (sizeof(s) - 1)

static const char bulk_first[] =
    "{\"broadcastId\":3459207,\"messageName\":\"test\","
    "\"iid\":\"99d591ab-e7a5-49ed-8e16-b3023378fc18\","
    "\"contactId\":1967597908,\"externalCustomerId\":\"789456512\","
    "\"email\":\"test1@yourdomain.com\",\"mediaType\":\"email\","
    "\"activityStatus\":\"DELIVERED\",\"messageId\":2489300,"
    "\"messageInstanceId\":4702518,"
    "\"activityDateTime\":\"2023-09-14T08:30:03\","
    "\"viewMessageLink\":\"https://u51739.esclick.me/J9o6EvyAKGmB\","
    "\"statusData\":{}}";

static const char triggered_first[] =
    "{\"messageName\":\"test\",\"workflowId\":340484,"
    "\"workflowBlockId\":\"_05cae26d9ae85e1eb40ed34765f9c7be\","
    "\"sourceEventKey\":\"9d0c163d-cc3b-4f9e-bb03-2f5d1111ef91\","
    "\"sourceEventTypeKey\":\"productViewed\","
    "\"workflowInstanceId\":\"da33697d-52d8-11ee-9d24-7ec2059b5114\","
    "\"iid\":\"019b7450-52d9-11ee-85c4-959256ea468c\","
    "\"contactId\":889891911,"
    "\"externalCustomerId\":\"262ac297-6ae1-11ec-a2ec-0050569bdf92\","
    "\"email\":\"test1@yourdomain.com\",\"mediaType\":\"email\","
    "\"activityStatus\":\"DELIVERED\",\"messageId\":2489300,"
    "\"messageInstanceId\":4702524,"
    "\"activityDateTime\":\"2023-09-14T08:30:50\","
    "\"viewMessageLink\":\"https://u51739.esclick.me/1RocjPwr0MwONsdn2P\","
    "\"statusData\":{}}";

/*
 * Read a fixture from tests/data: YH_TEST_DATA when the build names it,
 * else the data folder beside this source file.  Returns it, or NULL.
 */
static char *
read_fixture(const char *name, size_t *len)
{
	char	 path[4096], *p;
	FILE	*f;
	long	 n;

#ifdef YH_TEST_DATA
	snprintf(path, sizeof(path), "%s/%s", YH_TEST_DATA, name);
#else
	const char *slash = strrchr(__FILE__, '/');

	if (slash == NULL)
		snprintf(path, sizeof(path), "data/%s", name);
	else
		snprintf(path, sizeof(path), "%.*s/data/%s",
		    (int)(slash - __FILE__), __FILE__, name);
#endif
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 ||
	    (p = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Whether a body is rejected whole: invalid, no items, no text. */
static int
rejects(const char *body, size_t len)
{
	struct bt_batch	 b;
	int		 ok;

	if (bt_parse(body, len, &b) != 0)
		return 0;
	ok = !b.valid && b.nitems == 0 && b.items == NULL &&
	    b.text == NULL && b.text_len == 0;
	bt_free(&b);
	return ok;
}

/* Whether a body is valid JSON. */
static int
accepts(const char *body, size_t len)
{
	struct bt_batch	 b;
	int		 ok;

	ok = bt_parse(body, len, &b) == 0 && b.valid;
	bt_free(&b);
	return ok;
}

/* A body of n opening brackets then m closing ones; NULL if no memory. */
static char *
brackets(size_t n, size_t m)
{
	char	*p;

	if ((p = malloc(n + m)) == NULL)
		return NULL;
	memset(p, '[', n);
	memset(p + n, ']', m);
	return p;
}

static int
fixture_bulk(void)
{
	struct bt_batch	 b;
	char		*body;
	size_t		 len, i;

	CHECK((body = read_fixture("bulk-campaign.json", &len)) != NULL);
	CHECK(bt_parse(body, len, &b) == 0);
	CHECK(b.valid);
	CHECK(b.nitems == 4);
	for (i = 0; i < b.nitems; i++)
		CHECK(b.items[i].kind == BT_EVENT);
	CHECK_MEM(b.text + b.items[0].text_off, b.items[0].text_len,
	    bulk_first, strlen(bulk_first));
	bt_free(&b);
	free(body);
	return 0;
}

static int
fixture_triggered(void)
{
	struct bt_batch	 b;
	char		*body;
	size_t		 len, i;

	CHECK((body = read_fixture("triggered-campaign.json", &len)) != NULL);
	CHECK(bt_parse(body, len, &b) == 0);
	CHECK(b.valid);
	CHECK(b.nitems == 3);
	for (i = 0; i < b.nitems; i++)
		CHECK(b.items[i].kind == BT_EVENT);
	CHECK_MEM(b.text + b.items[0].text_off, b.items[0].text_len,
	    triggered_first, strlen(triggered_first));
	bt_free(&b);
	free(body);
	return 0;
}

static int
fixture_spans_as_sent(void)
{
	struct bt_batch	 b;
	char		*body;
	size_t		 len;

	CHECK((body = read_fixture("bulk-campaign.json", &len)) != NULL);
	CHECK(bt_parse(body, len, &b) == 0 && b.nitems == 4);
	/* The file opens with "[\n{" and closes with "}\n]\n". */
	CHECK(b.items[0].off == 2);
	CHECK(b.items[3].off + b.items[3].len == len - 3);
	CHECK(body[b.items[1].off] == '{');
	CHECK(body[b.items[1].off + b.items[1].len - 1] == '}');
	CHECK(b.items[1].off == b.items[0].off + b.items[0].len + 2);
	bt_free(&b);
	free(body);
	return 0;
}

static int
texts_back_to_back(void)
{
	static const char body[] = "[ {\"a\" : 1} , 7 , { \"b\" : 2 } ]";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 3);
	CHECK(b.items[0].text_off == 0 && b.items[0].text_len == 7);
	CHECK(b.items[1].text_len == 0);
	CHECK(b.items[2].text_off == 7 && b.items[2].text_len == 7);
	CHECK_MEM(b.text, b.text_len, "{\"a\":1}{\"b\":2}", 14);
	bt_free(&b);
	return 0;
}

static int
object_is_batch_of_one(void)
{
	static const char body[] = "\r\n { \"iid\" : \"x\" }\t\n";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid);
	CHECK(b.nitems == 1);
	CHECK(b.items[0].kind == BT_EVENT);
	CHECK_MEM(body + b.items[0].off, b.items[0].len,
	    "{ \"iid\" : \"x\" }", 15);
	CHECK_MEM(b.text + b.items[0].text_off, b.items[0].text_len,
	    "{\"iid\":\"x\"}", 11);
	bt_free(&b);
	return 0;
}

static int
mixed_array_kinds_and_spans(void)
{
	static const char body[] =
	    "[ {\"a\": 1} ,-2.5e3,\n\"s\\\"]\" , [1, {\"b\":2}],null ]";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid);
	CHECK(b.nitems == 5);
	CHECK(b.items[0].kind == BT_EVENT);
	CHECK_MEM(body + b.items[0].off, b.items[0].len, "{\"a\": 1}", 8);
	CHECK(b.items[1].kind == BT_REJECT);
	CHECK_MEM(body + b.items[1].off, b.items[1].len, "-2.5e3", 6);
	CHECK(b.items[2].kind == BT_REJECT);
	CHECK_MEM(body + b.items[2].off, b.items[2].len, "\"s\\\"]\"", 6);
	CHECK(b.items[3].kind == BT_REJECT);
	CHECK_MEM(body + b.items[3].off, b.items[3].len, "[1, {\"b\":2}]", 12);
	CHECK(b.items[4].kind == BT_REJECT);
	CHECK_MEM(body + b.items[4].off, b.items[4].len, "null", 4);
	CHECK_MEM(b.text, b.text_len, "{\"a\":1}", 7);
	bt_free(&b);
	return 0;
}

static int
scalar_top_level_is_reject(void)
{
	static const char body[] = " \"just text\"\n";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid);
	CHECK(b.nitems == 1 && b.items[0].kind == BT_REJECT);
	CHECK_MEM(body + b.items[0].off, b.items[0].len, "\"just text\"", 11);
	CHECK(b.text_len == 0);
	bt_free(&b);
	return 0;
}

static int
empty_body_is_valid(void)
{
	struct bt_batch	 b;

	CHECK(bt_parse("", 0, &b) == 0);
	CHECK(b.valid && b.nitems == 0 && b.text_len == 0);
	bt_free(&b);
	CHECK(bt_parse(NULL, 0, &b) == 0);
	CHECK(b.valid && b.nitems == 0);
	bt_free(&b);
	return 0;
}

static int
blank_body_is_valid(void)
{
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(" \t\r\n \n"), &b) == 0);
	CHECK(b.valid && b.nitems == 0 && b.text_len == 0);
	bt_free(&b);
	return 0;
}

static int
empty_array_has_no_items(void)
{
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(" [ \n ] "), &b) == 0);
	CHECK(b.valid && b.nitems == 0 && b.text_len == 0);
	bt_free(&b);
	return 0;
}

static int
compact_keeps_escapes(void)
{
	static const char body[] =
	    "{ \"a\\u0069\" : "
	    "\"x\\\"\\\\\\/\\u00e9\\uD83D\\uDE00\\n\\u0000\" }";
	static const char want[] =
	    "{\"a\\u0069\":\"x\\\"\\\\\\/\\u00e9\\uD83D\\uDE00\\n\\u0000\"}";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 1);
	CHECK_MEM(b.text, b.text_len, want, sizeof(want) - 1);
	bt_free(&b);
	return 0;
}

static int
compact_keeps_utf8(void)
{
	static const char body[] =
	    "[{\"n\" : \"caf\xc3\xa9 \xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2 "
	    "\xe2\x80\x93 \xf0\x9f\x98\x80\"}]";
	static const char want[] =
	    "{\"n\":\"caf\xc3\xa9 \xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2 "
	    "\xe2\x80\x93 \xf0\x9f\x98\x80\"}";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 1);
	CHECK_MEM(b.text, b.text_len, want, sizeof(want) - 1);
	bt_free(&b);
	return 0;
}

static int
compact_keeps_numbers(void)
{
	static const char body[] =
	    "[{ \"id\": 123456789012345678901, \"big\": 1e400,\n"
	    "  \"f\": -0.50E+010, \"z\": -0 }]";
	static const char want[] =
	    "{\"id\":123456789012345678901,\"big\":1e400,"
	    "\"f\":-0.50E+010,\"z\":-0}";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 1);
	CHECK_MEM(b.text, b.text_len, want, sizeof(want) - 1);
	bt_free(&b);
	return 0;
}

static int
compact_keeps_order_and_duplicates(void)
{
	static const char body[] = "{\"b\": 1, \"a\": 2, \"b\": true}";
	static const char want[] = "{\"b\":1,\"a\":2,\"b\":true}";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 1);
	CHECK_MEM(b.text, b.text_len, want, sizeof(want) - 1);
	bt_free(&b);
	return 0;
}

static int
compact_nested_values(void)
{
	static const char body[] =
	    "[{ \"a\" : [ 1 , { \"b\" : [ ] } , { } , [ null , false ] ] ,\r\n"
	    "\t\"c\" : { \"d\" : { } } }]";
	static const char want[] =
	    "{\"a\":[1,{\"b\":[]},{},[null,false]],\"c\":{\"d\":{}}}";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 1);
	CHECK_MEM(b.text, b.text_len, want, sizeof(want) - 1);
	bt_free(&b);
	return 0;
}

static int
white_space_in_strings_kept(void)
{
	static const char body[] = "{ \"a b\" : \"  x , y : { }  \" }";
	static const char want[] = "{\"a b\":\"  x , y : { }  \"}";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 1);
	CHECK_MEM(b.text, b.text_len, want, sizeof(want) - 1);
	bt_free(&b);
	return 0;
}

static int
compact_body_is_unchanged(void)
{
	static const char body[] = "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":null}";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 1);
	CHECK_MEM(b.text, b.text_len, body, sizeof(body) - 1);
	bt_free(&b);
	return 0;
}

static int
valid_numbers(void)
{
	static const char body[] =
	    "[0,-0,1.5,-1.5e+10,2E-3,0e0,123456789012345678901,1e400]";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 8);
	CHECK_MEM(body + b.items[3].off, b.items[3].len, "-1.5e+10", 8);
	CHECK_MEM(body + b.items[6].off, b.items[6].len,
	    "123456789012345678901", 21);
	CHECK_MEM(body + b.items[7].off, b.items[7].len, "1e400", 5);
	bt_free(&b);
	return 0;
}

static int
valid_utf8_boundaries(void)
{
	/* U+0080 U+07FF U+0800 U+D7FF U+E000 U+FFFF U+10000 U+10FFFF, DEL */
	CHECK(accepts(LIT("\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
	    "\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\x7f\"")));
	return 0;
}

static int
valid_literals(void)
{
	struct bt_batch	 b;

	CHECK(bt_parse(LIT("[true,false,null]"), &b) == 0);
	CHECK(b.valid && b.nitems == 3 && b.items[1].len == 5);
	bt_free(&b);
	return 0;
}

static int
invalid_truncated(void)
{
	CHECK(rejects(LIT("[{\"a\":1}")));
	CHECK(rejects(LIT("[{\"a\":1},{\"b\":")));
	CHECK(rejects(LIT("{\"a\":\"xyz")));
	CHECK(rejects(LIT("[")));
	return 0;
}

static int
invalid_trailing_garbage(void)
{
	CHECK(rejects(LIT("[{\"a\":1}] x")));
	CHECK(rejects(LIT("{} {}")));
	CHECK(rejects(LIT("[1]]")));
	CHECK(rejects(LIT("truex")));
	return 0;
}

static int
invalid_trailing_comma_array(void)
{
	CHECK(rejects(LIT("[1,]")));
	CHECK(rejects(LIT("[{\"a\":[1,]}]")));
	return 0;
}

static int
invalid_trailing_comma_object(void)
{
	CHECK(rejects(LIT("{\"a\":1,}")));
	CHECK(rejects(LIT("[{\"a\":{\"b\":1,}}]")));
	return 0;
}

static int
invalid_single_quotes(void)
{
	CHECK(rejects(LIT("{'a':1}")));
	CHECK(rejects(LIT("[{\"a\":'x'}]")));
	return 0;
}

static int
invalid_nul_byte(void)
{
	CHECK(rejects(LIT("[{\"a\":1},\0{\"b\":2}]")));
	CHECK(rejects(LIT("[{\"a\":\"x\0y\"}]")));
	CHECK(rejects(LIT("{}\0")));
	return 0;
}

static int
invalid_raw_control_char(void)
{
	CHECK(rejects(LIT("[{\"a\":\"x\ny\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"x\ty\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\x1f\"}]")));
	return 0;
}

static int
invalid_utf8_lone_continuation(void)
{
	CHECK(rejects(LIT("[{\"a\":\"x\x80y\"}]")));
	return 0;
}

static int
invalid_utf8_overlong(void)
{
	CHECK(rejects(LIT("[{\"a\":\"\xc0\xaf\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\xe0\x80\xaf\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\xf0\x80\x80\xaf\"}]")));
	return 0;
}

static int
invalid_utf8_surrogate(void)
{
	CHECK(rejects(LIT("[{\"a\":\"\xed\xa0\x80\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\xed\xbf\xbf\"}]")));
	return 0;
}

static int
invalid_utf8_above_max(void)
{
	CHECK(rejects(LIT("[{\"a\":\"\xf4\x90\x80\x80\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\xf5\x80\x80\x80\"}]")));
	return 0;
}

static int
invalid_utf8_truncated(void)
{
	CHECK(rejects(LIT("[{\"a\":\"\xe2\x82\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\xf0\x9f\x98x\"}]")));
	return 0;
}

static int
invalid_utf8_outside_string(void)
{
	CHECK(rejects(LIT("\xef\xbb\xbf[]")));	/* a byte order mark */
	return 0;
}

static int
invalid_escape(void)
{
	CHECK(rejects(LIT("[{\"a\":\"\\x41\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\\'\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\\U0041\"}]")));
	return 0;
}

static int
invalid_unicode_escape(void)
{
	CHECK(rejects(LIT("[{\"a\":\"\\u12G4\"}]")));
	CHECK(rejects(LIT("[{\"a\":\"\\u12\"}]")));
	CHECK(rejects(LIT("\"\\u")));
	return 0;
}

static int
invalid_leading_zero(void)
{
	CHECK(rejects(LIT("01")));
	CHECK(rejects(LIT("[01]")));
	CHECK(rejects(LIT("[-01]")));
	CHECK(rejects(LIT("{\"a\":00}")));
	return 0;
}

static int
invalid_lone_minus(void)
{
	CHECK(rejects(LIT("-")));
	CHECK(rejects(LIT("[-]")));
	CHECK(rejects(LIT("[- 1]")));
	return 0;
}

static int
invalid_number_forms(void)
{
	CHECK(rejects(LIT("[1.]")));
	CHECK(rejects(LIT("[.5]")));
	CHECK(rejects(LIT("[1e]")));
	CHECK(rejects(LIT("[1e+]")));
	CHECK(rejects(LIT("[+1]")));
	CHECK(rejects(LIT("[0x10]")));
	CHECK(rejects(LIT("[1.5.2]")));
	CHECK(rejects(LIT("[1.,2]")));
	CHECK(rejects(LIT("[1e,2]")));
	CHECK(rejects(LIT("[1.e5]")));
	return 0;
}

static int
invalid_literals(void)
{
	CHECK(rejects(LIT("[tru]")));
	CHECK(rejects(LIT("[True]")));
	CHECK(rejects(LIT("nul")));
	CHECK(rejects(LIT("[NaN]")));
	return 0;
}

static int
invalid_separators(void)
{
	CHECK(rejects(LIT("{\"a\" 1}")));
	CHECK(rejects(LIT("[1 2]")));
	CHECK(rejects(LIT("{\"a\":1 \"b\":2}")));
	CHECK(rejects(LIT("[,1]")));
	CHECK(rejects(LIT("{\"a\"::1}")));
	return 0;
}

static int
invalid_member_name(void)
{
	CHECK(rejects(LIT("{1:2}")));
	CHECK(rejects(LIT("{a:2}")));
	CHECK(rejects(LIT("{null:2}")));
	return 0;
}

static int
invalid_white_space(void)
{
	CHECK(rejects(LIT("[\f1]")));
	CHECK(rejects(LIT("[\v1]")));
	CHECK(rejects(LIT("[\xc2\xa0" "1]")));	/* no-break space */
	return 0;
}

static int
invalid_mismatched_brackets(void)
{
	CHECK(rejects(LIT("[{\"a\":[1}]]")));
	CHECK(rejects(LIT("[{]")));
	CHECK(rejects(LIT("{\"a\":1]")));
	return 0;
}

static int
invalid_drops_parsed_events(void)
{
	static const char body[] = "[{\"a\":1},{\"b\":2},{\"c\":3},x]";
	struct bt_batch	 b;

	CHECK(bt_parse(LIT(body), &b) == 0);
	CHECK(!b.valid && b.nitems == 0 && b.items == NULL);
	CHECK(b.text == NULL && b.text_len == 0);
	bt_free(&b);
	return 0;
}

static int
deep_nesting_valid(void)
{
	struct bt_batch	 b;
	char		*body;
	clock_t		 t0 = clock();

	CHECK((body = brackets(NEST, NEST)) != NULL);
	CHECK(bt_parse(body, 2 * NEST, &b) == 0);
	CHECK(b.valid && b.nitems == 1 && b.items[0].kind == BT_REJECT);
	CHECK(b.items[0].off == 1 && b.items[0].len == 2 * NEST - 2);
	CHECK(clock() - t0 < CLOCKS_PER_SEC);
	bt_free(&b);
	free(body);
	return 0;
}

static int
deep_nesting_unbalanced(void)
{
	char	*body;

	CHECK((body = brackets(NEST, NEST - 1)) != NULL);
	CHECK(rejects(body, 2 * NEST - 1));
	CHECK(rejects(body, NEST));
	free(body);
	return 0;
}

static int
deep_nesting_in_event(void)
{
	struct bt_batch	 b;
	char		*body;
	size_t		 len = 6 + 2 * NEST;

	CHECK((body = malloc(len)) != NULL);
	memcpy(body, "{\"a\":", 5);
	memset(body + 5, '[', NEST);
	memset(body + 5 + NEST, ']', NEST);
	body[len - 1] = '}';
	CHECK(bt_parse(body, len, &b) == 0);
	CHECK(b.valid && b.nitems == 1 && b.items[0].kind == BT_EVENT);
	CHECK_MEM(b.text, b.text_len, body, len);
	bt_free(&b);
	free(body);
	return 0;
}

static int
many_elements(void)
{
	struct bt_batch	 b;
	char		*body;
	size_t		 n = 100000, i, len = 1 + n / 2 * 8;

	/* "[{}, 7 , {}, 7 , ... {}, 7 ] " */
	CHECK((body = malloc(len)) != NULL);
	body[0] = '[';
	for (i = 0; i < n / 2; i++)
		memcpy(body + 1 + 8 * i, "{}, 7 , ", 8);
	body[len - 2] = ']';
	CHECK(bt_parse(body, len, &b) == 0 && b.valid);
	CHECK(b.nitems == n);
	CHECK(b.text_len == n);
	CHECK(b.items[n - 2].kind == BT_EVENT);
	CHECK(b.items[n - 2].off == len - 8 && b.items[n - 2].len == 2);
	CHECK(b.items[n - 1].kind == BT_REJECT);
	CHECK(b.items[n - 1].off == len - 4 && b.items[n - 1].len == 1);
	bt_free(&b);
	free(body);
	return 0;
}

static int
huge_string_is_linear(void)
{
	struct bt_batch	 b;
	size_t		 n = 50u << 20, len = n + 8;
	char		*body;
	clock_t		 t0 = clock();

	CHECK((body = malloc(len)) != NULL);
	memcpy(body, "{\"a\":\"", 6);
	memset(body + 6, 'x', n);
	memcpy(body + 6 + n, "\"}", 2);
	/* An escape and a multi-byte character in the middle of it. */
	memcpy(body + 6 + n / 2, "\\n\xc3\xa9", 4);
	CHECK(bt_parse(body, len, &b) == 0);
	CHECK(b.valid && b.nitems == 1 && b.items[0].kind == BT_EVENT);
	CHECK(b.text_len == len && memcmp(b.text, body, len) == 0);
	CHECK(clock() - t0 < 10 * CLOCKS_PER_SEC);
	bt_free(&b);
	free(body);
	return 0;
}

static int
free_resets_batch(void)
{
	struct bt_batch	 b;

	CHECK(bt_parse(LIT("[{}]"), &b) == 0 && b.nitems == 1);
	bt_free(&b);
	CHECK(b.text == NULL && b.items == NULL && b.nitems == 0);
	bt_free(&b);
	return 0;
}

static int
members_flat(void)
{
	static const char obj[] = "{\"a\":1,\"bc\":\"x\",\"d\":null}";
	struct bt_member m[4];

	CHECK(bt_members(LIT(obj), m, 4) == 3);
	CHECK_MEM(obj + m[0].name_off, m[0].name_len, "\"a\"", 3);
	CHECK_MEM(obj + m[0].val_off, m[0].val_len, "1", 1);
	CHECK_MEM(obj + m[1].name_off, m[1].name_len, "\"bc\"", 4);
	CHECK_MEM(obj + m[1].val_off, m[1].val_len, "\"x\"", 3);
	CHECK_MEM(obj + m[2].name_off, m[2].name_len, "\"d\"", 3);
	CHECK_MEM(obj + m[2].val_off, m[2].val_len, "null", 4);
	return 0;
}

static int
members_nested_values(void)
{
	static const char obj[] =
	    "{\"a\":{\"b\":[1,{\"c\":\"}]\"}]},\"d\":[[],{}],\"e\":-2.5}";
	struct bt_member m[4];

	CHECK(bt_members(LIT(obj), m, 4) == 3);
	CHECK_MEM(obj + m[0].val_off, m[0].val_len,
	    "{\"b\":[1,{\"c\":\"}]\"}]}", 20);
	CHECK_MEM(obj + m[1].name_off, m[1].name_len, "\"d\"", 3);
	CHECK_MEM(obj + m[1].val_off, m[1].val_len, "[[],{}]", 7);
	CHECK_MEM(obj + m[2].val_off, m[2].val_len, "-2.5", 4);
	return 0;
}

static int
members_escaped_quotes(void)
{
	static const char obj[] =
	    "{\"k\\\"}\":\"v\\\\\",\"x\":\"\\\"},\\\\\\\"\",\"y\":1}";
	struct bt_member m[4];

	CHECK(bt_members(LIT(obj), m, 4) == 3);
	CHECK_MEM(obj + m[0].name_off, m[0].name_len, "\"k\\\"}\"", 6);
	CHECK_MEM(obj + m[0].val_off, m[0].val_len, "\"v\\\\\"", 5);
	CHECK_MEM(obj + m[1].val_off, m[1].val_len, "\"\\\"},\\\\\\\"\"", 10);
	CHECK_MEM(obj + m[2].name_off, m[2].name_len, "\"y\"", 3);
	CHECK_MEM(obj + m[2].val_off, m[2].val_len, "1", 1);
	return 0;
}

static int
members_more_than_max(void)
{
	static const char obj[] = "{\"a\":1,\"b\":2,\"c\":3}";
	struct bt_member m[2] = { { 99, 99, 99, 99 }, { 99, 99, 99, 99 } };

	CHECK(bt_members(LIT(obj), m, 1) == 3);
	CHECK_MEM(obj + m[0].name_off, m[0].name_len, "\"a\"", 3);
	CHECK(m[1].name_off == 99 && m[1].val_len == 99);
	CHECK(bt_members(LIT(obj), NULL, 0) == 3);
	return 0;
}

static int
members_empty_object(void)
{
	struct bt_member m[1];

	CHECK(bt_members(LIT("{}"), m, 1) == 0);
	return 0;
}

static int
members_of_parsed_event(void)
{
	static const char body[] = "[ {\"iid\" : \"1\" , \"s\" : [ 1 , 2 ]} ]";
	struct bt_batch	 b;
	struct bt_member m[2];

	CHECK(bt_parse(LIT(body), &b) == 0 && b.nitems == 1);
	CHECK(bt_members(b.text, b.text_len, m, 2) == 2);
	CHECK_MEM(b.text + m[1].val_off, m[1].val_len, "[1,2]", 5);
	bt_free(&b);
	return 0;
}

/* Whether every event's noted members are those bt_members finds in its text. */
static int
same_members(const struct bt_batch *b)
{
	struct bt_member m[64], want[64];
	size_t		 i, j, n;

	for (i = 0; i < b->nitems; i++) {
		const struct bt_item *it = &b->items[i];

		if (it->kind != BT_EVENT)
			continue;
		n = bt_members(b->text + it->text_off, it->text_len, want, 64);
		CHECK(n <= 64 && bt_item_members(b, it, m, 64) == n);
		for (j = 0; j < n; j++)
			CHECK(m[j].name_off == want[j].name_off &&
			    m[j].name_len == want[j].name_len &&
			    m[j].val_off == want[j].val_off &&
			    m[j].val_len == want[j].val_len);
	}
	return 0;
}

static int
members_noted_by_parse(void)
{
	static const char body[] = "[ {} , [ {\"x\":1} ] , { \"a\\\"\" : { \"b\" : "
	    "[ 1 , {} ] } , \"c\" :\"}\\\\\" ,\"d\":-1e5 , \"\":{ }} ,\n"
	    "{\"iid\":\"2\",\"iid\":null,\"e\":[[],[{}]] } ]";
	static const char *const fixtures[] = {
		"bulk-campaign.json", "triggered-campaign.json", "edge.json",
		"mixed.json"
	};
	struct bt_batch	 b;
	char		*f;
	size_t		 i, len;

	CHECK(bt_parse(LIT(body), &b) == 0 && b.valid && b.nitems == 4);
	CHECK(b.items[0].nmembers == 0 && b.items[2].nmembers == 4 &&
	    b.items[3].nmembers == 3);
	CHECK(same_members(&b) == 0);
	bt_free(&b);
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		CHECK((f = read_fixture(fixtures[i], &len)) != NULL);
		CHECK(bt_parse(f, len, &b) == 0 && b.valid && b.nitems > 0);
		CHECK(same_members(&b) == 0);
		bt_free(&b);
		free(f);
	}
	return 0;
}

static int
unescape_simple_escapes(void)
{
	static const char s[] = "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"";
	char	 out[sizeof(s)];

	CHECK_MEM(out, bt_unescape(LIT(s), out), "\"\\/\b\f\n\r\t", 8);
	return 0;
}

static int
unescape_nul_dropped(void)
{
	static const char s[] = "\"a\\u0000b\\u0000\"";
	char	 out[sizeof(s)];

	CHECK_MEM(out, bt_unescape(LIT(s), out), "ab", 2);
	return 0;
}

static int
unescape_surrogate_pair(void)
{
	static const char s[] = "\"\\uD83D\\uDE00\\ud834\\udd1e\"";
	char	 out[sizeof(s)];

	CHECK_MEM(out, bt_unescape(LIT(s), out),
	    "\xf0\x9f\x98\x80\xf0\x9d\x84\x9e", 8);
	return 0;
}

static int
unescape_lone_surrogate(void)
{
	static const char s[] = "\"\\uD83Dx\\uDE00\\uD83D\\u0041\\uD83D\"";
	char	 out[sizeof(s)];

	CHECK_MEM(out, bt_unescape(LIT(s), out),
	    "\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbd" "A\xef\xbf\xbd", 14);
	return 0;
}

static int
unescape_bmp_escapes(void)
{
	static const char s[] = "\"\\u0041\\u00e9\\u07FF\\u0800\\uFFFF\"";
	char	 out[sizeof(s)];

	CHECK_MEM(out, bt_unescape(LIT(s), out),
	    "A\xc3\xa9\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 11);
	return 0;
}

static int
unescape_utf8_passes_through(void)
{
	static const char s[] = "\"caf\xc3\xa9 \xf0\x9f\x98\x80 plain\"";
	char	 out[sizeof(s)];

	CHECK_MEM(out, bt_unescape(LIT(s), out), s + 1, sizeof(s) - 3);
	return 0;
}

static int
unescape_fits_in_len(void)
{
	static const char *const s[] = {
		"\"\\uD83D\\uDE00\"", "\"\\u0800\"", "\"\\uDE00\"", "\"\\n\"",
		"\"\\uFFFF\\uD800\"", "\"\"",
	};
	char	 out[32];
	size_t	 i, len, n;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		len = strlen(s[i]);
		memset(out, '#', sizeof(out));
		n = bt_unescape(s[i], len, out);
		CHECK(n <= len - 2);
		CHECK(out[len - 2] == '#');
	}
	return 0;
}

static const struct test tests[] = {
	T(fixture_bulk),
	T(fixture_triggered),
	T(fixture_spans_as_sent),
	T(texts_back_to_back),
	T(object_is_batch_of_one),
	T(mixed_array_kinds_and_spans),
	T(scalar_top_level_is_reject),
	T(empty_body_is_valid),
	T(blank_body_is_valid),
	T(empty_array_has_no_items),
	T(compact_keeps_escapes),
	T(compact_keeps_utf8),
	T(compact_keeps_numbers),
	T(compact_keeps_order_and_duplicates),
	T(compact_nested_values),
	T(white_space_in_strings_kept),
	T(compact_body_is_unchanged),
	T(valid_numbers),
	T(valid_utf8_boundaries),
	T(valid_literals),
	T(invalid_truncated),
	T(invalid_trailing_garbage),
	T(invalid_trailing_comma_array),
	T(invalid_trailing_comma_object),
	T(invalid_single_quotes),
	T(invalid_nul_byte),
	T(invalid_raw_control_char),
	T(invalid_utf8_lone_continuation),
	T(invalid_utf8_overlong),
	T(invalid_utf8_surrogate),
	T(invalid_utf8_above_max),
	T(invalid_utf8_truncated),
	T(invalid_utf8_outside_string),
	T(invalid_escape),
	T(invalid_unicode_escape),
	T(invalid_leading_zero),
	T(invalid_lone_minus),
	T(invalid_number_forms),
	T(invalid_literals),
	T(invalid_separators),
	T(invalid_member_name),
	T(invalid_white_space),
	T(invalid_mismatched_brackets),
	T(invalid_drops_parsed_events),
	T(deep_nesting_valid),
	T(deep_nesting_unbalanced),
	T(deep_nesting_in_event),
	T(many_elements),
	T(huge_string_is_linear),
	T(free_resets_batch),
	T(members_flat),
	T(members_nested_values),
	T(members_escaped_quotes),
	T(members_more_than_max),
	T(members_empty_object),
	T(members_of_parsed_event),
	T(members_noted_by_parse),
	T(unescape_simple_escapes),
	T(unescape_nul_dropped),
	T(unescape_surrogate_pair),
	T(unescape_lone_surrogate),
	T(unescape_bmp_escapes),
	T(unescape_utf8_passes_through),
	T(unescape_fits_in_len),
};

TEST_MAIN(tests)

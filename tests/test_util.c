/* Unit tests: numbers, days, stamps and the key hash. */
#include <stdint.h>

#include "test.h"
#include "util.h"

static int
strtonum_accepts_range(void)
{
	const char	*why;

	CHECK(ut_strtonum("0", 0, 10, &why) == 0 && why == NULL);
	CHECK(ut_strtonum("10", 0, 10, &why) == 10 && why == NULL);
	CHECK(ut_strtonum("-5", -10, 10, &why) == -5 && why == NULL);
	return 0;
}

static int
strtonum_says_why(void)
{
	const char	*why;

	ut_strtonum("11", 0, 10, &why);
	CHECK_STR(why, "too large");
	ut_strtonum("-1", 0, 10, &why);
	CHECK_STR(why, "invalid");	/* no sign where none is allowed */
	ut_strtonum("1x", 0, 10, &why);
	CHECK_STR(why, "invalid");
	ut_strtonum("", 0, 10, &why);
	CHECK_STR(why, "invalid");
	ut_strtonum(" 1", 0, 10, &why);
	CHECK_STR(why, "invalid");
	ut_strtonum("99999999999999999999999", 0, 10, &why);
	CHECK_STR(why, "too large");
	return 0;
}

static int
days_round_trip(void)
{
	char	 buf[11];
	int	 d;

	CHECK(ut_days_from_civil(1970, 1, 1) == 0);
	CHECK(ut_days_from_civil(2000, 3, 1) == 11017);
	for (d = -800; d < 80000; d += 37) {
		ut_format_day(d + 20000, buf);
		CHECK(ut_parse_day(buf) == d + 20000);
	}
	ut_format_day(ut_days_from_civil(2024, 2, 29), buf);
	CHECK_STR(buf, "2024-02-29");
	return 0;
}

static int
parse_day_rejects_malformed(void)
{
	CHECK(ut_parse_day("2023-09-14") == ut_days_from_civil(2023, 9, 14));
	CHECK(ut_parse_day("2023-9-14") == -1);
	CHECK(ut_parse_day("2023-13-01") == -1);
	CHECK(ut_parse_day("2023-09-14x") == -1);
	CHECK(ut_parse_day("../../etc/x") == -1);
	return 0;
}

static int
utc_stamp_format(void)
{
	char	 buf[21];

	ut_utc_stamp((time_t)1694680203, buf);
	CHECK_STR(buf, "2023-09-14T08:30:03Z");
	return 0;
}

static int
local_day_follows_tz(void)
{
	time_t	 t = 1694649600 + 22 * 3600;	/* 2023-09-14T22:00:00Z */

	setenv("TZ", ":UTC", 1);
	tzset();
	CHECK(ut_local_day(t) == ut_days_from_civil(2023, 9, 14));
	setenv("TZ", ":Europe/Kyiv", 1);	/* UTC+3 in September */
	tzset();
	CHECK(ut_local_day(t) == ut_days_from_civil(2023, 9, 15));
	return 0;
}

static int
hash_ignores_chunking(void)
{
	static const char	 msg[] = "the same bytes, fed in pieces of any size";
	struct ut_hash		 h;
	uint64_t		 whole[2], parts[2];
	size_t			 i, step;

	ut_hash_init(&h);
	ut_hash_update(&h, msg, sizeof(msg) - 1);
	ut_hash_final(&h, whole);
	for (step = 1; step < 12; step++) {
		ut_hash_init(&h);
		for (i = 0; i < sizeof(msg) - 1; i += step)
			ut_hash_update(&h, msg + i, i + step > sizeof(msg) - 1 ?
			    sizeof(msg) - 1 - i : step);
		ut_hash_final(&h, parts);
		CHECK(parts[0] == whole[0] && parts[1] == whole[1]);
	}
	return 0;
}

static int
hash_is_unchanged(void)
{
	/* The index holds these hashes: a change must come with SP_FORMAT's. */
	static const char	 iid[] = "43f5daa0-0000-11ee-f48e-000000100000";
	struct ut_hash		 h;
	uint64_t		 len = sizeof(iid) - 1, k[2];

	ut_hash_init(&h);
	ut_hash_update(&h, "V\x01", 2);
	ut_hash_update(&h, &len, sizeof(len));
	ut_hash_update(&h, iid, sizeof(iid) - 1);
	ut_hash_final(&h, k);
	CHECK(k[0] == 0x5a4b839860616740ULL && k[1] == 0xedfac72dd0f2a79fULL);
	return 0;
}

static int
hash_differs_by_one_byte(void)
{
	struct ut_hash	 h;
	uint64_t	 a[2], b[2];

	ut_hash_init(&h);
	ut_hash_update(&h, "DELIVERED", 9);
	ut_hash_final(&h, a);
	ut_hash_init(&h);
	ut_hash_update(&h, "DELIVERES", 9);
	ut_hash_final(&h, b);
	CHECK(a[0] != b[0] && a[1] != b[1]);
	return 0;
}

static int
buf_grows(void)
{
	struct ut_buf	 b = { 0 };
	int		 i;

	for (i = 0; i < 10000; i++)
		CHECK(ut_buf_addc(&b, (char)('a' + i % 26)) == 0);
	CHECK(b.len == 10000 && b.p[9999] == 'a' + 9999 % 26);
	ut_buf_free(&b);
	return 0;
}

/* --max-silence and the probe's max_silence=: a number and one unit. */
static int
duration_units(void)
{
	CHECK(ut_parse_duration("90s") == 90);
	CHECK(ut_parse_duration("30m") == 1800);
	CHECK(ut_parse_duration("6h") == 21600);
	CHECK(ut_parse_duration("2d") == 172800);
	CHECK(ut_parse_duration("3650d") == 3650LL * 86400);
	return 0;
}

static int
duration_refused(void)
{
	CHECK(ut_parse_duration("") == -1);
	CHECK(ut_parse_duration("6") == -1);
	CHECK(ut_parse_duration("h") == -1);
	CHECK(ut_parse_duration("0h") == -1);
	CHECK(ut_parse_duration("-1h") == -1);
	CHECK(ut_parse_duration("6 h") == -1);
	CHECK(ut_parse_duration("6hh") == -1);
	CHECK(ut_parse_duration("6w") == -1);
	CHECK(ut_parse_duration("3651d") == -1);
	CHECK(ut_parse_duration("99999999999999999999h") == -1);
	return 0;
}

/* The cause of a 503 is the first line logged since the mark. */
static int
log_first_since_mark(void)
{
	ut_log_mark();
	CHECK(strcmp(ut_log_first(), "") == 0);
	ut_log("appending to the archive: %s", "No space left on device");
	ut_log("a later line");
	CHECK(strcmp(ut_log_first(), "appending to the archive: No space left on device") == 0);
	ut_log_mark();
	CHECK(strcmp(ut_log_first(), "") == 0);
	return 0;
}

static const struct test tests[] = {
	T(strtonum_accepts_range),
	T(duration_units),
	T(duration_refused),
	T(log_first_since_mark),
	T(strtonum_says_why),
	T(days_round_trip),
	T(parse_day_rejects_malformed),
	T(utc_stamp_format),
	T(local_day_follows_tz),
	T(hash_ignores_chunking),
	T(hash_is_unchanged),
	T(hash_differs_by_one_byte),
	T(buf_grows),
};

TEST_MAIN(tests)

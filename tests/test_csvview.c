/* Unit tests: CSV rows, quoting, formula guard, summary and checkpoint. */
#include <sys/stat.h>

#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include "csvview.h"
#include "fsio.h"
#include "test.h"

#define DAY	19614	/* 2023-09-14 */
#define STAMP	"2023-09-14T10:00:00Z"

static char	 csvdir[4200], viewsdir[4200];
static struct cv_ctx cx;

static int
setup(int guard)
{
	const char	*dir = test_tmpdir();

	if (dir == NULL)
		return -1;
	snprintf(csvdir, sizeof(csvdir), "%s/csv", dir);
	snprintf(viewsdir, sizeof(viewsdir), "%s/views", dir);
	cx.csv_dir = csvdir;
	cx.views_dir = viewsdir;
	cx.guard = guard;
	cx.max_files = 64;
	return fio_mkdir(viewsdir, 0700) == 1 ? 0 : -1;
}

/* Add the events (compact object texts) to a fresh day and commit. */
static int
write_events(const char *const *texts, size_t n, struct cv_day *d)
{
	struct ev	 e = { 0 };
	size_t		 i;

	memset(d, 0, sizeof(*d));
	d->day = DAY;
	for (i = 0; i < n; i++)
		if (ev_parse(&e, texts[i], strlen(texts[i]), 0) != 0 ||
		    cv_add(&cx, d, &e, STAMP) != 0)
			return -1;
	ev_free(&e);
	return cv_commit(&cx, d, 100, CV_DURABLE | CV_SUMMARY) == CV_OK ? 0 : -1;
}

static char *
read_file(const char *name, size_t *len)
{
	char	 path[8400], *p = NULL;

	snprintf(path, sizeof(path), "%s/2023-09-14/%s", csvdir, name);
	if (fio_slurp(path, &p, len) == -1)
		return NULL;
	return p;
}

/* The data row (second line) of STATUS.csv, CRLF removed. */
static const char *
row_of(const char *status)
{
	static char	 row[8192];
	char		 name[64], *p, *s, *e;
	size_t		 len;

	snprintf(name, sizeof(name), "%s.csv", status);
	row[0] = '\0';
	if ((p = read_file(name, &len)) == NULL)
		return row;
	if ((s = strstr(p, "\r\n")) != NULL && (e = strstr(s + 2, "\r\n")) != NULL) {
		*e = '\0';
		snprintf(row, sizeof(row), "%s", s + 2);
	}
	free(p);
	return row;
}

static int
one(const char *text, int guard)
{
	struct cv_day	 d;
	int		 rc;

	if (setup(guard) == -1)
		return -1;
	rc = write_events(&text, 1, &d);
	cv_free(&d);
	return rc;
}

static int
row_of_fixture_event(void)
{
	CHECK(one("{\"broadcastId\":3459207,\"messageName\":\"test\",\"hardBounce\":false,"
	    "\"iid\":\"99d591ab-e7a5-49ed-8e16-b3023378fc18\",\"contactId\":1967597908,"
	    "\"externalCustomerId\":\"789456512\",\"email\":\"test1@yourdomain.com\","
	    "\"mediaType\":\"email\",\"activityStatus\":\"UNDELIVERED\",\"messageId\":2489300,"
	    "\"messageInstanceId\":4702518,\"activityDateTime\":\"2023-09-14T08:30:07\","
	    "\"statusDescription\":\"5.1.2 (bad destination system: no such domain)\","
	    "\"viewMessageLink\":\"https://u51739.esclick.me/J9o6EvyAKGmB\",\"statusData\":{}}", 1) == 0);
	CHECK_STR(row_of("UNDELIVERED"),
	    STAMP ",2023-09-14T08:30:07,UNDELIVERED,email,1967597908,789456512,"
	    "test1@yourdomain.com,,,,,,2489300,4702518,test,,,3459207,,,,,,,,"
	    "https://u51739.esclick.me/J9o6EvyAKGmB,false,"
	    "5.1.2 (bad destination system: no such domain),{},,,,,"
	    "99d591ab-e7a5-49ed-8e16-b3023378fc18,");
	return 0;
}

static int
header_row_first(void)
{
	char	*p;
	size_t	 len;

	CHECK(one("{\"activityStatus\":\"READ\"}", 1) == 0);
	CHECK((p = read_file("READ.csv", &len)) != NULL);
	CHECK(len > strlen(cv_header) && memcmp(p, cv_header, strlen(cv_header)) == 0);
	CHECK(strncmp(cv_header, "receivedAt,activityDateTime,", 28) == 0);
	CHECK(strstr(cv_header, ",iid,extra\r\n") != NULL);
	free(p);
	return 0;
}

static int
comma_cell_is_quoted(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"messageTag\":\"tag2,tag,test\"}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",\"tag2,tag,test\",") != NULL);
	return 0;
}

static int
quote_cell_is_doubled(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"messageName\":\"say \\\"hi\\\"\"}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",\"say \"\"hi\"\"\",") != NULL);
	return 0;
}

static int
newline_cell_is_quoted(void)
{
	char	*p;
	size_t	 len;

	CHECK(one("{\"activityStatus\":\"READ\",\"messageName\":\"a\\r\\nb\"}", 1) == 0);
	CHECK((p = read_file("READ.csv", &len)) != NULL);
	CHECK(strstr(p, ",\"a\r\nb\",") != NULL);
	free(p);
	return 0;
}

static int
formula_guard_prefixes_text(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"messageName\":\"=HYPERLINK(1)\","
	    "\"messageTag\":\"-x\",\"statusDescription\":\"@a\",\"email\":\"+1\","
	    "\"from\":\"\\tz\"}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",'=HYPERLINK(1),") != NULL);
	CHECK(strstr(row_of("READ"), ",'-x,") != NULL);
	CHECK(strstr(row_of("READ"), ",'@a,") != NULL);
	CHECK(strstr(row_of("READ"), ",'+1,") != NULL);
	CHECK(strstr(row_of("READ"), ",'\tz,") != NULL);
	return 0;
}

/* The cell of messageName holding the JSON string text, as written. */
static const char *
name_cell(const char *json_string)
{
	static char	 buf[512];
	const char	*r, *p, *q;

	snprintf(buf, sizeof(buf), "{\"activityStatus\":\"READ\",\"messageName\":%s}", json_string);
	if (one(buf, 1) != 0)
		return "";
	/* Column 14: receivedAt, activityDateTime, ..., messageName. */
	r = row_of("READ");
	p = strstr(r, ",READ,,,,,,,,,,,,");
	if (p == NULL)
		return "";
	p += strlen(",READ,,,,,,,,,,,,");
	q = strstr(p, ",,,,");
	snprintf(buf, sizeof(buf), "%.*s", (int)(q ? q - p : (long)strlen(p)), p);
	return buf;
}

static int
formula_guard_newline_first(void)
{
	CHECK_STR(name_cell("\"\\n=1+1\""), "\"'\n=1+1\"");
	CHECK_STR(name_cell("\"\\r=1+1\""), "\"'\r=1+1\"");
	return 0;
}

static int
formula_guard_after_spaces(void)
{
	CHECK_STR(name_cell("\" =1+1\""), "' =1+1");
	CHECK_STR(name_cell("\"   -2\""), "'   -2");
	CHECK_STR(name_cell("\" a=1\""), " a=1");
	return 0;
}

static int
formula_guard_after_unicode_spaces(void)
{
	CHECK_STR(name_cell("\"\\u00a0=1+1\""), "'\xc2\xa0=1+1");
	CHECK_STR(name_cell("\"\\u200b+1\""), "'\xe2\x80\x8b+1");
	CHECK_STR(name_cell("\"\xef\xbb\xbf @x\""), "'\xef\xbb\xbf @x");
	CHECK_STR(name_cell("\"\\u00a0x\""), "\xc2\xa0x");
	return 0;
}

static int
formula_guard_fullwidth_signs(void)
{
	CHECK_STR(name_cell("\"\xef\xbc\x9d" "1+1\""), "'\xef\xbc\x9d" "1+1");
	CHECK_STR(name_cell("\" \\uff0b1\""), "' \xef\xbc\x8b" "1");
	CHECK_STR(name_cell("\"\\uff0d1\""), "'\xef\xbc\x8d" "1");
	CHECK_STR(name_cell("\"\\u00a0\\uff20x\""), "'\xc2\xa0\xef\xbc\xa0x");
	return 0;
}

static int
formula_guard_off(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"messageName\":\"=1+1\"}", 0) == 0);
	CHECK(strstr(row_of("READ"), ",=1+1,") != NULL);
	return 0;
}

static int
negative_number_not_guarded(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"contactId\":-5}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",READ,,-5,") != NULL);
	return 0;
}

static int
big_integer_exact(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"contactId\":123456789012345678901}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",123456789012345678901,") != NULL);
	return 0;
}

static int
escapes_decoded_nul_dropped(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"messageName\":\"a\\u0000b\\u00e9\\ud83d\\ude00\\/\"}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",ab\xc3\xa9\xf0\x9f\x98\x80/,") != NULL);
	return 0;
}

static int
null_member_is_empty(void)
{
	CHECK(one("{\"activityStatus\":\"READ\",\"email\":null,\"messageName\":\"n\"}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",READ,,,,,,,,,,,,n,") != NULL);
	return 0;
}

static int
extra_holds_other_members(void)
{
	CHECK(one("{\"zeta\":[1,2],\"activityStatus\":\"READ\",\"alpha\":{\"b\":true}}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",\"{\"\"zeta\"\":[1,2],\"\"alpha\"\":{\"\"b\"\":true}}\"") != NULL);
	return 0;
}

static int
last_duplicate_column_wins(void)
{
	/* The earlier messageName is neither the cell nor in extra. */
	CHECK(one("{\"activityStatus\":\"READ\",\"messageName\":\"first\","
	    "\"message\\u004eame\":\"last\"}", 1) == 0);
	CHECK_STR(row_of("READ"), STAMP ",,READ,,,,,,,,,,,,last,,,,,,,,,,,,,,,,,,,,");
	return 0;
}

static int
last_duplicate_extra_member_wins(void)
{
	CHECK(one("{\"z\":1,\"activityStatus\":\"READ\",\"a\":2,\"\\u007a\":3}", 1) == 0);
	CHECK(strstr(row_of("READ"), ",\"{\"\"a\"\":2,\"\"\\u007a\"\":3}\"") != NULL);
	return 0;
}

static int
other_status_file(void)
{
	CHECK(one("{\"activityStatus\":\"../x\"}", 1) == 0);
	CHECK(strstr(row_of("OTHER"), ",../x,") != NULL);
	return 0;
}

static int
summary_sorted_and_counted(void)
{
	static const char *const ev[] = {
		"{\"activityStatus\":\"READ\",\"mediaType\":\"sms\",\"messageId\":2,\"messageName\":\"b\"}",
		"{\"activityStatus\":\"DELIVERED\",\"mediaType\":\"email\",\"messageId\":1,\"messageName\":\"a,x\"}",
		"{\"activityStatus\":\"READ\",\"mediaType\":\"sms\",\"messageId\":2,\"messageName\":\"b\"}",
		"{\"activityStatus\":\"delivered\",\"mediaType\":\"email\",\"messageId\":1}",
		"{\"activityStatus\":\"DELIVERED\",\"mediaType\":\"email\",\"messageId\":10,\"messageName\":\"a,x\"}",
	};
	struct cv_day	 d;
	char		*p;
	size_t		 len;

	CHECK(setup(1) == 0);
	CHECK(write_events(ev, 5, &d) == 0);
	cv_free(&d);
	CHECK((p = read_file("summary.csv", &len)) != NULL);
	CHECK_STR(p, "activityStatus,mediaType,messageId,messageName,events\r\n"
	    "DELIVERED,email,1,\"a,x\",1\r\n"
	    "DELIVERED,email,10,\"a,x\",1\r\n"
	    "OTHER,email,1,,1\r\n"
	    "READ,sms,2,b,2\r\n");
	free(p);
	return 0;
}

static int
checkpoint_round_trip(void)
{
	static const char *const ev[] = {
		"{\"activityStatus\":\"READ\",\"mediaType\":\"sms\",\"messageName\":\"x\\ny\"}",
		"{\"activityStatus\":\"CLICKED\",\"mediaType\":\"email\"}",
	};
	struct cv_day	 d, back;
	int		 trusted;

	CHECK(setup(1) == 0);
	CHECK(write_events(ev, 2, &d) == 0);
	CHECK(cv_load(&cx, DAY, &back, &trusted) == CV_OK);
	CHECK(trusted == 1);
	CHECK(back.archive_len == 100);
	CHECK(back.nfiles == 2 && back.nsums == 2);
	CHECK(back.files[0].len == d.files[0].len && back.files[1].len == d.files[1].len);
	CHECK(back.sums[1].count == 1 && back.sums[1].len[3] == 3);
	cv_free(&d);
	cv_free(&back);
	return 0;
}

static int
absent_checkpoint_is_empty_day(void)
{
	struct cv_day	 d;
	int		 trusted;

	CHECK(setup(1) == 0);
	CHECK(cv_load(&cx, DAY, &d, &trusted) == CV_OK);
	CHECK(d.archive_len == 0 && d.nfiles == 0 && d.nsums == 0);
	return 0;
}

/* Write the day's checkpoint as text: 0, or -1. */
static int
write_ckpt(const char *text)
{
	char	 path[8400];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/2023-09-14.ckpt", viewsdir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

static int
corrupt_checkpoint_reported(void)
{
	struct cv_day	 d;
	int		 trusted;

	CHECK(setup(1) == 0);
	CHECK(write_ckpt("yespo-hook-views 3\narchive 12\ndurable 0\nboot \nfile READ") == 0);
	CHECK(cv_load(&cx, DAY, &d, &trusted) == CV_REBUILD);
	CHECK(d.nfiles == 0);
	return 0;
}

static int
residue_beyond_checkpoint_overwritten(void)
{
	static const char *const ev[] = { "{\"activityStatus\":\"READ\",\"messageName\":\"one\"}" };
	struct cv_day	 d;
	struct ev	 e = { 0 };
	char		 path[8400], *p;
	size_t		 len;
	FILE		*f;

	CHECK(setup(1) == 0);
	CHECK(write_events(ev, 1, &d) == 0);
	/* A crashed writer left half a row after the checkpointed length. */
	snprintf(path, sizeof(path), "%s/2023-09-14/READ.csv", csvdir);
	CHECK((f = fopen(path, "a")) != NULL);
	fputs("2023-09-14T10:00:00Z,half a r", f);
	fclose(f);
	CHECK(ev_parse(&e, "{\"activityStatus\":\"READ\",\"messageName\":\"two\"}", 45, 0) == 0);
	CHECK(cv_add(&cx, &d, &e, STAMP) == 0);
	CHECK(cv_commit(&cx, &d, 200, 0) == CV_OK);
	CHECK((p = read_file("READ.csv", &len)) != NULL);
	CHECK(strstr(p, "half a r") == NULL);
	CHECK(strstr(p, ",one,") != NULL && strstr(p, ",two,") != NULL);
	free(p);
	ev_free(&e);
	cv_free(&d);
	return 0;
}

static int
shorter_file_asks_rebuild(void)
{
	static const char *const ev[] = { "{\"activityStatus\":\"READ\"}" };
	struct cv_day	 d;
	struct ev	 e = { 0 };
	char		 path[8400];

	CHECK(setup(1) == 0);
	CHECK(write_events(ev, 1, &d) == 0);
	snprintf(path, sizeof(path), "%s/2023-09-14/READ.csv", csvdir);
	CHECK(truncate(path, 10) == 0);
	CHECK(ev_parse(&e, ev[0], strlen(ev[0]), 0) == 0);
	CHECK(cv_add(&cx, &d, &e, STAMP) == 0);
	CHECK(cv_commit(&cx, &d, 200, 0) == CV_REBUILD);
	ev_free(&e);
	cv_free(&d);
	return 0;
}

static int
reset_removes_unknown_status_files(void)
{
	static const char *const ev[] = { "{\"activityStatus\":\"READ\"}" };
	struct cv_day	 d;
	char		 path[8400];
	FILE		*f;

	CHECK(setup(1) == 0);
	CHECK(write_events(ev, 1, &d) == 0);
	snprintf(path, sizeof(path), "%s/2023-09-14/CLICKED.csv", csvdir);
	CHECK((f = fopen(path, "w")) != NULL);
	fclose(f);
	snprintf(path, sizeof(path), "%s/2023-09-14/notes.csv", csvdir);
	CHECK((f = fopen(path, "w")) != NULL);
	fclose(f);
	CHECK(cv_reset(&cx, &d) == CV_OK);
	snprintf(path, sizeof(path), "%s/2023-09-14/CLICKED.csv", csvdir);
	CHECK(access(path, F_OK) == -1);
	snprintf(path, sizeof(path), "%s/2023-09-14/notes.csv", csvdir);
	CHECK(access(path, F_OK) == 0);
	snprintf(path, sizeof(path), "%s/2023-09-14/READ.csv", csvdir);
	CHECK(access(path, F_OK) == 0);
	cv_free(&d);
	return 0;
}

static int
reset_cuts_rows_past_recorded_length(void)
{
	static const char *const ev[] = { "{\"activityStatus\":\"READ\"}" };
	struct cv_day	 d;
	struct stat	 st1, st2;
	char		 path[8400];
	FILE		*f;

	CHECK(setup(1) == 0);
	CHECK(write_events(ev, 1, &d) == 0);
	snprintf(path, sizeof(path), "%s/2023-09-14/READ.csv", csvdir);
	CHECK(stat(path, &st1) == 0);
	CHECK((f = fopen(path, "a")) != NULL);
	fputs("a row no state knows\r\n", f);
	fclose(f);
	CHECK(cv_reset(&cx, &d) == CV_OK);
	CHECK(stat(path, &st2) == 0);
	CHECK(st1.st_size == st2.st_size);
	CHECK(truncate(path, 5) == 0);
	CHECK(cv_reset(&cx, &d) == CV_REBUILD);
	cv_free(&d);
	return 0;
}

static int
hint_of_other_boot_not_trusted(void)
{
	static const char *const ev[] = { "{\"activityStatus\":\"READ\"}" };
	struct cv_day	 d, back;
	char		 path[8400], *p, *b;
	size_t		 len;
	FILE		*f;
	int		 trusted;

	CHECK(setup(1) == 0);
	CHECK(write_events(ev, 1, &d) == 0);
	snprintf(path, sizeof(path), "%s/2023-09-14.hint", viewsdir);
	CHECK(fio_slurp(path, &p, &len) == 0);
	CHECK((b = strstr(p, "boot ")) != NULL && b[5] != '\n');
	b[5] = b[5] == '0' ? '1' : '0';	/* as if written before a reboot */
	CHECK((f = fopen(path, "w")) != NULL);
	fwrite(p, 1, len, f);
	fclose(f);
	free(p);
	CHECK(cv_load(&cx, DAY, &back, &trusted) == CV_OK);
	CHECK(trusted == 0);
	CHECK(back.archive_len == 100);		/* from the checkpoint */
	cv_free(&back);
	cv_free(&d);
	return 0;
}

static int
light_commit_writes_no_checkpoint(void)
{
	struct cv_day	 d;
	struct ev	 e = { 0 };
	char		 path[8400];
	int		 trusted;

	CHECK(setup(1) == 0);
	memset(&d, 0, sizeof(d));
	d.day = DAY;
	CHECK(ev_parse(&e, "{\"activityStatus\":\"READ\"}", 25, 0) == 0);
	CHECK(cv_add(&cx, &d, &e, STAMP) == 0);
	CHECK(cv_commit(&cx, &d, 50, 0) == CV_OK);
	snprintf(path, sizeof(path), "%s/2023-09-14.ckpt", viewsdir);
	CHECK(access(path, F_OK) == -1);
	cv_free(&d);
	CHECK(cv_load(&cx, DAY, &d, &trusted) == CV_OK);
	CHECK(trusted == 1 && d.archive_len == 50 && d.nfiles == 1);
	ev_free(&e);
	cv_free(&d);
	return 0;
}

/* Add n events of distinct messages to d, ids from first on. */
static int
add_messages(struct cv_day *d, int first, int n)
{
	struct ev	 e = { 0 };
	char		 text[128];
	int		 i, len;

	for (i = first; i < first + n; i++) {
		len = snprintf(text, sizeof(text), "{\"activityStatus\":\"READ\","
		    "\"messageId\":%d,\"messageName\":\"message number %d\"}", i, i);
		if (ev_parse(&e, text, (size_t)len, 0) != 0 || cv_add(&cx, d, &e, STAMP) != 0)
			return -1;
	}
	ev_free(&e);
	return 0;
}

static long long
state_size(const char *kind)
{
	char		 path[8400];
	struct stat	 st;

	snprintf(path, sizeof(path), "%s/2023-09-14.%s", viewsdir, kind);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/*
 * A batch writes a state whose size depends on the day's statuses, not on
 * how many summary rows the day holds: a busy day costs a batch no more.
 */
static int
state_size_independent_of_summary_rows(void)
{
	struct cv_day	 d;
	long long	 small;

	CHECK(setup(1) == 0);
	memset(&d, 0, sizeof(d));
	d.day = DAY;
	CHECK(add_messages(&d, 0, 1) == 0);
	CHECK(cv_commit(&cx, &d, 100, CV_DURABLE | CV_SUMMARY) == CV_OK);
	small = state_size("hint");
	CHECK(add_messages(&d, 1, 5000) == 0);
	CHECK(cv_commit(&cx, &d, 200, 0) == CV_OK);
	CHECK(state_size("hint") < small + 8);	/* a few more digits at most */
	cv_free(&d);
	return 0;
}

/* A commit without CV_SUMMARY leaves summary.csv as it was. */
static int
summary_kept_until_asked(void)
{
	struct cv_day	 d;
	char		*p;
	size_t		 len;

	CHECK(setup(1) == 0);
	memset(&d, 0, sizeof(d));
	d.day = DAY;
	CHECK(add_messages(&d, 0, 1) == 0);
	CHECK(cv_commit(&cx, &d, 100, CV_SUMMARY) == CV_OK);
	CHECK(add_messages(&d, 1, 1) == 0);
	CHECK(cv_commit(&cx, &d, 200, 0) == CV_OK);
	CHECK((p = read_file("summary.csv", &len)) != NULL);
	CHECK_STR(p, "activityStatus,mediaType,messageId,messageName,events\r\n"
	    "READ,,0,message number 0,1\r\n");
	free(p);
	CHECK(d.summary_len == 100);
	cv_free(&d);
	return 0;
}

/* The day's counts survive the journal's compaction, and only its new file stays. */
static int
journal_compacted_at_checkpoint(void)
{
	struct cv_day	 d, back;
	struct dirent	*de;
	DIR		*dp;
	int		 trusted, journals = 0;

	CHECK(setup(1) == 0);
	memset(&d, 0, sizeof(d));
	d.day = DAY;
	CHECK(add_messages(&d, 0, 10) == 0);
	CHECK(cv_commit(&cx, &d, 100, CV_DURABLE | CV_SUMMARY) == CV_OK);
	/* Each message counted again: the journal grows past twice its start. */
	CHECK(add_messages(&d, 0, 3000) == 0);
	CHECK(cv_commit(&cx, &d, 200, 0) == CV_OK);
	CHECK(add_messages(&d, 0, 3000) == 0);
	CHECK(cv_commit(&cx, &d, 300, CV_DURABLE) == CV_OK);
	CHECK(d.sums_len == d.sums_base);
	CHECK((dp = opendir(viewsdir)) != NULL);
	while ((de = readdir(dp)) != NULL)
		journals += strstr(de->d_name, ".sums") != NULL;
	closedir(dp);
	CHECK(journals == 1);
	cv_free(&d);
	CHECK(cv_load(&cx, DAY, &back, &trusted) == CV_OK);
	CHECK(back.nsums == 3000);
	CHECK(back.sums[0].count == 3);		/* message 0: three times */
	CHECK(back.sums[2999].count == 2);
	cv_free(&back);
	return 0;
}

/* A state naming a journal that is gone asks for the day anew, never a wrong count. */
static int
lost_journal_asks_rebuild(void)
{
	struct cv_day	 d;
	char		 path[8400];

	CHECK(setup(1) == 0);
	memset(&d, 0, sizeof(d));
	d.day = DAY;
	CHECK(add_messages(&d, 0, 2) == 0);
	CHECK(cv_commit(&cx, &d, 100, CV_DURABLE | CV_SUMMARY) == CV_OK);
	snprintf(path, sizeof(path), "%s/2023-09-14.%s.sums", viewsdir, d.sums_id);
	CHECK(unlink(path) == 0);
	CHECK(add_messages(&d, 2, 1) == 0);
	CHECK(cv_commit(&cx, &d, 200, CV_SUMMARY) == CV_REBUILD);
	cv_free(&d);
	return 0;
}

/* A day's state from the version that kept the counts in it: the day is made anew. */
static int
older_state_asks_rebuild(void)
{
	struct cv_day	 d;
	int		 trusted;

	CHECK(setup(1) == 0);
	CHECK(write_ckpt("yespo-hook-views 2\narchive 12\ndurable 0\nboot \nfile READ 400\n"
	    "sum 1 4 0 0 0\nREAD\nend\n") == 0);
	CHECK(cv_open(&cx, DAY, &d, &trusted) == CV_REBUILD);
	CHECK(d.nfiles == 0 && d.archive_len == 0);
	return 0;
}

static const struct test tests[] = {
	T(row_of_fixture_event),
	T(header_row_first),
	T(comma_cell_is_quoted),
	T(quote_cell_is_doubled),
	T(newline_cell_is_quoted),
	T(formula_guard_prefixes_text),
	T(formula_guard_newline_first),
	T(formula_guard_after_spaces),
	T(formula_guard_after_unicode_spaces),
	T(formula_guard_fullwidth_signs),
	T(formula_guard_off),
	T(negative_number_not_guarded),
	T(big_integer_exact),
	T(escapes_decoded_nul_dropped),
	T(null_member_is_empty),
	T(extra_holds_other_members),
	T(last_duplicate_column_wins),
	T(last_duplicate_extra_member_wins),
	T(other_status_file),
	T(summary_sorted_and_counted),
	T(checkpoint_round_trip),
	T(absent_checkpoint_is_empty_day),
	T(corrupt_checkpoint_reported),
	T(residue_beyond_checkpoint_overwritten),
	T(shorter_file_asks_rebuild),
	T(reset_removes_unknown_status_files),
	T(reset_cuts_rows_past_recorded_length),
	T(hint_of_other_boot_not_trusted),
	T(light_commit_writes_no_checkpoint),
	T(state_size_independent_of_summary_rows),
	T(summary_kept_until_asked),
	T(journal_compacted_at_checkpoint),
	T(lost_journal_asks_rebuild),
	T(older_state_asks_rebuild),
};

TEST_MAIN(tests)

/*
 * Integration tests of the ingest path through the library: storage,
 * duplicates, quarantine, crash repair, --rebuild and --verify.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "check.h"
#include "conf.h"
#include "event.h"
#include "fsio.h"
#include "index.h"
#include "ingest.h"
#include "spool.h"
#include "status.h"
#include "test.h"
#include "util.h"

#ifndef YH_TEST_DATA
#define YH_TEST_DATA "tests/data"
#endif

static struct conf	 cf;
static char		 spool[4200], csv[4200];

static int
setup(void)
{
	const char	*dir = test_tmpdir();

	if (dir == NULL)
		return -1;
	snprintf(spool, sizeof(spool), "%s/spool", dir);
	snprintf(csv, sizeof(csv), "%s/csv", dir);
	if (mkdir(spool, 0700) == -1)
		return -1;
	memset(&cf, 0, sizeof(cf));
	cf.spool_dir = spool;
	cf.csv_dir = csv;
	cf.allow_anonymous = 1;
	cf.max_body_bytes = 1 << 20;
	cf.dedup_window_days = 45;
	cf.timezone = "UTC";
	cf.csv_formula_guard = 1;
	cf.max_status_files = 64;
	cf.quarantine_max_bytes = 1 << 30;
	cf.lock_wait_ms = 20000;
	conf_use_timezone(&cf);
	return 0;
}

struct mem {
	const char	*p;
	size_t		 len, off;
};

static ssize_t
mem_read(void *ctx, void *buf, size_t len)
{
	struct mem	*m = ctx;

	if (len > m->len - m->off)
		len = m->len - m->off;
	memcpy(buf, m->p + m->off, len);
	m->off += len;
	return (ssize_t)len;
}

static enum ing_result
post(const char *body, size_t len, long long length, struct ing_counts *c)
{
	struct mem	 m = { body, len, 0 };

	return ing_receive(&cf, mem_read, &m, length, 0, c);
}

static enum ing_result
post_str(const char *body, struct ing_counts *c)
{
	return post(body, strlen(body), (long long)strlen(body), c);
}

static char *
fixture(const char *name, size_t *len)
{
	char	 path[4200], *p = NULL;

	snprintf(path, sizeof(path), "%s/%s", YH_TEST_DATA, name);
	if (fio_slurp(path, &p, len) == -1)
		return NULL;
	return p;
}

static int
count_lines(const char *path)
{
	char	*p;
	size_t	 len, i;
	int	 n = 0;

	if (fio_slurp(path, &p, &len) == -1)
		return -1;
	for (i = 0; i < len; i++)
		n += p[i] == '\n';
	free(p);
	return n;
}

/* spool/<dir>/<today><suffix>: dir may climb out, as "../csv". */
static void
today_path(char *buf, size_t len, const char *dir, const char *suffix)
{
	char	 ymd[11];

	ut_format_day(ut_local_day(time(NULL)), ymd);
	snprintf(buf, len, "%s/%s/%s%s", spool, dir, ymd, suffix);
}

static int
count_files(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int
fixture_stores_every_event(void)
{
	struct ing_counts	 c;
	char			*body, path[8400];
	size_t			 len;

	CHECK(setup() == 0);
	CHECK((body = fixture("bulk-campaign.json", &len)) != NULL);
	CHECK(post(body, len, (long long)len, &c) == ING_OK);
	CHECK(c.received == 4 && c.stored == 4 && c.duplicates == 0 && c.quarantined == 0);
	today_path(path, sizeof(path), "archive", ".jsonl");
	CHECK(count_lines(path) == 4);
	free(body);
	return 0;
}

static int
same_iid_two_statuses_both_stored(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"x\",\"activityStatus\":\"DELIVERED\"},"
	    "{\"iid\":\"x\",\"activityStatus\":\"UNDELIVERED\"}]", &c) == ING_OK);
	CHECK(c.stored == 2 && c.duplicates == 0);
	return 0;
}

static int
repost_is_all_duplicates(void)
{
	struct ing_counts	 c;
	char			*body, path[8400];
	size_t			 len;

	CHECK(setup() == 0);
	CHECK((body = fixture("bulk-campaign.json", &len)) != NULL);
	CHECK(post(body, len, (long long)len, &c) == ING_OK);
	CHECK(post(body, len, (long long)len, &c) == ING_OK);
	CHECK(c.received == 4 && c.stored == 0 && c.duplicates == 4);
	today_path(path, sizeof(path), "archive", ".jsonl");
	CHECK(count_lines(path) == 4);
	free(body);
	return 0;
}

static int
duplicate_within_batch(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"x\",\"activityStatus\":\"READ\"},"
	    "{\"iid\":\"x\",\"activityStatus\":\"READ\",\"email\":\"other\"}]", &c) == ING_OK);
	CHECK(c.stored == 1 && c.duplicates == 1);
	return 0;
}

static int
single_object_is_batch_of_one(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	CHECK(post_str("{\"iid\":\"x\",\"activityStatus\":\"READ\"}", &c) == ING_OK);
	CHECK(c.received == 1 && c.stored == 1);
	return 0;
}

static int
invalid_body_quarantined_whole(void)
{
	struct ing_counts	 c;
	char			 path[8400], *p;
	size_t			 len;
	DIR			*d;
	struct dirent		*de;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"x\"}, {\"iid\":", &c) == ING_OK);
	CHECK(c.received == 1 && c.quarantined == 1 && c.stored == 0);
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(count_files(path) == 1);
	CHECK((d = opendir(path)) != NULL);
	while ((de = readdir(d)) != NULL && de->d_name[0] == '.')
		;
	CHECK(de != NULL);
	snprintf(path, sizeof(path), "%s/quarantine/%s", spool, de->d_name);
	closedir(d);
	CHECK(fio_slurp(path, &p, &len) == 0);
	CHECK_MEM(p, len, "[{\"iid\":\"x\"}, {\"iid\":", 21);
	free(p);
	return 0;
}

static int
resent_invalid_body_kept_once(void)
{
	struct ing_counts	 c;
	char			 path[8400];

	CHECK(setup() == 0);
	CHECK(post_str("not json", &c) == ING_OK);
	CHECK(post_str("not json", &c) == ING_OK);
	CHECK(c.quarantined == 1);
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(count_files(path) == 1);
	return 0;
}

static int
mixed_array_stores_objects(void)
{
	struct ing_counts	 c;
	char			 path[8400];

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}, 5, \"x\", [1], {\"iid\":\"b\"}]", &c) == ING_OK);
	CHECK(c.received == 5 && c.stored == 2 && c.quarantined == 3);
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(count_files(path) == 1);
	return 0;
}

static int
oversized_body_quarantined(void)
{
	struct ing_counts	 c;
	char			*big, path[8400];
	size_t			 n = (1 << 20) + 10;

	CHECK(setup() == 0);
	CHECK((big = malloc(n)) != NULL);
	memset(big, ' ', n);
	big[0] = '[';
	big[n - 1] = ']';
	CHECK(post(big, n, (long long)n, &c) == ING_OK);
	CHECK(c.received == 1 && c.quarantined == 1 && c.stored == 0);
	CHECK(post(big, n, -1, &c) == ING_OK);	/* no CONTENT_LENGTH: read to end */
	CHECK(c.quarantined == 1);
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(count_files(path) == 1);
	free(big);
	return 0;
}

/*
 * Another PID namespace or host sharing the spool has a worker with this
 * process's pid: its temporary files, under any name a pid and a counter
 * could give, must be left alone, and this body kept whole.
 */
static int
quarantine_temp_names_not_shared(void)
{
	struct ing_counts	 c;
	char			 path[8400], *p;
	size_t			 len;
	unsigned		 seq;
	int			 fd;

	CHECK(setup() == 0);
	snprintf(path, sizeof(path), "%s/tmp", spool);
	CHECK(mkdir(path, 0700) == 0);
	for (seq = 0; seq < 64; seq++) {
		snprintf(path, sizeof(path), "%s/tmp/q.%ld.%u", spool, (long)getpid(), seq);
		CHECK((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
		CHECK(write(fd, "other", 5) == 5 && close(fd) == 0);
	}
	CHECK(post_str("not json", &c) == ING_OK && c.quarantined == 1);
	for (seq = 0; seq < 64; seq++) {
		snprintf(path, sizeof(path), "%s/tmp/q.%ld.%u", spool, (long)getpid(), seq);
		CHECK(fio_slurp(path, &p, &len) == 0);
		CHECK_MEM(p, len, "other", 5);
		free(p);
	}
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(count_files(path) == 1);
	return 0;
}

/* Make path's times two hours old: 0, or -1. */
static int
age_two_hours(const char *path)
{
	struct timespec	 ts[2];

	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 7200;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

/*
 * The next writer removes what a killed one left in spool/tmp (a file, a
 * --verify scratch directory) once it is an hour old, and leaves alone a
 * fresh file and an old one a live process still holds.
 */
static int
stale_temporaries_swept(void)
{
	struct ing_counts	 c;
	char			 tmp[4300], old[4400], dir[4400], fresh[4400], held[4500];
	int			 fd;

	CHECK(setup() == 0);
	snprintf(tmp, sizeof(tmp), "%s/tmp", spool);
	CHECK(mkdir(tmp, 0700) == 0);
	snprintf(old, sizeof(old), "%s/q.123.0", tmp);
	snprintf(dir, sizeof(dir), "%s/verify.AbC123", tmp);
	snprintf(fresh, sizeof(fresh), "%s/q.123.1", tmp);
	CHECK((fd = open(old, O_WRONLY | O_CREAT, 0600)) != -1 && close(fd) == 0);
	CHECK((fd = open(fresh, O_WRONLY | O_CREAT, 0600)) != -1 && close(fd) == 0);
	CHECK(mkdir(dir, 0700) == 0);
	snprintf(held, sizeof(held), "%s/keys.idx", dir);
	CHECK((fd = open(held, O_WRONLY | O_CREAT, 0600)) != -1 && close(fd) == 0);
	CHECK(age_two_hours(held) == 0 && age_two_hours(dir) == 0 && age_two_hours(old) == 0);
	CHECK((fd = fio_mktemp(tmp, "q", 0600, held, sizeof(held))) != -1);
	CHECK(age_two_hours(held) == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK && c.stored == 1);
	CHECK(access(old, F_OK) == -1 && errno == ENOENT);
	CHECK(access(dir, F_OK) == -1 && errno == ENOENT);
	CHECK(access(fresh, F_OK) == 0);
	CHECK(access(held, F_OK) == 0);
	CHECK(close(fd) == 0);
	return 0;
}

/* The one file in spool/quarantine, read whole into *p: 0, or -1. */
static int
only_quarantine_file(char **p, size_t *len)
{
	char		 dir[4300], path[4600];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	snprintf(dir, sizeof(dir), "%s/quarantine", spool);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			n++;
		}
	closedir(d);
	return n == 1 ? fio_slurp(path, p, len) : -1;
}

/* --ingest of a quarantine file, as JSON lines. */
static enum ing_result
replay_lines(const char *p, size_t len, struct ing_counts *c)
{
	struct mem	 m = { p, len, 0 };

	return ing_receive(&cf, mem_read, &m, -1, 1, c);
}

/*
 * 100,000 numbers make one quarantine file of one line each, not 100,000
 * files; replayed with --ingest it is quarantined again, nothing stored.
 */
static int
rejected_elements_one_file(void)
{
	struct ing_counts	 c;
	struct ut_buf		 b = { 0 };
	char			 num[16], path[8400], *q;
	size_t			 len;
	int			 i, n;

	CHECK(setup() == 0);
	CHECK(ut_buf_addc(&b, '[') == 0);
	for (i = 0; i < 100000; i++) {
		n = snprintf(num, sizeof(num), "%s%d", i ? ", " : "", i);
		CHECK(ut_buf_add(&b, num, (size_t)n) == 0);
	}
	CHECK(ut_buf_addc(&b, ']') == 0);
	CHECK(post(b.p, b.len, (long long)b.len, &c) == ING_OK);
	CHECK(c.received == 100000 && c.quarantined == 100000 && c.stored == 0);
	CHECK(only_quarantine_file(&q, &len) == 0);
	CHECK(len > 10 && memcmp(q, "0\n1\n2\n", 6) == 0 && memcmp(q + len - 6, "99999\n", 6) == 0);
	CHECK(replay_lines(q, len, &c) == ING_OK);
	CHECK(c.received == 100000 && c.quarantined == 100000 && c.stored == 0);
	free(q);
	CHECK(only_quarantine_file(&q, &len) == 0);
	free(q);
	today_path(path, sizeof(path), "archive", ".jsonl");
	CHECK(access(path, F_OK) == -1);
	ut_buf_free(&b);
	return 0;
}

/*
 * A mixed body's rejected elements share one file, one line each; an
 * array among them is written so that --ingest reads it back as one
 * element, not as a batch whose objects it would store.
 */
static int
mixed_rejects_replay_as_rejects(void)
{
	struct ing_counts	 c;
	char			*q;
	size_t			 len;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}, [ {\"iid\": \"b\"} ],\n \"s t\", 5]", &c) == ING_OK);
	CHECK(c.stored == 1 && c.quarantined == 3);
	CHECK(only_quarantine_file(&q, &len) == 0);
	CHECK_MEM(q, len, "[[{\"iid\":\"b\"}]]\n\"s t\"\n5\n", 24);
	CHECK(replay_lines(q, len, &c) == ING_OK);
	CHECK(c.received == 3 && c.quarantined == 3 && c.stored == 0);
	free(q);
	return 0;
}

/*
 * A quarantine at quarantine_max_bytes refuses (ING_FULL: 503) a batch
 * that needs quarantine, whole or in part or streamed, and writes none of
 * it; a clean batch is still stored, and the probe's check says why.
 */
static int
quarantine_full_refuses_rejects_only(void)
{
	struct ing_counts	 c;
	cJSON			*o;
	char			 path[8400], *msg, *big;
	size_t			 n = (1 << 20) + 10;
	int			 fd, healthy;

	CHECK(setup() == 0);
	cf.quarantine_max_bytes = 1 << 20;
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/quarantine/0123.body", spool);
	CHECK((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
	CHECK(ftruncate(fd, 1 << 20) == 0 && close(fd) == 0);
	CHECK((o = ss_report(&cf, NULL, 0, &healthy)) != NULL && !healthy);
	CHECK((msg = cJSON_PrintUnformatted(o)) != NULL &&
	    strstr(msg, "quarantine_max_bytes") != NULL);
	cJSON_free(msg);
	cJSON_Delete(o);
	CHECK(post_str("not json", &c) == ING_FULL);
	CHECK(post_str("[{\"iid\":\"a\"}, 5]", &c) == ING_FULL);
	CHECK((big = malloc(n)) != NULL);
	memset(big, 'x', n);
	CHECK(post(big, n, (long long)n, &c) == ING_FULL);
	CHECK(post(big, n, -1, &c) == ING_FULL);
	free(big);
	today_path(path, sizeof(path), "archive", ".jsonl");
	CHECK(access(path, F_OK) == -1);
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(count_files(path) == 1);
	snprintf(path, sizeof(path), "%s/tmp", spool);
	CHECK(count_files(path) == 0);
	CHECK(post_str("[{\"iid\":\"b\"}]", &c) == ING_OK && c.stored == 1);
	return 0;
}

static int
short_body_writes_nothing(void)
{
	struct ing_counts	 c;
	char			 path[8400];

	CHECK(setup() == 0);
	CHECK(post("[{\"iid\":\"a\"}]", 13, 20, &c) == ING_SHORT);
	today_path(path, sizeof(path), "archive", ".jsonl");
	CHECK(access(path, F_OK) == -1);
	snprintf(path, sizeof(path), "%s/quarantine", spool);
	CHECK(count_files(path) == 0);
	return 0;
}

static int
body_without_length_read_to_end(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	CHECK(post("[{\"iid\":\"a\"}]", 13, -1, &c) == ING_OK);
	CHECK(c.stored == 1);
	return 0;
}

static int
empty_body_stores_nothing(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	CHECK(post_str("", &c) == ING_OK);
	CHECK(c.received == 0 && c.stored == 0 && c.quarantined == 0);
	return 0;
}

static int
torn_tail_cut_and_retry_stored(void)
{
	struct ing_counts	 c;
	char			 path[8400];
	int			 fd;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	today_path(path, sizeof(path), "archive", ".jsonl");
	/* A writer killed in the middle of its append. */
	CHECK((fd = open(path, O_WRONLY | O_APPEND)) != -1);
	CHECK(write(fd, "{\"iid\":\"b\",\"_rece", 17) == 17);
	close(fd);
	CHECK(post_str("[{\"iid\":\"b\"}]", &c) == ING_OK);
	CHECK(c.stored == 1);
	CHECK(count_lines(path) == 2);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

static int
unindexed_tail_counts_as_stored(void)
{
	struct ing_counts	 c;
	char			 path[8400], line[256];
	size_t			 n;
	int			 fd;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	/* A writer killed after its commit, before the views. */
	today_path(path, sizeof(path), "archive", ".jsonl");
	n = ev_format_line("{\"iid\":\"b\"}", 11, "2023-09-14T08:00:00Z", line);
	CHECK((fd = open(path, O_WRONLY | O_APPEND)) != -1);
	CHECK(write(fd, line, n) == (ssize_t)n);
	close(fd);
	CHECK(post_str("[{\"iid\":\"b\"},{\"iid\":\"c\"}]", &c) == ING_OK);
	CHECK(c.stored == 1 && c.duplicates == 1);
	CHECK(count_lines(path) == 3);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

static int
rebuild_equals_incremental(void)
{
	struct ing_counts	 c;
	char			 path[8400], *before, *after;
	size_t			 lb, la;
	char			*body;
	size_t			 len;

	CHECK(setup() == 0);
	CHECK((body = fixture("bulk-campaign.json", &len)) != NULL);
	CHECK(post(body, len, (long long)len, &c) == ING_OK);
	free(body);
	CHECK((body = fixture("triggered-campaign.json", &len)) != NULL);
	CHECK(post(body, len, (long long)len, &c) == ING_OK);
	free(body);
	today_path(path, sizeof(path), "../csv", "/DELIVERED.csv");
	CHECK(fio_slurp(path, &before, &lb) == 0);
	CHECK(ck_rebuild(&cf, stderr) == 0);
	CHECK(fio_slurp(path, &after, &la) == 0);
	CHECK_MEM(after, la, before, lb);
	CHECK(ck_verify(&cf, stderr) == 0);
	/* The rebuilt index still knows every key. */
	CHECK((body = fixture("bulk-campaign.json", &len)) != NULL);
	CHECK(post(body, len, (long long)len, &c) == ING_OK);
	CHECK(c.duplicates == 4 && c.stored == 0);
	free(body);
	free(before);
	free(after);
	return 0;
}

/*
 * 5,000 distinct statuses in a day make max_status_files (64) STATUS files,
 * the first in arrival order, and OTHER.csv for the rest, in the batch and
 * after it; --rebuild makes the same files and --verify passes.
 */
static int
status_files_bounded(void)
{
	struct ing_counts	 c;
	struct ut_buf		 b = { 0 };
	char			 ev[80], dir[8400], path[8500], *before, *after;
	size_t			 lb, la;
	int			 i, n;

	CHECK(setup() == 0);
	for (i = 0; i < 5000; i++) {
		n = snprintf(ev, sizeof(ev), "%c{\"iid\":\"i%d\",\"activityStatus\":\"S%04d\"}",
		    i ? ',' : '[', i, i);
		CHECK(ut_buf_add(&b, ev, (size_t)n) == 0);
	}
	CHECK(ut_buf_addc(&b, ']') == 0);
	CHECK(post(b.p, b.len, (long long)b.len, &c) == ING_OK && c.stored == 5000);
	CHECK(post_str("[{\"iid\":\"x\",\"activityStatus\":\"S9999\"},"
	    "{\"iid\":\"y\",\"activityStatus\":\"S0063\"}]", &c) == ING_OK);
	today_path(dir, sizeof(dir), "../csv", "");
	CHECK(count_files(dir) == 64 + 2);	/* and OTHER.csv, summary.csv */
	snprintf(path, sizeof(path), "%s/S0063.csv", dir);
	CHECK(count_lines(path) == 1 + 2);
	snprintf(path, sizeof(path), "%s/S0064.csv", dir);
	CHECK(access(path, F_OK) == -1);
	snprintf(path, sizeof(path), "%s/OTHER.csv", dir);
	CHECK(count_lines(path) == 1 + 5000 - 64 + 1);
	CHECK(ck_verify(&cf, stderr) == 0);
	CHECK(fio_slurp(path, &before, &lb) == 0);
	CHECK(ck_rebuild(&cf, stderr) == 0);
	CHECK(fio_slurp(path, &after, &la) == 0);
	CHECK_MEM(after, la, before, lb);
	CHECK(count_files(dir) == 64 + 2);
	CHECK(ck_verify(&cf, stderr) == 0);
	free(before);
	free(after);
	ut_buf_free(&b);
	return 0;
}

static int
verify_finds_tampered_csv(void)
{
	struct ing_counts	 c;
	char			 path[8400];
	FILE			*f;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\"}]", &c) == ING_OK);
	CHECK(ck_verify(&cf, stderr) == 0);
	today_path(path, sizeof(path), "../csv", "/READ.csv");
	CHECK((f = fopen(path, "a")) != NULL);
	fputs("x\r\n", f);
	fclose(f);
	CHECK(ck_verify(&cf, stderr) == 1);
	return 0;
}

static int
lost_index_rebuilt_from_archive(void)
{
	struct ing_counts	 c;
	char			 path[8400];
	FILE			*f;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	snprintf(path, sizeof(path), "%s/index/keys.idx", spool);
	CHECK((f = fopen(path, "w")) != NULL);
	fputs("garbage", f);
	fclose(f);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	CHECK(c.duplicates == 1 && c.stored == 0);
	return 0;
}

static int
views_lost_checkpoint_rebuilt(void)
{
	struct ing_counts	 c;
	char			 path[8400], *p;
	size_t			 len;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\"}]", &c) == ING_OK);
	today_path(path, sizeof(path), "views", ".ckpt");
	CHECK(unlink(path) == 0);
	today_path(path, sizeof(path), "views", ".hint");
	CHECK(unlink(path) == 0);
	CHECK(post_str("[{\"iid\":\"b\",\"activityStatus\":\"READ\"}]", &c) == ING_OK);
	today_path(path, sizeof(path), "../csv", "/READ.csv");
	CHECK(fio_slurp(path, &p, &len) == 0);
	CHECK(count_lines(path) == 3);	/* header and two rows, none doubled */
	free(p);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

/* Make the day's hint look written before a reboot, as after a power cut. */
static int
age_hint(void)
{
	char	 path[8400], *p, *b;
	size_t	 len;
	FILE	*f;

	today_path(path, sizeof(path), "views", ".hint");
	if (fio_slurp(path, &p, &len) == -1)
		return -1;
	if ((b = strstr(p, "boot ")) == NULL || b[5] == '\n') {
		free(p);
		return -1;
	}
	b[5] = b[5] == '0' ? '1' : '0';
	if ((f = fopen(path, "w")) == NULL) {
		free(p);
		return -1;
	}
	fwrite(p, 1, len, f);
	fclose(f);
	free(p);
	return 0;
}

static int
power_cut_repaired_from_checkpoint(void)
{
	struct ing_counts	 c;
	char			 path[8400], csvpath[8400];
	struct stat		 st;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\"}]", &c) == ING_OK);
	today_path(csvpath, sizeof(csvpath), "../csv", "/READ.csv");
	CHECK(stat(csvpath, &st) == 0);
	CHECK(post_str("[{\"iid\":\"b\",\"activityStatus\":\"READ\"}]", &c) == ING_OK);
	/* The power went: the unsynced row and summary are gone, the hint is stale. */
	CHECK(age_hint() == 0);
	CHECK(truncate(csvpath, st.st_size) == 0);
	today_path(path, sizeof(path), "../csv", "/summary.csv");
	CHECK(unlink(path) == 0);
	CHECK(post_str("[{\"iid\":\"c\",\"activityStatus\":\"READ\"},"
	    "{\"iid\":\"b\",\"activityStatus\":\"READ\"}]", &c) == ING_OK);
	CHECK(c.stored == 1 && c.duplicates == 1);
	CHECK(count_lines(csvpath) == 4);	/* header and a, b, c */
	CHECK(access(path, F_OK) == 0);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

static int
lock_wait_ends_in_failure(void)
{
	struct ing_counts	 c;
	struct spool		 other;
	char			 err[256], path[8400];

	CHECK(setup() == 0);
	cf.lock_wait_ms = 200;
	/* Another writer holds the lock (a second open description conflicts). */
	CHECK(sp_open(&other, spool, err, sizeof(err)) == 0);
	CHECK(sp_lock(&other, 0) == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_FAIL);
	today_path(path, sizeof(path), "archive", ".jsonl");
	CHECK(access(path, F_OK) == -1);
	sp_unlock(&other);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	CHECK(c.stored == 1 && c.duplicates == 0);
	return 0;
}

static int
deleted_index_made_anew_from_archive(void)
{
	struct ing_counts	 c;
	char			 path[8400];

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"},{\"iid\":\"b\"}]", &c) == ING_OK);
	snprintf(path, sizeof(path), "%s/index/keys.idx", spool);
	CHECK(unlink(path) == 0);
	CHECK(post_str("[{\"iid\":\"a\"},{\"iid\":\"c\"}]", &c) == ING_OK);
	CHECK(c.duplicates == 1 && c.stored == 1);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

static int
full_index_removed_then_made_anew(void)
{
	struct ing_counts	 c;
	char			 path[8400];
	unsigned char		 junk[4096];
	off_t			 off;
	int			 fd;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	snprintf(path, sizeof(path), "%s/index/keys.idx", spool);
	memset(junk, 0xff, sizeof(junk));
	CHECK((fd = open(path, O_WRONLY)) != -1);
	for (off = 64; off < 64 + 16384 * 24; off += (off_t)sizeof(junk))
		CHECK(pwrite(fd, junk, sizeof(junk), off) == (ssize_t)sizeof(junk));
	close(fd);
	/* This batch cannot be checked against the index: 503, and the index goes. */
	CHECK(post_str("[{\"iid\":\"a\"},{\"iid\":\"b\"}]", &c) == ING_FAIL);
	CHECK(access(path, F_OK) == -1);
	/* Its retry meets an index made anew from the archive. */
	CHECK(post_str("[{\"iid\":\"a\"},{\"iid\":\"b\"}]", &c) == ING_OK);
	CHECK(c.duplicates == 1 && c.stored == 1);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

static int
verify_reports_missing_index_without_making_one(void)
{
	struct ing_counts	 c;
	char			 path[8400];

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	snprintf(path, sizeof(path), "%s/index/keys.idx", spool);
	CHECK(unlink(path) == 0);
	CHECK(ck_verify(&cf, stderr) == 1);
	CHECK(access(path, F_OK) == -1);
	/* So the next writer still sees it missing and makes it from the archive. */
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	CHECK(c.duplicates == 1);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

/* ck_verify's result, its messages in *out (malloc'd). */
static int
verify_into(char **out)
{
	size_t	 len;
	FILE	*f;
	int	 rc;

	*out = NULL;
	if ((f = open_memstream(out, &len)) == NULL)
		return -2;
	rc = ck_verify(&cf, f);
	fclose(f);
	fputs(*out, stderr);
	return rc;
}

static int
complete_line_without_stamp_kept_and_reported(void)
{
	struct ing_counts	 c;
	char			 path[8400], want[64], ymd[11], *msg;
	int			 fd;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	today_path(path, sizeof(path), "archive", ".jsonl");
	/* Appended by hand: whole, but no receipt stamp. */
	CHECK((fd = open(path, O_WRONLY | O_APPEND)) != -1);
	CHECK(write(fd, "{\"iid\":\"x\"}\n", 12) == 12);
	close(fd);
	CHECK(post_str("[{\"iid\":\"b\"}]", &c) == ING_OK);
	CHECK(c.stored == 1);
	CHECK(count_lines(path) == 3);
	CHECK(verify_into(&msg) == 1);
	ut_format_day(ut_local_day(time(NULL)), ymd);
	snprintf(want, sizeof(want), "archive/%s.jsonl:2: ", ymd);
	CHECK(strstr(msg, want) != NULL);
	free(msg);
	CHECK(count_lines(path) == 3);
	return 0;
}

/* Remove the archive's last line by hand, as an operator might. */
static int
drop_last_archive_line(void)
{
	char	 path[8400], *p, *nl;
	size_t	 len;

	today_path(path, sizeof(path), "archive", ".jsonl");
	if (fio_slurp(path, &p, &len) == -1 || len < 2)
		return -1;
	nl = memrchr(p, '\n', len - 1);
	len = nl == NULL ? 0 : (size_t)(nl - p) + 1;
	free(p);
	return truncate(path, (off_t)len);
}

static int
verify_names_lost_line_orphan_key(void)
{
	struct ing_counts	 c;
	char			*msg;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"},{\"iid\":\"b\"}]", &c) == ING_OK);
	CHECK(drop_last_archive_line() == 0);
	CHECK(verify_into(&msg) == 1);
	CHECK(strstr(msg, "1 key(s) have no line in the archive") != NULL);
	CHECK(strstr(msg, "orphan") != NULL);
	free(msg);
	return 0;
}

static int
rebuild_drops_orphan_key(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"},{\"iid\":\"b\"}]", &c) == ING_OK);
	CHECK(drop_last_archive_line() == 0);
	CHECK(ck_rebuild(&cf, stderr) == 0);
	CHECK(ck_verify(&cf, stderr) == 0);
	/* The lost event, resent, is stored again rather than taken for a duplicate. */
	CHECK(post_str("[{\"iid\":\"b\"}]", &c) == ING_OK);
	CHECK(c.stored == 1);
	return 0;
}

/* The key of format 1: raw bytes of the four members, as yespo-hook 1.x made it. */
static void
old_key(const char *text, struct ev_key *k)
{
	static const enum ev_col cols[4] = {
		EV_IID, EV_ACTIVITYSTATUS, EV_ACTIVITYDATETIME, EV_CLICKEVENTLINK };
	struct ev	 e = { 0 };
	struct ut_hash	 h;
	unsigned char	 present;
	uint64_t	 len;
	int		 i;

	(void)ev_parse(&e, text, strlen(text), 0);
	ut_hash_init(&h);
	ut_hash_update(&h, "K", 1);
	for (i = 0; i < 4; i++) {
		present = e.col[cols[i]] >= 0;
		ut_hash_update(&h, &present, 1);
		if (!present)
			continue;
		len = e.m[e.col[cols[i]]].val_len;
		ut_hash_update(&h, &len, sizeof(len));
		ut_hash_update(&h, text + e.m[e.col[cols[i]]].val_off, (size_t)len);
	}
	ut_hash_final(&h, k->h);
	ev_free(&e);
}

#define ESCAPED_A "{\"iid\":\"a\",\"activityStatus\":\"\\u0044ELIVERED\"}"
#define ESCAPED_B "{\"iid\":\"b\",\"clickEventLink\":\"https://x/\\u0441\"}"

static int
escaped_resend_is_duplicate(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	CHECK(post_str("[" ESCAPED_A "," ESCAPED_B "]", &c) == ING_OK);
	CHECK(c.stored == 2);
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"DELIVERED\"},"
	    "{\"iid\":\"b\",\"clickEventLink\":\"https://x/\xd1\x81\"}]", &c) == ING_OK);
	CHECK(c.stored == 0 && c.duplicates == 2);
	return 0;
}

static int
old_format_spool_upgraded_on_first_write(void)
{
	struct ing_counts	 c;
	struct ix		 ix;
	struct ev_key		 k;
	char			 path[8400], *p;
	size_t			 len;

	CHECK(setup() == 0);
	CHECK(post_str("[" ESCAPED_A "," ESCAPED_B "]", &c) == ING_OK);
	/* Make it a spool of format 1: no format file, the index keyed by raw bytes. */
	snprintf(path, sizeof(path), "%s/format", spool);
	CHECK(unlink(path) == 0);
	snprintf(path, sizeof(path), "%s/index/keys.idx", spool);
	CHECK(ix_remove(path) == 0);
	CHECK(ix_open(&ix, path, ut_local_day(time(NULL)), 45) == 0);
	old_key(ESCAPED_A, &k);
	CHECK(ix_add(&ix, &k, ix.today) == 0);
	old_key(ESCAPED_B, &k);
	CHECK(ix_add(&ix, &k, ix.today) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(post_str("[" ESCAPED_A "," ESCAPED_B "]", &c) == ING_OK);
	CHECK(c.stored == 0 && c.duplicates == 2);
	snprintf(path, sizeof(path), "%s/format", spool);
	CHECK(fio_slurp(path, &p, &len) == 0);
	CHECK_MEM(p, len, "2\n", 2);
	free(p);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

static int
newer_format_spool_refused(void)
{
	struct ing_counts	 c;
	char			 path[8400];

	CHECK(setup() == 0);
	CHECK(post_str("[{\"iid\":\"a\"}]", &c) == ING_OK);
	snprintf(path, sizeof(path), "%s/format", spool);
	CHECK(fio_replace(spool, "format", "3\n", 2, 0600, 1) == 0);
	CHECK(post_str("[{\"iid\":\"b\"}]", &c) == ING_FAIL);
	CHECK(ck_rebuild(&cf, stderr) == -1);
	today_path(path, sizeof(path), "archive", ".jsonl");
	CHECK(count_lines(path) == 1);
	return 0;
}

/* The data rows of today's summary.csv, -1 when it is missing. */
static int
summary_rows(void)
{
	char	 path[8400];
	int	 n;

	today_path(path, sizeof(path), "../csv", "/summary.csv");
	return (n = count_lines(path)) == -1 ? -1 : n - 1;
}

/* With a long interval, a batch soon after the day's first leaves summary.csv as it was. */
static int
summary_refreshed_once_an_interval(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	cf.summary_refresh_seconds = 3600;
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\",\"messageId\":1}]", &c) == ING_OK);
	CHECK(summary_rows() == 1);
	CHECK(post_str("[{\"iid\":\"b\",\"activityStatus\":\"READ\",\"messageId\":2}]", &c) == ING_OK);
	CHECK(c.stored == 1);
	CHECK(summary_rows() == 1);
	return 0;
}

/* summary_refresh_seconds = 0: summary.csv holds every batch at once. */
static int
summary_refreshed_every_batch_at_zero(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	cf.summary_refresh_seconds = 0;
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\",\"messageId\":1}]", &c) == ING_OK);
	CHECK(post_str("[{\"iid\":\"b\",\"activityStatus\":\"READ\",\"messageId\":2}]", &c) == ING_OK);
	CHECK(summary_rows() == 2);
	return 0;
}

/* A summary.csv waiting for its interval is what the archive gave at its refresh: --verify agrees. */
static int
verify_accepts_summary_between_refreshes(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	cf.summary_refresh_seconds = 3600;
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\",\"messageId\":1}]", &c) == ING_OK);
	CHECK(post_str("[{\"iid\":\"b\",\"activityStatus\":\"READ\",\"messageId\":2}]", &c) == ING_OK);
	CHECK(summary_rows() == 1);
	CHECK(ck_verify(&cf, stderr) == 0);
	return 0;
}

/* --rebuild makes summary.csv whole, whatever the interval. */
static int
rebuild_refreshes_summary(void)
{
	struct ing_counts	 c;

	CHECK(setup() == 0);
	cf.summary_refresh_seconds = 3600;
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\",\"messageId\":1}]", &c) == ING_OK);
	CHECK(post_str("[{\"iid\":\"b\",\"activityStatus\":\"READ\",\"messageId\":2}]", &c) == ING_OK);
	CHECK(ck_rebuild(&cf, stderr) == 0);
	CHECK(summary_rows() == 2);
	return 0;
}

/* The first batch of a new day makes the closed day's summary.csv whole. */
static int
closed_day_summary_refreshed(void)
{
	struct ing_counts	 c;
	char			 path[8400];

	CHECK(setup() == 0);
	cf.summary_refresh_seconds = 3600;
	/* Receipt days by zone: 26 hours apart, so the day always changes. */
	cf.timezone = "Etc/GMT+12";
	conf_use_timezone(&cf);
	CHECK(post_str("[{\"iid\":\"a\",\"activityStatus\":\"READ\",\"messageId\":1}]", &c) == ING_OK);
	CHECK(post_str("[{\"iid\":\"b\",\"activityStatus\":\"READ\",\"messageId\":2}]", &c) == ING_OK);
	today_path(path, sizeof(path), "../csv", "/summary.csv");
	CHECK(count_lines(path) == 2);
	cf.timezone = "Etc/GMT-14";
	conf_use_timezone(&cf);
	CHECK(post_str("[{\"iid\":\"c\",\"activityStatus\":\"READ\",\"messageId\":3}]", &c) == ING_OK);
	CHECK(count_lines(path) == 3);
	cf.timezone = "UTC";
	conf_use_timezone(&cf);
	return 0;
}

static const struct test tests[] = {
	T(fixture_stores_every_event),
	T(same_iid_two_statuses_both_stored),
	T(repost_is_all_duplicates),
	T(duplicate_within_batch),
	T(single_object_is_batch_of_one),
	T(invalid_body_quarantined_whole),
	T(resent_invalid_body_kept_once),
	T(mixed_array_stores_objects),
	T(oversized_body_quarantined),
	T(quarantine_temp_names_not_shared),
	T(rejected_elements_one_file),
	T(mixed_rejects_replay_as_rejects),
	T(quarantine_full_refuses_rejects_only),
	T(stale_temporaries_swept),
	T(short_body_writes_nothing),
	T(body_without_length_read_to_end),
	T(empty_body_stores_nothing),
	T(torn_tail_cut_and_retry_stored),
	T(unindexed_tail_counts_as_stored),
	T(rebuild_equals_incremental),
	T(status_files_bounded),
	T(verify_finds_tampered_csv),
	T(lost_index_rebuilt_from_archive),
	T(views_lost_checkpoint_rebuilt),
	T(power_cut_repaired_from_checkpoint),
	T(lock_wait_ends_in_failure),
	T(deleted_index_made_anew_from_archive),
	T(full_index_removed_then_made_anew),
	T(verify_reports_missing_index_without_making_one),
	T(complete_line_without_stamp_kept_and_reported),
	T(verify_names_lost_line_orphan_key),
	T(rebuild_drops_orphan_key),
	T(escaped_resend_is_duplicate),
	T(old_format_spool_upgraded_on_first_write),
	T(newer_format_spool_refused),
	T(summary_refreshed_once_an_interval),
	T(summary_refreshed_every_batch_at_zero),
	T(verify_accepts_summary_between_refreshes),
	T(rebuild_refreshes_summary),
	T(closed_day_summary_refreshed),
};

TEST_MAIN(tests)

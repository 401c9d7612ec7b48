/*
 * test_replay.c: the views made from the archive by the writers' repair,
 * rp_settle.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "archive.h"
#include "csvview.h"
#include "event.h"
#include "index.h"
#include "replay.h"
#include "spool.h"
#include "test.h"

#define DAY	20000	/* 2024-10-04 */

static const char lines[] =
    "{\"iid\":\"a\",\"activityStatus\":\"READ\",\"_receivedAt\":\"2024-10-04T00:00:00Z\"}\n"
    "{\"iid\":\"b\",\"activityStatus\":\"READ\",\"_receivedAt\":\"2024-10-04T00:00:01Z\"}\n";

struct fixture {
	struct spool	 sp;
	struct cv_ctx	 cx;
	struct ix	 ix;
	char		 csv[4200], file[4300];
};

/* A spool whose day holds the two lines, its index open, csv_dir at csv. */
static int
setup(struct fixture *f, const char *csv)
{
	const char	*dir = test_tmpdir();
	char		 err[256];
	off_t		 end;

	memset(f, 0, sizeof(*f));
	if (dir == NULL || sp_open(&f->sp, dir, err, sizeof(err)) == -1)
		return -1;
	snprintf(f->csv, sizeof(f->csv), "%s/%s", dir, csv);
	snprintf(f->file, sizeof(f->file), "%s/2024-10-04/READ.csv", f->csv);
	f->cx.csv_dir = f->csv;
	f->cx.views_dir = f->sp.views;
	f->cx.guard = 1;
	f->cx.max_files = 64;
	if (arc_append(&f->sp, DAY, lines, strlen(lines), &end) == -1)
		return -1;
	return ix_open(&f->ix, f->sp.index, DAY, 45);
}

static int
count_lines(const char *path)
{
	FILE	*fp;
	int	 c, n = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

static int
has_key(struct ix *ix, const char *text)
{
	struct ev	 e;
	struct ev_key	 k;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if (ev_parse(&e, text, strlen(text), 1) != 0)
		return -1;
	ev_key(&e, &k);
	ev_free(&e);
	rc = ix_has(ix, &k);
	return rc;
}

/* With no view yet, the day's CSV and index are made from its archive. */
static int
settle_makes_views(void)
{
	struct fixture	 f;
	struct cv_day	 d;
	const char	*first = "{\"iid\":\"a\",\"activityStatus\":\"READ\","
	    "\"_receivedAt\":\"2024-10-04T00:00:00Z\"}";

	CHECK(setup(&f, "csv") == 0);
	CHECK(rp_settle(&f.cx, &f.sp, &f.ix, DAY, &d) == RP_OK);
	CHECK(d.archive_len == (off_t)strlen(lines));
	CHECK(count_lines(f.file) == 3);	/* header and two rows */
	CHECK(has_key(&f.ix, first) == 1);
	cv_free(&d);
	CHECK(ix_close(&f.ix) == 0);
	return 0;
}

/*
 * After a power cut (no hint of this boot, only the checkpoint), a CSV
 * file that lost rows is made whole again.
 */
static int
settle_mends_short_file(void)
{
	struct fixture	 f;
	struct cv_day	 d;
	char		 hint[4300];

	CHECK(setup(&f, "csv") == 0);
	CHECK(rp_settle(&f.cx, &f.sp, &f.ix, DAY, &d) == RP_OK);
	cv_free(&d);
	snprintf(hint, sizeof(hint), "%s/2024-10-04.hint", f.sp.views);
	CHECK(unlink(hint) == 0);
	CHECK(truncate(f.file, 10) == 0);
	CHECK(rp_settle(&f.cx, &f.sp, &f.ix, DAY, &d) == RP_OK);
	CHECK(count_lines(f.file) == 3);
	cv_free(&d);
	CHECK(ix_close(&f.ix) == 0);
	return 0;
}

/* A csv_dir that cannot be made leaves the views behind, the index whole. */
static int
settle_behind_keeps_index(void)
{
	struct fixture	 f;
	struct cv_day	 d;
	struct cv_fault	 fault = { 0 };
	char		 blocker[4200];
	const char	*second = "{\"iid\":\"b\",\"activityStatus\":\"READ\","
	    "\"_receivedAt\":\"2024-10-04T00:00:01Z\"}";
	int		 fd;

	CHECK(setup(&f, "file/csv") == 0);
	f.cx.fault = &fault;
	snprintf(blocker, sizeof(blocker), "%.*s", (int)(strlen(f.csv) - 4), f.csv);
	CHECK((fd = open(blocker, O_WRONLY | O_CREAT, 0600)) != -1 && close(fd) == 0);
	CHECK(rp_settle(&f.cx, &f.sp, &f.ix, DAY, &d) == RP_BEHIND);
	CHECK(fault.op != NULL);
	CHECK(has_key(&f.ix, second) == 1);
	CHECK(ix_close(&f.ix) == 0);
	return 0;
}

static const struct test tests[] = {
	T(settle_makes_views),
	T(settle_mends_short_file),
	T(settle_behind_keeps_index),
};

TEST_MAIN(tests)

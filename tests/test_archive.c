/*
 * test_archive.c: the log, archive/YYYY-MM-DD.jsonl.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "archive.h"
#include "spool.h"
#include "test.h"

#define DAY	20000	/* 2024-10-04 */

static const char line1[] = "{\"iid\":\"a\",\"_receivedAt\":\"2024-10-04T00:00:00Z\"}\n";
static const char line2[] = "{\"iid\":\"b\",\"_receivedAt\":\"2024-10-04T00:00:01Z\"}\n";

static int
open_spool(struct spool *sp)
{
	const char	*dir = test_tmpdir();
	char		 err[256];

	return dir != NULL && sp_open(sp, dir, err, sizeof(err)) == 0 ? 0 : -1;
}

struct seen {
	int	 n;
	off_t	 end;
};

static int
count_line(const char *line, size_t len, off_t end, void *arg)
{
	struct seen	*s = arg;

	(void)line;
	(void)len;
	s->n++;
	s->end = end;
	return 0;
}

/* Appended lines read back in order, with their ends. */
static int
append_then_scan(void)
{
	struct spool	 sp;
	struct seen	 s = { 0, 0 };
	off_t		 end, size;

	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK(end == (off_t)strlen(line1));
	CHECK(arc_append(&sp, DAY, line2, strlen(line2), &end) == 0);
	CHECK(arc_size(&sp, DAY, &size) == 0 && size == end);
	CHECK(arc_scan(&sp, DAY, 0, -1, count_line, &s) == 0);
	CHECK(s.n == 2 && s.end == size);
	return 0;
}

static int
append_raw(const struct spool *sp, const char *text)
{
	char	 path[4200];
	int	 fd, rc;

	if (arc_path(sp, DAY, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_WRONLY | O_APPEND)) == -1)
		return -1;
	rc = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	close(fd);
	return rc;
}

/* A last line without its newline (a torn append) is cut; the rest stays. */
static int
repair_cuts_torn_tail(void)
{
	struct spool	 sp;
	off_t		 end, repaired;

	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK(append_raw(&sp, "{\"iid\":\"c\",\"_recei") == 0);
	CHECK(arc_repair(&sp, DAY, 0, &repaired) == 0);
	CHECK(repaired == end);
	return 0;
}

/* A complete line that is no archive line (appended by hand) is never cut. */
static int
repair_keeps_complete_foreign_line(void)
{
	struct spool	 sp;
	off_t		 end, repaired, size;

	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK(append_raw(&sp, "{\"iid\":\"by hand\"}\n") == 0);
	CHECK(arc_size(&sp, DAY, &size) == 0);
	CHECK(arc_repair(&sp, DAY, 0, &repaired) == 0);
	CHECK(repaired == size);
	return 0;
}

/* The days that have a file, ascending. */
static int
days_listed_in_order(void)
{
	struct spool	 sp;
	off_t		 end;
	int		*days = NULL;
	size_t		 n = 0;

	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY + 2, line1, strlen(line1), &end) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK(arc_days(&sp, &days, &n) == 0);
	CHECK(n == 2 && days[0] == DAY && days[1] == DAY + 2);
	free(days);
	return 0;
}

/* What makes an archive line: one object ending in a receipt stamp. */
static int
line_valid_needs_stamp(void)
{
	CHECK(arc_line_valid(line1, strlen(line1) - 1));
	CHECK(!arc_line_valid("{\"iid\":\"a\"}", 11));
	CHECK(!arc_line_valid("[1,2]", 5));
	return 0;
}

/* Whether path exists. */
static int
present(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0;
}

/* Every line with its end, appended to a buffer. */
struct text {
	char	 buf[4096];
	size_t	 len;
	off_t	 ends[16];
	int	 n;
};

static int
keep_line(const char *line, size_t len, off_t end, void *arg)
{
	struct text	*t = arg;

	if (t->len + len + 1 > sizeof(t->buf) || t->n == 16)
		return -1;
	memcpy(t->buf + t->len, line, len);
	t->len += len;
	t->buf[t->len++] = '\n';
	t->ends[t->n++] = end;
	return 0;
}

/*
 * A compressed day: the plain file goes, the gz holds the same lines
 * with the same offsets, read from any line boundary.
 */
static int
compress_keeps_lines_and_offsets(void)
{
	struct spool	 sp;
	struct text	 all, rest;
	char		 plain[4200], gz[4200];
	off_t		 end, size, repaired;
	int		*days = NULL;
	size_t		 n = 0;

	memset(&all, 0, sizeof(all));
	memset(&rest, 0, sizeof(rest));
	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK(arc_append(&sp, DAY, line2, strlen(line2), &end) == 0);
	CHECK(arc_compress(&sp, DAY) == 1);
	CHECK(arc_path(&sp, DAY, plain, sizeof(plain)) == 0 && !present(plain));
	CHECK(arc_gz_path(&sp, DAY, gz, sizeof(gz)) == 0 && present(gz));
	CHECK(arc_size(&sp, DAY, &size) == 0 && size == end);
	CHECK(arc_length(&sp, DAY, &size) == 0 && size == end);
	CHECK(arc_repair(&sp, DAY, 0, &repaired) == 0 && repaired == end);
	CHECK(arc_scan(&sp, DAY, 0, -1, keep_line, &all) == 0);
	CHECK(all.n == 2 && all.len == strlen(line1) + strlen(line2));
	CHECK(memcmp(all.buf, line1, strlen(line1)) == 0);
	CHECK(all.ends[0] == (off_t)strlen(line1) && all.ends[1] == end);
	CHECK(arc_scan(&sp, DAY, (off_t)strlen(line1), end, keep_line, &rest) == 0);
	CHECK(rest.n == 1 && rest.len == strlen(line2) && rest.ends[0] == end);
	CHECK(arc_days(&sp, &days, &n) == 0 && n == 1 && days[0] == DAY);
	free(days);
	CHECK(arc_compress(&sp, DAY) == 0);
	return 0;
}

/* Where a day is in both forms (a rewrite killed midway) it is listed once and read plain. */
static int
both_forms_read_plain(void)
{
	struct spool		 sp;
	struct arc_writer	*w;
	struct text		 t;
	char			 plain[4200];
	off_t			 size;
	int			*days = NULL, fd;
	size_t			 n = 0;

	memset(&t, 0, sizeof(t));
	CHECK(open_spool(&sp) == 0);
	CHECK((w = arc_wopen(&sp, DAY, 1)) != NULL);
	CHECK(arc_wadd(w, line2, strlen(line2) - 1) == 0);
	CHECK(arc_wcommit(w) == 0);
	CHECK(arc_path(&sp, DAY, plain, sizeof(plain)) == 0);
	CHECK((fd = open(plain, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
	CHECK(write(fd, line1, strlen(line1)) == (ssize_t)strlen(line1) && close(fd) == 0);
	CHECK(arc_size(&sp, DAY, &size) == 0 && size == (off_t)strlen(line1));
	CHECK(arc_days(&sp, &days, &n) == 0 && n == 1);
	free(days);
	CHECK(arc_scan(&sp, DAY, 0, -1, keep_line, &t) == 0);
	CHECK(t.n == 1 && t.len == strlen(line1) && memcmp(t.buf, line1, t.len) == 0);
	return 0;
}

/* A writer that appends to a compressed day (a clock stepped back) keeps every line. */
static int
append_to_compressed_day(void)
{
	struct spool	 sp;
	struct text	 t;
	char		 gz[4200];
	off_t		 end;

	memset(&t, 0, sizeof(t));
	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK(arc_compress(&sp, DAY) == 1);
	CHECK(arc_append(&sp, DAY, line2, strlen(line2), &end) == 0);
	CHECK(end == (off_t)(strlen(line1) + strlen(line2)));
	CHECK(arc_gz_path(&sp, DAY, gz, sizeof(gz)) == 0 && !present(gz));
	CHECK(arc_scan(&sp, DAY, 0, -1, keep_line, &t) == 0 && t.n == 2);
	return 0;
}

/* A gzip file made by another tool (no length in its header) is measured by reading it. */
static int
foreign_gzip_measured(void)
{
	struct spool	 sp;
	struct text	 t;
	char		 gz[4200];
	gzFile		 f;
	off_t		 size;

	memset(&t, 0, sizeof(t));
	CHECK(open_spool(&sp) == 0);
	CHECK(arc_gz_path(&sp, DAY, gz, sizeof(gz)) == 0);
	CHECK((f = gzopen(gz, "wb")) != NULL);
	CHECK(gzputs(f, line1) > 0 && gzputs(f, line2) > 0 && gzclose(f) == Z_OK);
	CHECK(arc_size(&sp, DAY, &size) == 0);
	CHECK(size == (off_t)(strlen(line1) + strlen(line2)));
	CHECK(arc_scan(&sp, DAY, 0, -1, keep_line, &t) == 0 && t.n == 2);
	return 0;
}

/* A compressed day cut short is an error, never a quietly shorter day. */
static int
cut_gzip_is_an_error(void)
{
	struct spool	 sp;
	struct text	 t;
	struct stat	 st;
	char		 gz[4200];
	off_t		 end, size;

	memset(&t, 0, sizeof(t));
	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK(arc_append(&sp, DAY, line2, strlen(line2), &end) == 0);
	CHECK(arc_compress(&sp, DAY) == 1);
	CHECK(arc_gz_path(&sp, DAY, gz, sizeof(gz)) == 0 && stat(gz, &st) == 0);
	CHECK(truncate(gz, st.st_size - 6) == 0);
	CHECK(arc_scan(&sp, DAY, 0, -1, keep_line, &t) == -1 && errno == EIO);
	CHECK(arc_length(&sp, DAY, &size) == -1 && errno == EIO);
	return 0;
}

/* An aborted writer leaves the day as it was and no temporary file. */
static int
writer_abort_leaves_nothing(void)
{
	struct spool		 sp;
	struct arc_writer	*w;
	off_t			 end, size;
	int			*days = NULL;
	size_t			 n = 0;

	CHECK(open_spool(&sp) == 0);
	CHECK(arc_append(&sp, DAY, line1, strlen(line1), &end) == 0);
	CHECK((w = arc_wopen(&sp, DAY, 1)) != NULL);
	CHECK(arc_wadd(w, line2, strlen(line2) - 1) == 0);
	arc_wabort(w);
	CHECK(arc_size(&sp, DAY, &size) == 0 && size == end);
	CHECK(arc_days(&sp, &days, &n) == 0 && n == 1);
	free(days);
	CHECK(rmdir(sp.tmp) == 0);
	return 0;
}

static const char line3[] = "{\"iid\":\"c\",\"_receivedAt\":\"2024-10-04T00:00:02Z\"}\n";

/* Fill the day with lines 1, 2, 3: 0, or -1. */
static int
three_lines(struct spool *sp)
{
	off_t	 end;

	if (open_spool(sp) == -1 || arc_append(sp, DAY, line1, strlen(line1), &end) == -1 ||
	    arc_append(sp, DAY, line2, strlen(line2), &end) == -1 ||
	    arc_append(sp, DAY, line3, strlen(line3), &end) == -1)
		return -1;
	return 0;
}

static int
ready_ok(const char *tmp, const char *path, ino_t ino, void *arg)
{
	struct stat	 st;

	/* The new file is whole under its temporary name; the day not yet replaced. */
	*(int *)arg = stat(tmp, &st) == 0 && st.st_ino == ino &&
	    st.st_size == (off_t)(strlen(line1) + strlen(line3)) &&
	    stat(path, &st) == 0 && st.st_ino != ino;
	return 0;
}

static int
ready_refuse(const char *tmp, const char *path, ino_t ino, void *arg)
{
	(void)tmp;
	(void)path;
	(void)ino;
	(void)arg;
	return -1;
}

/* The day written anew without a cut range: the other lines, in order, byte for byte. */
static int
rewrite_drops_cut_lines(void)
{
	struct spool		 sp;
	struct arc_range	 cut = { (off_t)strlen(line1), (off_t)strlen(line2) };
	char			 path[4200], want[256], got[256];
	int			 fd, seen = 0;
	ssize_t			 n;

	CHECK(three_lines(&sp) == 0);
	CHECK(arc_rewrite(&sp, DAY, &cut, 1, ready_ok, &seen) == 0);
	CHECK(seen == 1);
	CHECK(arc_path(&sp, DAY, path, sizeof(path)) == 0);
	CHECK((fd = open(path, O_RDONLY)) != -1);
	n = read(fd, got, sizeof(got));
	close(fd);
	snprintf(want, sizeof(want), "%s%s", line1, line3);
	CHECK_MEM(got, (size_t)(n < 0 ? 0 : n), want, strlen(want));
	return 0;
}

/* A refusal before the rename leaves the day as it was, and no file beside it. */
static int
rewrite_refused_keeps_day(void)
{
	struct spool		 sp;
	struct arc_range	 cut = { 0, (off_t)strlen(line1) };
	struct stat		 st;
	struct dirent		*de;
	char			 path[4200];
	DIR			*d;
	int			 n = 0;

	CHECK(three_lines(&sp) == 0);
	CHECK(arc_rewrite(&sp, DAY, &cut, 1, ready_refuse, NULL) == -1);
	CHECK(arc_path(&sp, DAY, path, sizeof(path)) == 0 && stat(path, &st) == 0);
	CHECK(st.st_size == (off_t)(strlen(line1) + strlen(line2) + strlen(line3)));
	CHECK((d = opendir(sp.archive)) != NULL);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || strlen(de->d_name) > 2;
	closedir(d);
	CHECK(n == 1);
	return 0;
}

static const struct test tests[] = {
	T(append_then_scan),
	T(repair_cuts_torn_tail),
	T(repair_keeps_complete_foreign_line),
	T(days_listed_in_order),
	T(line_valid_needs_stamp),
	T(compress_keeps_lines_and_offsets),
	T(both_forms_read_plain),
	T(append_to_compressed_day),
	T(foreign_gzip_measured),
	T(cut_gzip_is_an_error),
	T(writer_abort_leaves_nothing),
	T(rewrite_drops_cut_lines),
	T(rewrite_refused_keeps_day),
};

TEST_MAIN(tests)

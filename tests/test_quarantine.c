/*
 * test_quarantine.c: what cannot be stored as events, kept in
 * quarantine/ under names made of the bytes' hash.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>

#include "quarantine.h"
#include "spool.h"
#include "test.h"

static int
open_spool(struct spool *sp)
{
	const char	*dir = test_tmpdir();
	char		 err[256];

	return dir != NULL && sp_open(sp, dir, err, sizeof(err)) == 0 ? 0 : -1;
}

/* The names in quarantine/, counted; the last one kept in name. */
static int
count_files(const struct spool *sp, char *name, size_t len)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir(sp->quarantine)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(name, len, "%s", de->d_name);
			n++;
		}
	closedir(d);
	return n;
}

/* The same bytes twice make one file, named <hash>.<suffix>; other bytes another. */
static int
same_bytes_one_file(void)
{
	struct spool	 sp;
	char		 name[256];

	CHECK(open_spool(&sp) == 0);
	CHECK(qr_store(&sp, "not json", 8, "body") == 0);
	CHECK(qr_store(&sp, "not json", 8, "body") == 0);
	CHECK(qr_sync(&sp) == 0);
	CHECK(count_files(&sp, name, sizeof(name)) == 1);
	CHECK(strlen(name) > 5 && strcmp(name + strlen(name) - 5, ".body") == 0);
	CHECK(qr_store(&sp, "not json either", 15, "body") == 0);
	CHECK(count_files(&sp, name, sizeof(name)) == 2);
	return 0;
}

/* A file given up leaves nothing in quarantine/ nor tmp/. */
static int
abort_leaves_nothing(void)
{
	struct spool	 sp;
	struct qr	 q;
	struct dirent	*de;
	DIR		*d;
	char		 name[256];

	CHECK(open_spool(&sp) == 0);
	CHECK(qr_begin(&q, &sp) == 0);
	CHECK(qr_write(&q, "xyz", 3) == 0);
	qr_abort(&q);
	CHECK(count_files(&sp, name, sizeof(name)) == 0);
	CHECK((d = opendir(sp.tmp)) != NULL);
	while ((de = readdir(d)) != NULL)
		CHECK(de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    strcmp(de->d_name, "..") == 0));
	closedir(d);
	return 0;
}

/* A rejected element becomes one compact line; an array keeps its brackets around it. */
static int
element_lines(void)
{
	struct ut_buf	 b = { 0 };

	CHECK(qr_add_line(&b, "[ 1, \"a b\" ]", 12) == 0);
	CHECK(qr_add_line(&b, " 42 ", 4) == 0);
	CHECK_MEM(b.p, b.len, "[[1,\"a b\"]]\n42\n", 15);
	ut_buf_free(&b);
	return 0;
}

/* qr_held adds up the files; a missing directory holds nothing. */
static int
held_counts_bytes(void)
{
	struct spool	 sp;
	uint64_t	 held;

	CHECK(open_spool(&sp) == 0);
	CHECK(qr_held(sp.quarantine, &held) == 0 && held == 0);
	CHECK(qr_store(&sp, "0123456789", 10, "body") == 0);
	CHECK(qr_held(sp.quarantine, &held) == 0 && held == 10);
	CHECK(qr_held("/nonexistent/yh-quarantine", &held) == 0 && held == 0);
	return 0;
}

static const struct test tests[] = {
	T(same_bytes_one_file),
	T(abort_leaves_nothing),
	T(element_lines),
	T(held_counts_bytes),
};

TEST_MAIN(tests)

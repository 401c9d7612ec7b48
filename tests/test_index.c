/* Unit tests: the dedup index file. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "index.h"
#include "test.h"

#define DAY	19614	/* 2023-09-14 */

static struct ev_key
key(uint64_t i)
{
	struct ev_key	 k;

	k.h[0] = i * 0x9e3779b97f4a7c15ULL + 1;
	k.h[1] = i ^ 0xabcdef;
	return k;
}

static char path[4200];

static int
open_fresh(struct ix *ix, int today, int window)
{
	const char	*dir = test_tmpdir();

	if (dir == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/keys.idx", dir);
	/* Made and finished, as a writer finishes an index it made from the archive. */
	if (ix_open(ix, path, today, window) == -1)
		return -1;
	return ix_sync(ix);
}

/* Add keys 0, 1, ... until the table grows: how many it took, or 0 on error. */
static uint64_t
add_until_grown(struct ix *ix, const char *oldp)
{
	struct ev_key	 k;
	uint64_t	 i;

	for (i = 0; access(oldp, F_OK) == -1; i++) {
		k = key(i);
		if (ix_add(ix, &k, DAY) == -1)
			return 0;
	}
	return i;
}

static int
added_key_is_found(void)
{
	struct ix	 ix;
	struct ev_key	 a = key(1), b = key(2);

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	CHECK(ix_has(&ix, &a) == 0);
	CHECK(ix_add(&ix, &a, DAY) == 0);
	CHECK(ix_has(&ix, &a) == 1);
	CHECK(ix_has(&ix, &b) == 0);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
keys_survive_reopen(void)
{
	struct ix	 ix;
	struct ev_key	 a = key(7);

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	CHECK(ix_add(&ix, &a, DAY) == 0);
	CHECK(ix_sync(&ix) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_open(&ix, path, DAY + 1, 45) == 0);
	CHECK(ix_has(&ix, &a) == 1);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
key_expires_after_window(void)
{
	struct ix	 ix;
	struct ev_key	 a = key(3);

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	CHECK(ix_add(&ix, &a, DAY) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_open(&ix, path, DAY + 45, 45) == 0);
	CHECK(ix_has(&ix, &a) == 1);		/* the 45th day after is still within */
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_open(&ix, path, DAY + 46, 45) == 0);
	CHECK(ix_has(&ix, &a) == 0);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
expired_slot_is_reused(void)
{
	struct ix	 ix;
	struct ev_key	 a = key(4);
	struct stat	 st1, st2;

	CHECK(open_fresh(&ix, DAY, 1) == 0);
	CHECK(ix_add(&ix, &a, DAY) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(stat(path, &st1) == 0);
	CHECK(ix_open(&ix, path, DAY + 10, 1) == 0);
	CHECK(ix_has(&ix, &a) == 0);
	CHECK(ix_add(&ix, &a, DAY + 10) == 0);
	CHECK(ix_has(&ix, &a) == 1);
	CHECK(ix_close(&ix) == 0);
	CHECK(stat(path, &st2) == 0);
	CHECK(st1.st_size == st2.st_size);
	return 0;
}

static int
grows_and_keeps_every_key(void)
{
	struct ix	 ix;
	struct ev_key	 k;
	char		 oldp[4300];
	uint64_t	 i, j, n = 100000;
	int		 grew = 0;

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	snprintf(oldp, sizeof(oldp), "%s.old", path);
	for (i = 0; i < n; i++) {
		k = key(i);
		CHECK(ix_add(&ix, &k, DAY) == 0);
		if (access(oldp, F_OK) == 0 && !grew) {
			/* Just grown: every key so far is found, old table or new. */
			grew = 1;
			for (j = 0; j <= i; j++) {
				k = key(j);
				CHECK(ix_has(&ix, &k) == 1);
			}
		}
	}
	CHECK(grew);
	CHECK(ix_sync(&ix) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	for (i = 0; i < n; i++) {
		k = key(i);
		CHECK(ix_has(&ix, &k) == 1);
	}
	k = key(n);
	CHECK(ix_has(&ix, &k) == 0);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
drained_table_removed_after_sync(void)
{
	struct ix	 ix;
	struct ev_key	 k;
	char		 oldp[4300];
	uint64_t	 i;

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	snprintf(oldp, sizeof(oldp), "%s.old", path);
	CHECK((i = add_until_grown(&ix, oldp)) > 0);
	/* Draining goes a few slots per insert; a sync after the last one ends it. */
	for (; access(oldp, F_OK) == 0 && i < 1000000; i++) {
		k = key(i);
		CHECK(ix_add(&ix, &k, DAY) == 0);
		if (i % 1000 == 0)
			CHECK(ix_sync(&ix) == 0);
	}
	CHECK(access(oldp, F_OK) == -1);
	while (i-- > 0) {
		k = key(i);
		CHECK(ix_has(&ix, &k) == 1);
	}
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
drain_restarts_after_reboot(void)
{
	struct ix	 ix;
	struct ev_key	 k;
	char		 oldp[4300];
	uint64_t	 i, n, stale = 0x5eed;
	int		 fd;

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	snprintf(oldp, sizeof(oldp), "%s.old", path);
	CHECK((i = add_until_grown(&ix, oldp)) > 0);
	for (n = i + 500; i < n; i++) {
		k = key(i);
		CHECK(ix_add(&ix, &k, DAY) == 0);
	}
	CHECK(ix_close(&ix) == 0);
	/* As if the machine had restarted: the boot word no longer matches. */
	CHECK((fd = open(path, O_WRONLY)) != -1);
	CHECK(pwrite(fd, &stale, sizeof(stale), 40) == (ssize_t)sizeof(stale));
	close(fd);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	for (i = 0; i < n; i++) {
		k = key(i);
		CHECK(ix_has(&ix, &k) == 1);
	}
	for (; access(oldp, F_OK) == 0 && i < 1000000; i++) {
		k = key(i);
		CHECK(ix_add(&ix, &k, DAY) == 0);
		CHECK(ix_sync(&ix) == 0);
	}
	CHECK(access(oldp, F_OK) == -1);
	while (i-- > 0) {
		k = key(i);
		CHECK(ix_has(&ix, &k) == 1);
	}
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
remove_clears_both_tables(void)
{
	struct ix	 ix;
	struct ev_key	 k;
	char		 oldp[4300];
	uint64_t	 i;

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	snprintf(oldp, sizeof(oldp), "%s.old", path);
	CHECK((i = add_until_grown(&ix, oldp)) > 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_remove(path) == 0);
	CHECK(access(path, F_OK) == -1 && access(oldp, F_OK) == -1);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	k = key(0);
	CHECK(ix_has(&ix, &k) == 0);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
readding_keeps_latest_day(void)
{
	struct ix	 ix;
	struct ev_key	 a = key(5);

	CHECK(open_fresh(&ix, DAY, 10) == 0);
	CHECK(ix_add(&ix, &a, DAY) == 0);
	CHECK(ix_add(&ix, &a, DAY + 5) == 0);
	CHECK(ix_add(&ix, &a, DAY + 1) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_open(&ix, path, DAY + 15, 10) == 0);
	CHECK(ix_has(&ix, &a) == 1);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
garbage_file_is_refused(void)
{
	struct ix	 ix;
	FILE		*f;
	const char	*dir = test_tmpdir();

	CHECK(dir != NULL);
	snprintf(path, sizeof(path), "%s/keys.idx", dir);
	CHECK((f = fopen(path, "w")) != NULL);
	fputs("not an index", f);
	fclose(f);
	CHECK(ix_open(&ix, path, DAY, 45) == -1);
	return 0;
}

static int
growth_cut_short_sizes_new_table(void)
{
	struct ix	 ix;
	struct ev_key	 k;
	char		 oldp[4300];
	uint64_t	 i, n = 60000;

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	for (i = 0; i < n; i++) {
		k = key(i);
		CHECK(ix_add(&ix, &k, DAY) == 0);
	}
	CHECK(ix_sync(&ix) == 0);
	CHECK(ix_close(&ix) == 0);
	snprintf(oldp, sizeof(oldp), "%s.old", path);
	/* Killed between renaming the full table aside and making the new one. */
	CHECK(access(oldp, F_OK) == -1);
	CHECK(rename(path, oldp) == 0);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	CHECK(!ix.created);
	for (i = 0; i < n; i++) {
		k = key(i);
		CHECK(ix_has(&ix, &k) == 1);
	}
	/* The new table holds the whole drain and more without overflowing. */
	for (i = n; i < 2 * n; i++) {
		k = key(i);
		CHECK(ix_add(&ix, &k, DAY) == 0);
		if (i % 5000 == 0)
			CHECK(ix_sync(&ix) == 0);
	}
	CHECK(ix_sync(&ix) == 0);
	CHECK(!ix.damaged);
	for (i = 0; i < 2 * n; i++) {
		k = key(i);
		CHECK(ix_has(&ix, &k) == 1);
	}
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static int
full_table_reported_damaged(void)
{
	struct ix	 ix;
	struct ev_key	 k = key(1);
	unsigned char	 junk[4096];
	int		 fd;
	off_t		 off;

	CHECK(open_fresh(&ix, DAY, 45) == 0);
	CHECK(ix_close(&ix) == 0);
	/* Every slot taken by a live key: no probe can end. */
	memset(junk, 0xff, sizeof(junk));
	CHECK((fd = open(path, O_WRONLY)) != -1);
	for (off = 64; off < 64 + 16384 * 24; off += (off_t)sizeof(junk))
		CHECK(pwrite(fd, junk, sizeof(junk), off) == (ssize_t)sizeof(junk));
	close(fd);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	CHECK(ix_has(&ix, &k) == -1);
	CHECK(ix.damaged);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

/*
 * A batch's keys added together are in the file for the next writer,
 * through a growth of the table, without a sync.
 */
static int
batch_added_keys_found_after_reopen(void)
{
	struct ix	 ix;
	struct ev_key	*k;
	size_t		 n = 20000, i;

	CHECK((k = calloc(n, sizeof(*k))) != NULL);
	for (i = 0; i < n; i++)
		k[i] = key(i + 1);
	CHECK(open_fresh(&ix, DAY, 45) == 0);
	CHECK(ix_add_all(&ix, k, n, DAY) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	for (i = 0; i < n; i++) {
		struct ev_key	 q = key(i + 1);

		CHECK(ix_has(&ix, &q) == 1);
	}
	CHECK(ix_close(&ix) == 0);
	free(k);
	return 0;
}

/*
 * An index made from nothing and left before a sync (its maker killed
 * while filling it from the archive) is refused as damaged, so that it
 * is made anew rather than trusted with only some of the keys.
 */
static int
unfinished_index_is_refused(void)
{
	const char	*dir = test_tmpdir();
	struct ix	 ix;
	struct ev_key	 a = key(1);

	CHECK(dir != NULL);
	snprintf(path, sizeof(path), "%s/keys.idx", dir);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	CHECK(ix.created);
	CHECK(ix_add(&ix, &a, DAY) == 0);
	CHECK(ix_close(&ix) == 0);
	errno = 0;
	CHECK(ix_open(&ix, path, DAY, 45) == -1 && errno == EINVAL);
	/* Made anew and synced, it is trusted. */
	CHECK(ix_remove(path) == 0);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	CHECK(ix_sync(&ix) == 0);
	CHECK(ix_close(&ix) == 0);
	CHECK(ix_open(&ix, path, DAY, 45) == 0);
	CHECK(ix_has(&ix, &a) == 0);
	CHECK(ix_close(&ix) == 0);
	return 0;
}

static const struct test tests[] = {
	T(added_key_is_found),
	T(keys_survive_reopen),
	T(key_expires_after_window),
	T(expired_slot_is_reused),
	T(grows_and_keeps_every_key),
	T(drained_table_removed_after_sync),
	T(drain_restarts_after_reboot),
	T(remove_clears_both_tables),
	T(growth_cut_short_sizes_new_table),
	T(full_table_reported_damaged),
	T(readding_keeps_latest_day),
	T(garbage_file_is_refused),
	T(batch_added_keys_found_after_reopen),
	T(unfinished_index_is_refused),
};

TEST_MAIN(tests)

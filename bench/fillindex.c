/*
 * fillindex.c: fill a spool's dedup index with synthetic keys, through
 * yespo-hook's own index code (handler/index.c), and measure it on the way.
 *
 *   fillindex SPOOL N [WINDOW_DAYS]
 *
 * Inserts N random 128-bit keys stamped with today (UTC, as the default
 * config) into SPOOL/index/keys.idx with ix_open / ix_add / ix_sync, the
 * calls a batch makes.  At 1e3, 1e4, ... keys it prints a SCALE line:
 * the mean ns per insert since the last mark, the mean ns per lookup of
 * 100000 present and 100000 absent keys, and the longest single ix_add
 * so far (a table growth rewrites the whole file inside one ix_add).
 * The spool's format file is written last, as a batch would have.
 * Exit status 0, or 1 with a message.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "spool.h"
#include "util.h"

#define PROBES	100000

static double
now_s(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1) {
		perror("fillindex: clock_gettime");
		exit(1);
	}
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The i-th synthetic key; the absent keys use another stream. */
static void
key_of(uint64_t i, int absent, struct ev_key *k)
{
	uint64_t	 base = absent ? 0xabad1deaULL << 32 : 0;

	k->h[0] = mix((base + i) * 2);
	k->h[1] = mix((base + i) * 2 + 1);
}

/* Bytes of the index files at path (and path.old, while a table drains). */
static double
index_mib(const char *path)
{
	char		 old[PATH_MAX];
	struct stat	 st;
	double		 total = 0;

	if (stat(path, &st) == 0)
		total += (double)st.st_size;
	if (ut_path(old, sizeof(old), "%s.old", path) == 0 && stat(old, &st) == 0)
		total += (double)st.st_size;
	return total / 1048576.0;
}

static void
mkdir_p(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "fillindex: mkdir %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	struct ix	 ix;
	struct spool	 sp;
	struct ev_key	 k;
	char		 dir[PATH_MAX], path[PATH_MAX], *end;
	unsigned long long n, i, mark = 1000, last = 0;
	double		 t0, t1, ta, worst = 0, tmark, hit, miss, tsync;
	uint64_t	 j, seen;
	long		 window = 45;
	int		 today;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: fillindex SPOOL N [WINDOW_DAYS]\n");
		return 2;
	}
	errno = 0;
	n = strtoull(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > 1000000000ULL) {
		fprintf(stderr, "fillindex: bad N %s\n", argv[2]);
		return 2;
	}
	if (argc == 4 && ((window = strtol(argv[3], &end, 10)) < 1 || *end != '\0')) {
		fprintf(stderr, "fillindex: bad WINDOW_DAYS %s\n", argv[3]);
		return 2;
	}
	/* The default config's zone: receipt days in UTC. */
	if (setenv("TZ", ":UTC", 1) == -1) {
		perror("fillindex: setenv");
		return 1;
	}
	tzset();
	today = ut_local_day(time(NULL));
	if (ut_path(dir, sizeof(dir), "%s/index", argv[1]) == -1 ||
	    ut_path(path, sizeof(path), "%s/index/keys.idx", argv[1]) == -1) {
		fprintf(stderr, "fillindex: path too long\n");
		return 1;
	}
	mkdir_p(argv[1]);
	mkdir_p(dir);
	if (ix_open(&ix, path, today, (int)window) == -1) {
		fprintf(stderr, "fillindex: ix_open %s: %s\n", path, strerror(errno));
		return 1;
	}
	tmark = now_s();
	for (i = 0; i < n; i++) {
		key_of(i, 0, &k);
		ta = now_s();
		if (ix_add(&ix, &k, today) == -1) {
			fprintf(stderr, "fillindex: ix_add: %s\n", strerror(errno));
			return 1;
		}
		t1 = now_s();
		if (t1 - ta > worst)
			worst = t1 - ta;
		if (i + 1 == mark || i + 1 == n) {
			double ins = (t1 - tmark) / (double)(i + 1 - last) * 1e9;

			/* Lookups of keys stored so far, then of keys never stored. */
			t0 = now_s();
			for (j = 0, seen = 0; j < PROBES; j++) {
				key_of(mix(j) % (i + 1), 0, &k);
				seen += (uint64_t)ix_has(&ix, &k);
			}
			hit = (now_s() - t0) / PROBES * 1e9;
			if (seen != PROBES) {
				fprintf(stderr, "fillindex: %llu of %d stored keys not found\n",
				    (unsigned long long)(PROBES - seen), PROBES);
				return 1;
			}
			t0 = now_s();
			for (j = 0, seen = 0; j < PROBES; j++) {
				key_of(j, 1, &k);
				seen += (uint64_t)ix_has(&ix, &k);
			}
			miss = (now_s() - t0) / PROBES * 1e9;
			if (seen != 0) {
				fprintf(stderr, "fillindex: %llu absent keys found\n",
				    (unsigned long long)seen);
				return 1;
			}
			printf("SCALE keys=%llu insert_ns=%.0f hit_ns=%.0f miss_ns=%.0f "
			    "file_mib=%.1f worst_add_ms=%.1f\n", i + 1, ins, hit, miss,
			    index_mib(path), worst * 1e3);
			fflush(stdout);
			last = i + 1;
			mark *= 10;
			tmark = now_s();
		}
	}
	t0 = now_s();
	if (ix_sync(&ix) == -1) {
		fprintf(stderr, "fillindex: ix_sync: %s\n", strerror(errno));
		return 1;
	}
	tsync = now_s() - t0;
	if (ix_close(&ix) == -1) {
		fprintf(stderr, "fillindex: ix_close: %s\n", strerror(errno));
		return 1;
	}
	/* Of the current format, so the first request uses the index rather than making it anew. */
	if (sp_name(&sp, argv[1]) == -1 || sp_set_format(&sp) == -1) {
		fprintf(stderr, "fillindex: writing %s/format: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("FILLED keys=%llu sync_s=%.2f\n", n, tsync);
	return 0;
}

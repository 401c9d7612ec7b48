/*
 * test.h: a minimal harness.  Each test binary holds several tests and runs
 * the one named by argv[1], so ctest lists one behaviour per entry.
 * A test returns 0 on success; CHECK prints where it failed.
 */
#ifndef YH_TEST_H
#define YH_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		return 1;						\
	}								\
} while (0)

#define CHECK_MEM(a, alen, b, blen) do {				\
	size_t la_ = (alen), lb_ = (blen);				\
	if (la_ != lb_ || memcmp((a), (b), la_) != 0) {			\
		fprintf(stderr, "%s:%d: got [%.*s] (%zu), want [%.*s] (%zu)\n", \
		    __FILE__, __LINE__, (int)la_, (const char *)(a), la_, \
		    (int)lb_, (const char *)(b), lb_);			\
		return 1;						\
	}								\
} while (0)

#define CHECK_STR(a, b) CHECK_MEM((a), strlen(a), (b), strlen(b))

/*
 * A fresh directory under $TMPDIR (or /tmp) for one test; left behind on
 * failure for a look, removed by the test on success when it cares.
 */
static inline const char *
test_tmpdir(void)
{
	static char	 dir[4096];
	const char	*base = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/yh-test.XXXXXX", base ? base : "/tmp");
	return mkdtemp(dir);
}

struct test {
	const char	*name;
	int		(*fn)(void);
};

/* Table entry: T(fn) names the test after its function; tests/CMakeLists.txt
 * finds the names by this pattern, one per line. */
#define T(fn) { #fn, fn }

#define TEST_MAIN(table)						\
int main(int argc, char **argv) {					\
	size_t i_;							\
	if (argc != 2) {						\
		for (i_ = 0; i_ < sizeof(table) / sizeof(table[0]); i_++) \
			printf("%s\n", table[i_].name);			\
		return argc == 1 ? 0 : 2;				\
	}								\
	for (i_ = 0; i_ < sizeof(table) / sizeof(table[0]); i_++)	\
		if (strcmp(argv[1], table[i_].name) == 0)		\
			return table[i_].fn();				\
	fprintf(stderr, "no test named %s\n", argv[1]);			\
	return 2;							\
}

#endif

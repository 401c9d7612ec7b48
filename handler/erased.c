/*
 * erased.c: spool_dir/erased, the keys of erased events (erased.h).
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "erased.h"
#include "event.h"
#include "fsio.h"
#include "index.h"
#include "spool.h"
#include "util.h"

#define KEYS_NAME	"erased"
#define KEYS_MAGIC	"yespo-hook-erased 1\n"
#define KEY_LINE	(32 + 1 + 10)	/* hash, space, day */

int
ek_push(struct ek_keys *ks, uint64_t h0, uint64_t h1, int day)
{
	struct ek_key	*k;
	size_t		 want;

	if (ks->n == ks->cap) {
		want = ks->cap ? ks->cap * 2 : 16;
		if ((k = reallocarray(ks->k, want, sizeof(*k))) == NULL)
			return -1;
		ks->k = k;
		ks->cap = want;
	}
	ks->k[ks->n].h[0] = h0;
	ks->k[ks->n].h[1] = h1;
	ks->k[ks->n++].day = day;
	return 0;
}

int
ek_read(const struct spool *sp, struct ek_keys *ks)
{
	unsigned long long	 h0, h1;
	char			 path[PATH_MAX], ymd[11], *text, *p, *nl;
	size_t			 len;
	int			 day, rc = -1;

	memset(ks, 0, sizeof(*ks));
	if (ut_path(path, sizeof(path), "%s/" KEYS_NAME, sp->root) == -1)
		return -1;
	if (fio_slurp(path, &text, &len) == -1)
		return errno == ENOENT ? 0 : -1;
	if (strncmp(text, KEYS_MAGIC, strlen(KEYS_MAGIC)) != 0 ||
	    sscanf(text + strlen(KEYS_MAGIC), "generation %lld", &ks->generation) != 1) {
		errno = EINVAL;
		goto out;
	}
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (nl - p != KEY_LINE || sscanf(p, "%16llx%16llx %10s", &h0, &h1, ymd) != 3 ||
		    (day = ut_parse_day(ymd)) < 0)
			continue;
		if (ek_push(ks, h0, h1, day) == -1)
			goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct ek_key	*x = a, *y = b;

	if (x->h[0] != y->h[0])
		return x->h[0] < y->h[0] ? -1 : 1;
	if (x->h[1] != y->h[1])
		return x->h[1] < y->h[1] ? -1 : 1;
	return (x->day > y->day) - (x->day < y->day);
}

int
ek_record(const struct spool *sp, const struct ek_keys *fresh, int day, int window)
{
	struct ek_keys	 ks;
	struct ut_buf	 b = { 0 };
	char		 line[64], ymd[11];
	size_t		 i;
	int		 n, today = ut_local_day(time(NULL)), rc = -1;

	if (ek_read(sp, &ks) == -1)
		return -1;
	for (i = 0; i < fresh->n; i++)
		if (ek_push(&ks, fresh->k[i].h[0], fresh->k[i].h[1], day) == -1)
			goto out;
	if (ks.n > 1)
		qsort(ks.k, ks.n, sizeof(*ks.k), cmp_key);
	n = snprintf(line, sizeof(line), "generation %lld\n", ks.generation + 1);
	if (ut_buf_add(&b, KEYS_MAGIC, strlen(KEYS_MAGIC)) == -1 ||
	    ut_buf_add(&b, line, (size_t)n) == -1)
		goto out;
	for (i = 0; i < ks.n; i++) {
		/* Sorted with the later day last: a key's last line wins. */
		if ((i + 1 < ks.n && ks.k[i].h[0] == ks.k[i + 1].h[0] &&
		    ks.k[i].h[1] == ks.k[i + 1].h[1]) ||
		    ks.k[i].day + window < today)
			continue;
		ut_format_day(ks.k[i].day, ymd);
		n = snprintf(line, sizeof(line), "%016llx%016llx %s\n",
		    (unsigned long long)ks.k[i].h[0], (unsigned long long)ks.k[i].h[1], ymd);
		if (ut_buf_add(&b, line, (size_t)n) == -1)
			goto out;
	}
	rc = fio_replace(sp->root, KEYS_NAME, b.p, b.len, 0600, 1);
out:
	free(ks.k);
	ut_buf_free(&b);
	return rc;
}

int
ek_add_keys(const struct spool *sp, struct ix *ix)
{
	struct ek_keys	 ks;
	struct ev_key	 k;
	size_t		 i;
	int		 rc = 0;

	if (ek_read(sp, &ks) == -1) {
		if (errno != EINVAL)
			return -1;
		/* Never a reason to stall the feed: said, and --verify says it too. */
		ut_log("%s/" KEYS_NAME " is damaged: the keys of erased events are not "
		    "in the index, so Yespo's resend of one would be stored again; "
		    "restore the file from a backup, then run --rebuild", sp->root);
		return 0;
	}
	for (i = 0; i < ks.n && rc == 0; i++) {
		if (ks.k[i].day + ix->window < ix->today)
			continue;
		k.h[0] = ks.k[i].h[0];
		k.h[1] = ks.k[i].h[1];
		rc = ix_add(ix, &k, ks.k[i].day);
	}
	free(ks.k);
	return rc;
}

int
ek_verify(const struct spool *sp, struct ix *ix, struct ix *seen, FILE *msg)
{
	struct ek_keys	 ks;
	struct ev_key	 k;
	size_t		 i, missing = 0;
	int		 findings = 0;

	if (ek_read(sp, &ks) == -1) {
		fprintf(msg, "%s/" KEYS_NAME ": %s\n", sp->root, strerror(errno));
		return 1;
	}
	for (i = 0; i < ks.n; i++) {
		k.h[0] = ks.k[i].h[0];
		k.h[1] = ks.k[i].h[1];
		if (seen != NULL && ix_add(seen, &k, ks.k[i].day) == -1) {
			fprintf(msg, "yespo-hook: --verify: %s\n", strerror(errno));
			findings++;
			break;
		}
		if (ix == NULL || ix->path == NULL || ks.k[i].day + ix->window < ix->today)
			continue;
		if (ix_has(ix, &k) != 1)
			missing++;
	}
	if (missing > 0) {
		fprintf(msg, "%s: %zu erased key(s) are missing, so a resent event would be "
		    "stored again; run --rebuild\n", ix->path, missing);
		findings++;
	}
	free(ks.k);
	return findings;
}

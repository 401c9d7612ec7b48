/*
 * retain.c: compression of closed archive days and removal of old ones.
 * Both run after the answer under the writer lock, so no writer appends
 * meanwhile and every step is one a kill -9 can stop: each removal is of
 * a whole file or folder, the stamp is written last, and the next run does
 * what is left (handler/DESIGN.md).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "conf.h"
#include "consumer.h"
#include "csvview.h"
#include "fsio.h"
#include "retain.h"
#include "spool.h"
#include "util.h"

#define STAMP	"retention"

/* A CSV day folder's name: the day alone. */
static const char *const csv_forms[] = { "", NULL };

/*
 * Whether day is closed for good: before yesterday, so a clock stepped
 * back by less than a day still picks a later day, and before the day a
 * writer wrote last.
 */
static int
closed(int day, int today, int cur)
{
	return day < today - 1 && (cur < 0 || day < cur);
}

/* Whether the file at path is there: 1, 0, or -1 with errno. */
static int
exists(const char *path)
{
	struct stat	 st;

	if (fio_stat(path, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

int
rt_compress(const struct conf *cf, const struct spool *sp, int today)
{
	char	 plain[PATH_MAX], gz[PATH_MAX], ymd[11];
	off_t	 before;
	size_t	 n, i;
	int	*days = NULL, cur, rc = 0, p, z;

	if (sp_current_day(sp, &cur) == -1 || arc_days(sp, &days, &n) == -1)
		goto fail;
	for (i = 0; i < n && rc == 0; i++) {
		if (arc_path(sp, days[i], plain, sizeof(plain)) == -1 ||
		    arc_gz_path(sp, days[i], gz, sizeof(gz)) == -1 ||
		    (p = exists(plain)) == -1 || (z = exists(gz)) == -1)
			goto fail;
		if (!p)
			continue;
		ut_format_day(days[i], ymd);
		if (cf->archive_compress && closed(days[i], today, cur)) {
			if (arc_size(sp, days[i], &before) == -1 || arc_compress(sp, days[i]) == -1)
				goto fail;
			ut_log("archive/%s.jsonl: compressed to %s.jsonl.gz (%lld bytes)",
			    ymd, ymd, (long long)before);
			rc = 1;
		} else if (z) {
			/* A rewrite killed before its end: readers take the plain file. */
			if (arc_drop_gz(sp, days[i]) == -1)
				goto fail;
			ut_log("archive/%s.jsonl.gz: removed, a copy beside the plain file", ymd);
		}
	}
	free(days);
	return rc;
fail:
	ut_log_errno("compressing the archive", NULL);
	free(days);
	return -1;
}

/*
 * Remove the archive days, CSV folders and view states before *limit,
 * oldest first, stopping at the first archive day from need on (a
 * consumer's), which becomes *limit: 0, or -1.
 */
static int
remove_days(const struct conf *cf, const struct spool *sp, int *limitp, int need)
{
	char	 ymd[11], path[PATH_MAX];
	off_t	 size;
	size_t	 n, i;
	int	*days = NULL, limit = *limitp;

	if (arc_days(sp, &days, &n) == -1)
		goto fail;
	for (i = 0; i < n && days[i] < limit; i++) {
		ut_format_day(days[i], ymd);
		if (days[i] >= need) {
			ut_log("retention: keeping archive/%s and later days: a consumer "
			    "has not read them yet", ymd);
			limit = *limitp = days[i];
			break;
		}
		if (arc_size(sp, days[i], &size) == -1 || arc_remove(sp, days[i]) == -1)
			goto fail;
		ut_log("retention: removed archive/%s (%lld bytes of events)",
		    ymd, (long long)size);
	}
	free(days);
	if (arc_list_days(cf->csv_dir, csv_forms, &days, &n) == -1)
		goto fail;
	for (i = 0; i < n && days[i] < limit; i++) {
		ut_format_day(days[i], ymd);
		if (ut_path(path, sizeof(path), "%s/%s", cf->csv_dir, ymd) == -1 ||
		    fio_remove_tree(path) == -1 || cv_remove_state(sp->views, days[i]) == -1)
			goto fail;
		ut_log("retention: removed %s (CSV files and workbook)", path);
	}
	free(days);
	return 0;
fail:
	free(days);
	return -1;
}

/* Remove quarantine files last changed before cutoff: 0, or -1 with errno. */
static int
remove_quarantine(const struct spool *sp, time_t cutoff)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 path[PATH_MAX], ymd[11];
	int		 rc = -1;

	if ((d = fio_opendir(sp->quarantine)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    ut_path(path, sizeof(path), "%s/%s", sp->quarantine, de->d_name) == -1)
			continue;
		if (fio_stat(path, &st) == -1 || !S_ISREG(st.st_mode) || st.st_mtime >= cutoff)
			continue;
		if (fio_unlink(path) == -1)
			goto out;
		ut_format_day(ut_local_day(st.st_mtime), ymd);
		ut_log("retention: removed %s (%lld bytes, quarantined %s)", path,
		    (long long)st.st_size, ymd);
	}
	rc = errno == 0 ? 0 : -1;
out:
	(void)closedir(d);
	return rc;
}

/* Whether retention ran today (the stamp names today): 1, or 0. */
static int
ran_today(const struct spool *sp, int today)
{
	char	 path[PATH_MAX], ymd[11], *text = NULL;
	size_t	 len;
	int	 ran;

	ut_format_day(today, ymd);
	if (ut_path(path, sizeof(path), "%s/" STAMP, sp->views) == -1 ||
	    fio_slurp(path, &text, &len) == -1)
		return 0;
	ran = len >= 10 && memcmp(text, ymd, 10) == 0;
	free(text);
	return ran;
}

/* Whether a and b (ascending) share a day. */
static int
share_day(const int *a, size_t na, const int *b, size_t nb)
{
	size_t	 i = 0, j = 0;

	while (i < na && j < nb) {
		if (a[i] == b[j])
			return 1;
		if (a[i] < b[j])
			i++;
		else
			j++;
	}
	return 0;
}

int
rt_due(const struct conf *cf, const struct spool *sp, int today)
{
	size_t	 np, nz;
	int	*p = NULL, *z = NULL, cur, due = 0;

	if (cf->retention_days != 0 && !ran_today(sp, today))
		return 1;
	if (sp_current_day(sp, &cur) == 0 && arc_list_forms(sp, &p, &np, &z, &nz) == 0)
		due = (cf->archive_compress && np > 0 && closed(p[0], today, cur)) ||
		    share_day(p, np, z, nz);
	free(p);
	free(z);
	return due;
}

static void
warn_stale(const char *name, const char *when, void *arg)
{
	(void)arg;
	ut_log("retention: consumer %s is older than retention_days (last ack: %s): "
	    "days it has not read are removed", name, when);
}

int
rt_expire(const struct conf *cf, const struct spool *sp, int today, time_t now)
{
	char	 ymd[11];
	int	 limit, need;

	if (cf->retention_days == 0 || ran_today(sp, today))
		return 0;
	limit = today - cf->retention_days;
	if (cs_stale(cf, sp, now, warn_stale, NULL) == -1 || cs_needed(cf, sp, now, &need) == -1)
		goto fail;
	if (remove_days(cf, sp, &limit, need) == -1 || cs_move_past(sp, limit) == -1 ||
	    remove_quarantine(sp, now - (time_t)cf->retention_days * 86400) == -1)
		goto fail;
	ut_format_day(today, ymd);
	ymd[10] = '\n';
	if (fio_replace(sp->views, STAMP, ymd, 11, 0600, 0) == -1)
		goto fail;
	return 0;
fail:
	ut_log_errno("retention", NULL);
	return -1;
}

/*
 * health.c: what the probe and --check report about a configured spool,
 * read without the writer lock.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "csvview.h"
#include "health.h"
#include "util.h"

int
hl_spool_ready(const struct conf *cf, char *err, size_t errlen)
{
	struct stat	 st;

	if (stat(cf->spool_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "spool_dir %s is not a directory", cf->spool_dir);
		return -1;
	}
	if (access(cf->spool_dir, W_OK | X_OK) == -1) {
		snprintf(err, errlen, "spool_dir %s is not writable", cf->spool_dir);
		return -1;
	}
	return 0;
}

int
hl_figures(const struct conf *cf, unsigned long long *events, time_t *last)
{
	struct cv_ctx	 cx;
	struct cv_day	 d;
	struct stat	 st;
	char		 views[PATH_MAX], path[PATH_MAX], ymd[11];
	size_t		 i;
	int		 today = ut_local_day(time(NULL)), trusted;

	*events = 0;
	*last = 0;
	if (ut_path(views, sizeof(views), "%s/views", cf->spool_dir) == -1)
		return -1;
	cx.csv_dir = cf->csv_dir;
	cx.views_dir = views;
	cx.guard = cf->csv_formula_guard;
	cx.max_files = cf->max_status_files;
	if (cv_load(&cx, today, &d, &trusted) != 0)
		return -1;
	for (i = 0; i < d.nsums; i++)
		*events += d.sums[i].count;
	cv_free(&d);
	ut_format_day(today, ymd);
	if (ut_path(path, sizeof(path), "%s/archive/%s.jsonl", cf->spool_dir, ymd) == 0 &&
	    stat(path, &st) == 0)
		*last = st.st_mtime;
	return 0;
}

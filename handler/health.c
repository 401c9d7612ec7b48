/*
 * health.c: what the probe and --check report about a configured spool,
 * read without the writer lock.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "conf.h"
#include "csvview.h"
#include "fsio.h"
#include "health.h"
#include "spool.h"
#include "util.h"

static const char *const spool_files[] = { "lock", "index/keys.idx", "views/current" };

/*
 * Write "WHAT PATH: PROBLEM (running as uid N "name")" to err, the line
 * the probe and --check give.  Returns -1 for "return problem(...)".
 */
static int __attribute__((format(printf, 5, 6)))
problem(char *err, size_t errlen, const char *what, const char *path,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 why[PATH_MAX + 128], who[192];

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ut_whoami(who, sizeof(who), 0);
	snprintf(err, errlen, "%s %s: %s (running as %s)", what, path, why, who);
	return -1;
}

/* Whether the running user may change path (a directory: create names in it). */
static int
may_write(const char *path, int dir)
{
	return faccessat(AT_FDCWD, path, dir ? W_OK | X_OK : W_OK, AT_EACCESS) == 0;
}

/* A directory the running user can write in: 0, or -1 with the problem in err. */
static int
check_dir(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		return problem(err, errlen, what, path, "%s", errno == ENOENT ?
		    "does not exist" : strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return problem(err, errlen, what, path, "is not a directory");
	if (!may_write(path, 1))
		return problem(err, errlen, what, path, "is not writable");
	return 0;
}

/* The directory that holds p ("/" for a name at the top), into up. */
static void
parent_of(const char *p, char *up, size_t len)
{
	char	*slash;

	snprintf(up, len, "%s", p);
	if ((slash = strrchr(up, '/')) != NULL)
		slash[slash == up ? 1 : 0] = '\0';
}

/*
 * Make path and its missing parents, as a writer could not: it makes
 * csv_dir alone.  0, or -1 with the problem in err.
 */
static int
make_path(const char *what, const char *path, char *err, size_t errlen)
{
	char		 p[PATH_MAX], up[PATH_MAX];
	struct stat	 st;
	size_t		 i, n = strlen(path);
	int		 e;

	if (n >= sizeof(p))
		return problem(err, errlen, what, path, "the name is too long");
	memcpy(p, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (stat(p, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return problem(err, errlen, what, path,
				    "cannot create: %s is not a directory", p);
		} else if (errno != ENOENT)
			return problem(err, errlen, what, path, "cannot create: %s: %s",
			    p, strerror(errno));
		else if (fio_mkdir(p, 0755) == -1) {
			e = errno;
			parent_of(p, up, sizeof(up));
			if (e != EACCES)
				return problem(err, errlen, what, path, "cannot create %s: %s",
				    p, strerror(e));
			if (i == n)
				return problem(err, errlen, what, path,
				    "cannot create: %s is not writable", up);
			return problem(err, errlen, what, path, "cannot create: parent %s "
			    "does not exist and %s is not writable", p, up);
		} else {
			parent_of(p, up, sizeof(up));
			if (fio_sync_dir(up) == -1)
				return problem(err, errlen, what, path, "cannot sync %s: %s",
				    up, strerror(errno));
		}
		if (i < n)
			p[i] = '/';
	}
	return 0;
}

/* Every file of a directory writable by the running user: 0, or -1 with the problem in err. */
static int
check_files(const char *what, const char *dir, char *err, size_t errlen)
{
	char		 path[PATH_MAX];
	DIR		*dp;
	struct dirent	*de;
	int		 rc = 0;

	if ((dp = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : problem(err, errlen, what, dir, "cannot be read: %s",
		    strerror(errno));
	while (rc == 0 && (de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' ||
		    ut_path(path, sizeof(path), "%s/%s", dir, de->d_name) == -1)
			continue;
		if (!may_write(path, de->d_type == DT_DIR))
			rc = problem(err, errlen, what, path, "is not writable");
	}
	closedir(dp);
	return rc;
}

int
hl_setup_ok(const struct conf *cf, char *err, size_t errlen)
{
	char	 path[PATH_MAX], ymd[11];
	size_t	 i;

	if (check_dir("spool_dir", cf->spool_dir, err, errlen) == -1)
		return -1;
	for (i = 0; sp_subdirs[i] != NULL; i++)
		if (ut_path(path, sizeof(path), "%s/%s", cf->spool_dir, sp_subdirs[i]) == 0 &&
		    access(path, F_OK) == 0 && check_dir("spool_dir", path, err, errlen) == -1)
			return -1;
	for (i = 0; i < sizeof(spool_files) / sizeof(spool_files[0]); i++)
		if (ut_path(path, sizeof(path), "%s/%s", cf->spool_dir, spool_files[i]) == 0 &&
		    access(path, F_OK) == 0 && !may_write(path, 0))
			return problem(err, errlen, "spool_dir", path, "is not writable");
	if (make_path("csv_dir", cf->csv_dir, err, errlen) == -1 ||
	    check_dir("csv_dir", cf->csv_dir, err, errlen) == -1)
		return -1;
	/* Files a shell user made today (--ingest as root) would stop the writers. */
	ut_format_day(ut_local_day(time(NULL)), ymd);
	if (ut_path(path, sizeof(path), "%s/%s", cf->csv_dir, ymd) == 0 &&
	    access(path, F_OK) == 0 &&
	    (check_dir("csv_dir", path, err, errlen) == -1 ||
	    check_files("csv_dir", path, err, errlen) == -1))
		return -1;
	return 0;
}

int
hl_spool_ready(const struct conf *cf, char *err, size_t errlen)
{
	return sp_check(cf->spool_dir, 1, err, errlen);
}

int
hl_figures(const struct conf *cf, unsigned long long *events, time_t *last)
{
	struct spool	 sp;
	struct cv_ctx	 cx;
	struct cv_day	 d;
	char		 path[PATH_MAX];
	int		 today = ut_local_day(time(NULL)), trusted;

	*events = 0;
	*last = 0;
	if (sp_look(&sp, cf->spool_dir, path, sizeof(path)) == -1)
		return -1;
	cx.csv_dir = cf->csv_dir;
	cx.views_dir = sp.views;
	cx.guard = cf->csv_formula_guard;
	cx.max_files = cf->max_status_files;
	cx.fault = NULL;
	if (cv_load(&cx, today, &d, &trusted) != CV_OK)
		return -1;
	*events = hl_day_events(&d);
	cv_free(&d);
	*last = hl_day_mtime(&sp, today);
	return 0;
}

unsigned long long
hl_day_events(const struct cv_day *d)
{
	unsigned long long	 n = 0;
	size_t			 i;

	for (i = 0; i < d->nsums; i++)
		n += d->sums[i].count;
	return n;
}

time_t
hl_day_mtime(const struct spool *sp, int day)
{
	struct stat	 st;
	char		 path[PATH_MAX];

	if ((arc_path(sp, day, path, sizeof(path)) == 0 && fio_stat(path, &st) == 0) ||
	    (arc_gz_path(sp, day, path, sizeof(path)) == 0 && fio_stat(path, &st) == 0))
		return st.st_mtime;
	return 0;
}

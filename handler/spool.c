/*
 * spool.c: spool directories, the writer lock and the current-day marker.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsio.h"
#include "spool.h"
#include "util.h"

/* Temporary files untouched this long are a dead process's when unheld. */
#define SWEEP_AGE	3600
/* A sweep at most this often, per process and per spool. */
#define SWEEP_EVERY	60
#define SWEEP_STAMP	"swept"

const char *const sp_subdirs[] = { "archive", "index", "views", "quarantine", "tmp", NULL };

int
sp_name(struct spool *sp, const char *root)
{
	memset(sp, 0, sizeof(*sp));
	sp->root = root;
	sp->lockfd = -1;
	fio_root(FIO_SPOOL, root, 0);
	if (ut_path(sp->archive, sizeof(sp->archive), "%s/archive", root) == -1 ||
	    ut_path(sp->index, sizeof(sp->index), "%s/index/keys.idx", root) == -1 ||
	    ut_path(sp->views, sizeof(sp->views), "%s/views", root) == -1 ||
	    ut_path(sp->quarantine, sizeof(sp->quarantine), "%s/quarantine", root) == -1 ||
	    ut_path(sp->tmp, sizeof(sp->tmp), "%s/tmp", root) == -1 ||
	    ut_path(sp->lock, sizeof(sp->lock), "%s/lock", root) == -1 ||
	    ut_path(sp->consumers, sizeof(sp->consumers), "%s/consumers", root) == -1)
		return -1;
	return 0;
}

int
sp_check(const char *root, int write, char *err, size_t errlen)
{
	struct stat	 st;

	if (fio_stat(root, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "spool_dir %s is not a directory: create it "
		    "(mkdir -m 0700 %s) and give it to the web server's user", root, root);
		return -1;
	}
	/* access(2) asks about this process's rights, which no descriptor tells. */
	if (access(root, write ? W_OK | X_OK : R_OK | X_OK) == -1) {
		snprintf(err, errlen, "spool_dir %s is not %s by uid %d: "
		    "chown it to the web server's user", root,
		    write ? "writable" : "readable", (int)getuid());
		return -1;
	}
	return 0;
}

int
sp_look(struct spool *sp, const char *root, char *err, size_t errlen)
{
	if (sp_name(sp, root) == -1) {
		snprintf(err, errlen, "spool_dir %s: path too long", root);
		return -1;
	}
	if (sp_check(root, 0, err, errlen) == -1)
		return -1;
	return 0;
}

int
sp_open(struct spool *sp, const char *root, char *err, size_t errlen)
{
	char		 path[PATH_MAX];
	size_t		 i;
	int		 made = 0, rc;

	if (sp_name(sp, root) == -1) {
		snprintf(err, errlen, "spool_dir %s: path too long", root);
		return -1;
	}
	if (sp_check(root, 1, err, errlen) == -1)
		return -1;
	/* Found anew, as they are now; then kept open: a batch walks to each once. */
	fio_forget(FIO_SPOOL);
	for (i = 0; sp_subdirs[i] != NULL; i++) {
		if (ut_path(path, sizeof(path), "%s/%s", root, sp_subdirs[i]) == -1 ||
		    (rc = fio_keep_dir(path, 0700)) == -1) {
			snprintf(err, errlen, "cannot make %s: %s", path, strerror(errno));
			return -1;
		}
		made |= rc;
	}
	if (made && fio_sync_dir(root) == -1) {
		snprintf(err, errlen, "cannot sync %s: %s", root, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * An OFD lock belongs to the open file description, so closing some other
 * descriptor of the file (as POSIX locks would) cannot drop it.
 */
static int
take_lock(struct spool *sp, int timeout_ms, int shared)
{
	if ((sp->lockfd = fio_open(sp->lock, shared ? O_RDONLY : O_RDWR | O_CREAT, 0600)) == -1)
		return -1;
	if (fio_lock(sp->lockfd, shared, timeout_ms) == -1) {
		(void)fio_close(sp->lockfd);
		sp->lockfd = -1;
		return -1;
	}
	/* A writer before us may have replaced CSV folders (--erase, retention). */
	fio_forget(FIO_CSV);
	return 0;
}

int
sp_lock(struct spool *sp, int timeout_ms)
{
	return take_lock(sp, timeout_ms, 0);
}

int
sp_lock_read(struct spool *sp, int timeout_ms)
{
	if (take_lock(sp, timeout_ms, 1) == 0)
		return 0;
	return errno == ENOENT ? 0 : -1;	/* no writer has ever run */
}

/* Closing the only descriptor of the description releases the lock. */
void
sp_unlock(struct spool *sp)
{
	if (sp->lockfd != -1) {
		(void)fio_close(sp->lockfd);
		fio_forget(FIO_CSV);
	}
	sp->lockfd = -1;
}

int
sp_format(const struct spool *sp)
{
	char	 path[PATH_MAX], *text;
	size_t	 len, i;
	int	 v = 0, ok;

	if (ut_path(path, sizeof(path), "%s/format", sp->root) == -1)
		return -1;
	if (fio_slurp(path, &text, &len) == -1)
		return errno == ENOENT ? 1 : -1;
	for (i = 0; i < len && text[i] >= '0' && text[i] <= '9' && v < 100000; i++)
		v = v * 10 + (text[i] - '0');
	ok = i > 0 && i + 1 == len && text[i] == '\n' && v >= 1;
	free(text);
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	return v;
}

enum sp_format_fit
sp_check_format(const struct spool *sp, char *err, size_t errlen)
{
	int	 v;

	if ((v = sp_format(sp)) == -1) {
		snprintf(err, errlen, "%s/format: %s; it should hold %d",
		    sp->root, strerror(errno), SP_FORMAT);
		return SP_FORMAT_REFUSED;
	}
	if (v > SP_FORMAT) {
		snprintf(err, errlen, "%s has format %d, newer than this binary's %d: "
		    "refusing it; install the newer yespo-hook that wrote it",
		    sp->root, v, SP_FORMAT);
		errno = EPROTONOSUPPORT;
		return SP_FORMAT_REFUSED;
	}
	return v == SP_FORMAT ? SP_FORMAT_CURRENT : SP_FORMAT_OLDER;
}

int
sp_set_format(const struct spool *sp)
{
	char	 text[16];
	int	 n;

	n = snprintf(text, sizeof(text), "%d\n", SP_FORMAT);
	return fio_replace(sp->root, "format", text, (size_t)n, 0600, 1);
}

int
sp_current_day(const struct spool *sp, int *day)
{
	char	 path[PATH_MAX], *text;
	size_t	 len;

	*day = -1;
	if (ut_path(path, sizeof(path), "%s/current", sp->views) == -1)
		return -1;
	if (fio_slurp(path, &text, &len) == -1)
		return errno == ENOENT ? 0 : -1;
	if (len == 11 && text[10] == '\n')
		text[10] = '\0';
	/* An unreadable marker names no day; the caller then repairs today only. */
	*day = ut_parse_day(text);
	free(text);
	return 0;
}

int
sp_set_current_day(const struct spool *sp, int day)
{
	char	 ymd[12];

	ut_format_day(day, ymd);
	ymd[10] = '\n';
	return fio_replace(sp->views, "current", ymd, 11, 0600, 1);
}

void
sp_sweep(const struct spool *sp, int force)
{
	static time_t	 last;
	struct stat	 st;
	char		 stamp[PATH_MAX], index[PATH_MAX];
	time_t		 now = time(NULL);
	int		 fd;

	if (!force && last != 0 && now >= last && now - last < SWEEP_EVERY)
		return;
	last = now;
	/* The stamp's time spaces the sweeps of short-lived CGI processes. */
	if (ut_path(stamp, sizeof(stamp), "%s/" SWEEP_STAMP, sp->views) == -1 ||
	    ut_path(index, sizeof(index), "%s/index", sp->root) == -1)
		return;
	if (!force && fio_stat(stamp, &st) == 0 && now >= st.st_mtime &&
	    now - st.st_mtime < SWEEP_EVERY)
		return;
	if ((fd = fio_open(stamp, O_WRONLY | O_CREAT | O_NOFOLLOW, 0600)) != -1) {
		(void)futimens(fd, NULL);
		(void)fio_close(fd);
	}
	(void)fio_sweep(sp->tmp, now - SWEEP_AGE, 1);
	(void)fio_sweep(index, now - SWEEP_AGE, 0);
	(void)fio_sweep(sp->views, now - SWEEP_AGE, 0);
}

int
sp_views_behind(const struct spool *sp, int *day, char *text, size_t len)
{
	char	 path[PATH_MAX], *buf, *nl;
	size_t	 n;

	if (ut_path(path, sizeof(path), "%s/behind", sp->views) == -1)
		return -1;
	if (fio_slurp(path, &buf, &n) == -1)
		return errno == ENOENT ? 0 : -1;
	/* "YYYY-MM-DD\ntext\n"; a record cut short still names its day when it can. */
	if (n >= 11 && buf[10] == '\n') {
		buf[10] = '\0';
		*day = ut_parse_day(buf);
	} else
		*day = -1;
	if ((nl = strchr(buf + (n >= 11 ? 11 : n), '\n')) != NULL)
		*nl = '\0';
	snprintf(text, len, "%s", n >= 11 ? buf + 11 : "");
	free(buf);
	/* An unreadable day: every day may be behind. */
	if (*day < 0)
		*day = 0;
	return 1;
}

int
sp_set_views_behind(const struct spool *sp, int day, const char *text)
{
	char	 ymd[11], old[8], *buf;
	int	 was, first = 0, sync, rc, len;

	if ((was = sp_views_behind(sp, &first, old, sizeof(old))) == -1)
		return -1;
	/* Synced when new or earlier, so a power cut cannot hide a day behind. */
	sync = !was || day < first;
	if (was && first < day)
		day = first;
	ut_format_day(day, ymd);
	if ((len = asprintf(&buf, "%s\n%s\n", ymd, text)) == -1)
		return -1;
	rc = fio_replace(sp->views, "behind", buf, (size_t)len, 0600, sync);
	free(buf);
	return rc;
}

int
sp_clear_views_behind(const struct spool *sp)
{
	char	 path[PATH_MAX];

	if (ut_path(path, sizeof(path), "%s/behind", sp->views) == -1)
		return -1;
	return fio_unlink(path) == -1 && errno != ENOENT ? -1 : 0;
}

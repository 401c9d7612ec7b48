/*
 * fsio.c: file system calls with EINTR retries and checked results.
 */
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "util.h"

#ifdef YH_FAULTS
/*
 * Test builds only (the yespo-hook-faults binary): YH_FAULT="op:k" makes
 * the k-th call of op fail, "op:k:forever" that call and every later one,
 * "op:k:kill" a SIGKILL instead, as a kill -9 just before that call.
 * op is open, write, sync, rename, close, truncate or unlink.
 */
static int
fault(const char *op)
{
	static const char *const ops[] = { "open", "write", "sync", "rename", "close", "truncate",
	    "unlink" };
	static unsigned	 calls[sizeof(ops) / sizeof(ops[0])];
	const char	*spec = getenv("YH_FAULT"), *colon;
	unsigned	 i, k;

	if (spec == NULL || (colon = strchr(spec, ':')) == NULL ||
	    (size_t)(colon - spec) != strlen(op) || strncmp(spec, op, strlen(op)) != 0)
		return 0;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i], op) == 0)
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return 0;
	k = (unsigned)strtoul(colon + 1, NULL, 10);
	calls[i]++;
	if (calls[i] == k && strstr(colon, ":kill") != NULL)
		(void)raise(SIGKILL);
	if (calls[i] == k || (calls[i] > k && strstr(colon, ":forever") != NULL)) {
		ut_log("injected fault: %s #%u", op, calls[i]);
		errno = strcmp(op, "write") == 0 ? ENOSPC : EIO;
		return 1;
	}
	return 0;
}
#define FAULT_HIT(op)	fault(op)
#else
#define FAULT_HIT(op)	0
#endif
#define FAULT(op, rv)	do { if (FAULT_HIT(op)) return (rv); } while (0)

/*
 * The trees yespo-hook owns: the spool and csv_dir.  A path under one is
 * walked from the root's descriptor a component at a time with
 * O_NOFOLLOW, so a symbolic link planted inside a tree is never followed;
 * the root itself may be a link the administrator made.
 */
struct tree {
	char	 path[PATH_MAX];
	size_t	 len;
	int	 fd;		/* -1: not opened yet */
	int	 mend;		/* a planted link is removed, not refused */
};

static struct tree trees[2] = { { "", 0, -1, 0 }, { "", 0, -1, 0 } };

/*
 * Directories resolved lately (views/, index/, archive/, a day's CSV
 * folder), kept open until their tree is named with another root or
 * forgotten, so a batch walks to each once.  A rename or removal at or
 * under one forgets it; one in use is pinned.
 */
#define DIR_CACHE	8
static struct {
	char	 path[PATH_MAX];
	int	 fd;		/* -1: unused */
	int	 pins;		/* resolved paths using it now */
	unsigned long	 used;	/* when last used, the least recent goes */
} dirs[DIR_CACHE];
static unsigned long	 dir_clock;	/* 0: dirs not set up yet */

/* A path resolved to a directory and a last component in it. */
struct at {
	int		 dfd;		/* AT_FDCWD outside the trees */
	const char	*name;
	struct tree	*tree;		/* NULL outside the trees */
	int		 own;		/* dfd is to be closed */
	int		 pin;		/* dirs[pin - 1] is dfd, pinned; 0 none */
};

static int
open_retry(int dfd, const char *name, int flags, mode_t mode)
{
	int	 fd;

	do
		fd = openat(dfd, name, flags | O_CLOEXEC, mode);
	while (fd == -1 && errno == EINTR);
	return fd;
}

/* Mark every entry of dirs unused, once. */
static void
ready_dirs(void)
{
	size_t	 i;

	if (dir_clock != 0)
		return;
	for (i = 0; i < DIR_CACHE; i++)
		dirs[i].fd = -1;
	dir_clock = 1;
}

/* Close the cached directories at or under path, unless pinned. */
static void
forget_dirs(const char *path)
{
	size_t	 i, n = strlen(path);

	ready_dirs();
	for (i = 0; i < DIR_CACHE && n > 0; i++) {
		/* At or under path: "/" itself holds everything. */
		if (dirs[i].fd == -1 || dirs[i].pins > 0 ||
		    strncmp(dirs[i].path, path, n) != 0 ||
		    (dirs[i].path[n] != '\0' && dirs[i].path[n] != '/' &&
		    path[n - 1] != '/'))
			continue;
		(void)close(dirs[i].fd);
		dirs[i].fd = -1;
	}
}

void
fio_forget(enum fio_tree which)
{
	struct tree	*t = &trees[which];

	if (t->len > 0)
		forget_dirs(t->path);
	if (t->fd != -1)
		(void)close(t->fd);
	t->fd = -1;
}

void
fio_root(enum fio_tree which, const char *path, int mend)
{
	struct tree	*t = &trees[which];
	size_t		 n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	/* The same tree again keeps what is open in it. */
	if (t->len > 0 && n == t->len && strncmp(path, t->path, n) == 0 && mend == t->mend)
		return;
	fio_forget(which);
	t->mend = mend;
	snprintf(t->path, sizeof(t->path), "%.*s", (int)n, path);
	t->len = strlen(t->path);
}

/* Whether a relative path climbs with "..", and so may leave the tree. */
static int
climbs(const char *p)
{
	for (;;) {
		p += strspn(p, "/");
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return 1;
		if ((p = strchr(p, '/')) == NULL)
			return 0;
	}
}

/*
 * The tree path lies under, the longest root first.  Under none: a root
 * itself (csv_dir may lie in spool_dir), and a path that climbs out with
 * ".." (yespo-hook never makes one; a test may).
 */
static struct tree *
find_tree(const char *path)
{
	struct tree	*best = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		struct tree *t = &trees[i];

		if (t->len == 0 || strncmp(path, t->path, t->len) != 0 ||
		    (path[t->len] != '/' && path[t->len] != '\0' && t->path[t->len - 1] != '/'))
			continue;
		if (path[t->len + strspn(path + t->len, "/")] == '\0')
			return NULL;	/* a root, as the administrator made it */
		if (climbs(path + t->len))
			continue;
		if (best == NULL || t->len > best->len)
			best = t;
	}
	return best;
}

/*
 * Log a link met at the first n bytes of path; in a tree that mends,
 * remove the link itself (never its target).  Returns -1 with errno
 * ENOENT when the link is gone, ELOOP when it is refused.
 */
static int
planted(const struct tree *t, int dfd, const char *name, const char *path, size_t n)
{
	if (!t->mend) {
		ut_log("%.*s is a symbolic link (or not a "
		    "directory); refusing to follow it", (int)n, path);
		errno = ELOOP;
		return -1;
	}
	ut_log("%.*s is a symbolic link or not a directory; "
	    "removing it (its target is left alone) and making it anew", (int)n, path);
	if (unlinkat(dfd, name, 0) == -1 && errno != ENOENT)
		return -1;
	errno = ENOENT;
	return -1;
}

static void
at_done(struct at *a)
{
	if (a->own)
		(void)close(a->dfd);
	if (a->pin)
		dirs[a->pin - 1].pins--;
	a->own = a->pin = 0;
}

/* The cached directory path (its first n bytes), pinned for a: 0, or -1 when not cached. */
static int
find_dir(const char *path, size_t n, struct at *a)
{
	size_t	 i;

	ready_dirs();
	for (i = 0; i < DIR_CACHE; i++)
		if (dirs[i].fd != -1 && strncmp(dirs[i].path, path, n) == 0 &&
		    dirs[i].path[n] == '\0') {
			dirs[i].pins++;
			dirs[i].used = ++dir_clock;
			a->dfd = dirs[i].fd;
			a->pin = (int)i + 1;
			return 0;
		}
	return -1;
}

/* Cache a's own directory, the first n bytes of path, in place of the least used. */
static void
keep_dir(const char *path, size_t n, struct at *a)
{
	size_t	 i, k = DIR_CACHE;

	ready_dirs();
	if (n >= sizeof(dirs[0].path))
		return;
	for (i = 0; i < DIR_CACHE; i++)
		if (dirs[i].pins == 0 && (k == DIR_CACHE || dirs[i].fd == -1 ||
		    (dirs[k].fd != -1 && dirs[i].used < dirs[k].used)))
			k = i;
	if (k == DIR_CACHE)
		return;
	if (dirs[k].fd != -1)
		(void)close(dirs[k].fd);
	memcpy(dirs[k].path, path, n);
	dirs[k].path[n] = '\0';
	dirs[k].fd = a->dfd;
	dirs[k].pins = 1;
	dirs[k].used = ++dir_clock;
	a->own = 0;
	a->pin = (int)k + 1;
}

/*
 * Resolve path: outside the trees, to itself; under a tree, open each
 * directory on the way from the root with O_NOFOLLOW | O_DIRECTORY (or
 * take the last from dirs).  name points into path.  0, or -1 with errno.
 */
static int
resolve(const char *path, struct at *a)
{
	struct tree	*t;
	char		 comp[NAME_MAX + 1];
	const char	*p, *slash, *last;
	size_t		 n;
	int		 fd;

	memset(a, 0, sizeof(*a));
	a->dfd = AT_FDCWD;
	a->name = path;
	if ((t = find_tree(path)) == NULL)
		return 0;
	a->tree = t;
	if ((last = strrchr(path, '/')) != NULL && last[1] != '\0' &&
	    find_dir(path, (size_t)(last - path), a) == 0) {
		a->name = last + 1;
		return 0;
	}
	if (t->fd == -1 && (t->fd = open_retry(AT_FDCWD, t->path, O_RDONLY | O_DIRECTORY, 0)) == -1)
		return -1;
	a->dfd = t->fd;
	for (p = path + t->len;; p = slash) {
		p += strspn(p, "/");
		if ((slash = strchr(p, '/')) == NULL || slash[strspn(slash, "/")] == '\0')
			break;
		n = (size_t)(slash - p);
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		fd = open_retry(a->dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
		if (fd == -1 && (errno == ELOOP || errno == ENOTDIR))
			(void)planted(t, a->dfd, comp, path, (size_t)(slash - path));
		if (fd == -1)
			goto fail;
		at_done(a);
		a->dfd = fd;
		a->own = 1;
	}
	a->name = p;
	if (a->own && last != NULL && p == last + 1)
		keep_dir(path, (size_t)(last - path), a);
	return 0;
fail:
	at_done(a);
	return -1;
}

int
fio_open(const char *path, int flags, mode_t mode)
{
	struct at	 a;
	int		 fd, saved;

	FAULT("open", -1);
	if (resolve(path, &a) == -1)
		return -1;
	if (a.tree == NULL)
		fd = open_retry(AT_FDCWD, path, flags, mode);
	else if ((fd = open_retry(a.dfd, a.name, flags | O_NOFOLLOW, mode)) == -1 &&
	    errno == ELOOP &&
	    planted(a.tree, a.dfd, a.name, path, strlen(path)) == -1 && errno == ENOENT &&
	    (flags & O_CREAT))
		fd = open_retry(a.dfd, a.name, flags | O_NOFOLLOW | O_EXCL, mode);
	saved = errno;
	at_done(&a);
	errno = saved;
	return fd;
}

/* Write all of buf at off, or at the file offset when off < 0: 0, or -1. */
static int
write_all(int fd, const void *buf, size_t len, off_t off)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = off < 0 ? write(fd, p, len) : pwrite(fd, p, len, off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

/* Read up to len bytes at off, or at the file offset when off < 0, stopping early only at end of file. */
static ssize_t
read_all(int fd, void *buf, size_t len, off_t off)
{
	char	*p = buf;
	size_t	 got = 0;
	ssize_t	 n;

	while (got < len) {
		n = off < 0 ? read(fd, p + got, len - got) :
		    pread(fd, p + got, len - got, off + (off_t)got);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int
fio_write(int fd, const void *buf, size_t len)
{
	if (fd > STDERR_FILENO)		/* spool files, not the CGI answer */
		FAULT("write", -1);
	return write_all(fd, buf, len, -1);
}

int
fio_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	FAULT("write", -1);
	return write_all(fd, buf, len, off);
}

ssize_t
fio_read(int fd, void *buf, size_t len)
{
	return read_all(fd, buf, len, -1);
}

ssize_t
fio_pread(int fd, void *buf, size_t len, off_t off)
{
	return read_all(fd, buf, len, off);
}

int
fio_datasync(int fd)
{
	int	 rc;

	FAULT("sync", -1);
	do
		rc = fdatasync(fd);
	while (rc == -1 && errno == EINTR);
	return rc;
}

/* close is not retried on EINTR: on Linux the descriptor is gone either way. */
int
fio_close(int fd)
{
	if (close(fd) == -1 && errno != EINTR)
		return -1;
	FAULT("close", -1);	/* after the real close: the descriptor is gone either way */
	return 0;
}

int
fio_truncate(int fd, off_t len)
{
	int	 rc;

	FAULT("truncate", -1);
	do
		rc = ftruncate(fd, len);
	while (rc == -1 && errno == EINTR);
	return rc;
}

int
fio_rename(const char *from, const char *to)
{
	struct at	 a, b;
	int		 rc, saved;

	FAULT("rename", -1);
	if (resolve(from, &a) == -1)
		return -1;
	if (resolve(to, &b) == -1) {
		saved = errno;
		at_done(&a);
		errno = saved;
		return -1;
	}
	/* rename never follows a link at either name: one at to is replaced. */
	do
		rc = renameat(a.dfd, a.name, b.dfd, b.name);
	while (rc == -1 && errno == EINTR);
	saved = errno;
	at_done(&a);
	at_done(&b);
	/* A directory renamed, or replaced at to: its old descriptors name something else now. */
	if (rc == 0) {
		forget_dirs(from);
		forget_dirs(to);
	}
	errno = saved;
	return rc;
}

int
fio_unlink(const char *path)
{
	struct at	 a;
	int		 rc, saved;

	FAULT("unlink", -1);
	if (resolve(path, &a) == -1)
		return -1;
	rc = unlinkat(a.dfd, a.name, 0);	/* removes a link, never its target */
	saved = errno;
	at_done(&a);
	errno = saved;
	return rc;
}

int
fio_stat(const char *path, struct stat *st)
{
	struct at	 a;
	int		 rc, saved;

	if (resolve(path, &a) == -1)
		return -1;
	rc = fstatat(a.dfd, a.name, st, a.tree ? AT_SYMLINK_NOFOLLOW : 0);
	if (rc == 0 && a.tree && S_ISLNK(st->st_mode))
		rc = planted(a.tree, a.dfd, a.name, path, strlen(path));
	saved = errno;
	at_done(&a);
	errno = saved;
	return rc;
}

int
fio_fstat(int fd, struct stat *st)
{
	return fstat(fd, st);
}

DIR *
fio_opendir(const char *path)
{
	DIR	*d;
	int	 fd;

	if ((fd = fio_open(path, O_RDONLY | O_DIRECTORY, 0)) == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		(void)fio_close(fd);
	return d;
}

int
fio_sync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = fio_open(dir, O_RDONLY | O_DIRECTORY, 0)) == -1)
		return -1;
	if (FAULT_HIT("sync")) {
		(void)close(fd);
		return -1;
	}
	do
		rc = fsync(fd);
	while (rc == -1 && errno == EINTR);
	if (fio_close(fd) == -1)
		rc = -1;
	return rc;
}

int
fio_mkdir(const char *path, mode_t mode)
{
	struct stat	 st;
	struct at	 a;
	int		 rc = -1, saved;

	if (resolve(path, &a) == -1)
		return -1;
	if (mkdirat(a.dfd, a.name, mode) == 0) {
		rc = 1;
		goto done;
	}
	if (errno != EEXIST ||
	    fstatat(a.dfd, a.name, &st, a.tree ? AT_SYMLINK_NOFOLLOW : 0) == -1)
		goto done;
	if (S_ISDIR(st.st_mode))
		rc = 0;
	else if (a.tree == NULL)
		errno = ENOTDIR;
	else if (planted(a.tree, a.dfd, a.name, path, strlen(path)) == -1 &&
	    errno == ENOENT && mkdirat(a.dfd, a.name, mode) == 0)
		rc = 1;
done:
	saved = errno;
	at_done(&a);
	errno = saved;
	return rc;
}

int
fio_keep_dir(const char *path, mode_t mode)
{
	char		 inside[PATH_MAX];
	struct at	 a;
	int		 made = 0;

	/* Resolving a name in it opens it and keeps it. */
	if (ut_path(inside, sizeof(inside), "%s/.", path) == -1)
		return -1;
	while (resolve(inside, &a) == -1) {
		if (errno != ENOENT || made)
			return -1;
		if ((made = fio_mkdir(path, mode)) == -1)
			return -1;
		made = 1;
	}
	at_done(&a);
	return made;
}

int
fio_allocate(int fd, off_t len)
{
	int	 rc;

	FAULT("write", -1);
	do
		rc = posix_fallocate(fd, 0, len);
	while (rc == EINTR);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

/* Tries before a run of taken random names is believed to be a fault. */
#define TMP_TRIES	32

/*
 * dir/<base>.tmp.<16 hex digits from getrandom>: no pid or counter, which
 * repeat across PID namespaces and hosts sharing a spool.  0, or -1.
 */
static int
random_name(const char *dir, const char *base, char *path, size_t len)
{
	uint64_t	 r;
	ssize_t		 n;

	do
		n = getrandom(&r, sizeof(r), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(r)) {
		if (n != -1)
			errno = EIO;
		return -1;
	}
	return ut_path(path, len, "%s/%s" FIO_TMP_MARK "%016" PRIx64, dir, base, r);
}

int
fio_mktemp(const char *dir, const char *base, mode_t mode, char *path, size_t len)
{
	int	 fd = -1, i, saved;

	for (i = 0; i < TMP_TRIES && fd == -1; i++) {
		if (random_name(dir, base, path, len) == -1)
			return -1;
		fd = fio_open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
		if (fd == -1 && errno != EEXIST)
			return -1;
	}
	if (fd == -1)
		return -1;
	if (fio_trylock(fd, 0) == -1) {
		saved = errno;
		(void)close(fd);
		(void)fio_unlink(path);
		errno = saved;
		return -1;
	}
	return fd;
}

int
fio_mkdtemp(const char *dir, const char *base, char *path, size_t len)
{
	char	 lock[PATH_MAX];
	int	 fd, i, saved;

	for (i = 0; i < TMP_TRIES; i++) {
		if (random_name(dir, base, path, len) == -1)
			return -1;
		if (mkdir(path, 0700) == 0)
			break;
		if (errno != EEXIST)
			return -1;
	}
	if (i == TMP_TRIES)
		return -1;
	if (ut_path(lock, sizeof(lock), "%s/" FIO_TMP_LOCK, path) == -1 ||
	    (fd = fio_open(lock, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)) == -1)
		goto fail;
	if (fio_trylock(fd, 0) == -1) {
		saved = errno;
		(void)close(fd);
		(void)fio_unlink(lock);
		errno = saved;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	forget_dirs(path);
	(void)rmdir(path);
	errno = saved;
	return -1;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
fio_remove_tree(const char *path)
{
	forget_dirs(path);
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Whether the temporary file or directory dir/name is held by a live
 * process: 1, or 0 with a descriptor in *fd that keeps the lock taken
 * here until the entry is gone (-1 when there is no lock file).
 */
static int
is_held(const char *dir, const char *name, int isdir, int *fd)
{
	char	 path[PATH_MAX];

	*fd = -1;
	if (ut_path(path, sizeof(path), isdir ? "%s/%s/" FIO_TMP_LOCK : "%s/%s",
	    dir, name) == -1)
		return 1;
	if ((*fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1)
		/* A directory's maker died before it made the lock file: age alone decides. */
		return !(isdir && errno == ENOENT);
	if (fio_trylock(*fd, 0) == 0)
		return 0;
	(void)close(*fd);
	*fd = -1;
	return 1;
}

int
fio_sweep(const char *dir, time_t cutoff, int all)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 st;
	char		 path[PATH_MAX];
	int		 n = 0, fd, isdir;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    (!all && strstr(de->d_name, FIO_TMP_MARK) == NULL) ||
		    fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    st.st_mtime > cutoff ||
		    ut_path(path, sizeof(path), "%s/%s", dir, de->d_name) == -1)
			continue;
		isdir = S_ISDIR(st.st_mode);
		if (S_ISREG(st.st_mode) || isdir) {
			if (is_held(dir, de->d_name, isdir, &fd))
				continue;
		} else
			fd = -1;	/* a link or other node: removed, never followed */
		if ((isdir ? fio_remove_tree(path) : unlink(path)) == 0) {
			ut_log("removed %s, left by a process "
			    "that ended before finishing it", path);
			n++;
		}
		if (fd != -1)
			(void)close(fd);
	}
	(void)closedir(dp);
	return n;
}

int
fio_trylock(int fd, int shared)
{
	struct flock	 fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = shared ? F_RDLCK : F_WRLCK;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, F_OFD_SETLK, &fl);
}

/* SIGALRM only has to end a lock wait: it does nothing. */
static void
wake(int sig)
{
	(void)sig;
}

int
fio_lock(int fd, int shared, int timeout_ms)
{
	static const struct itimerval stop;
	struct sigaction	 sa, old;
	struct itimerval	 it;
	struct timespec		 now, end;
	struct flock		 fl;
	int			 rc, saved;

	if ((rc = fio_trylock(fd, shared)) == 0 || (errno != EAGAIN && errno != EACCES))
		return rc;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wake;		/* no SA_RESTART: the signal ends the wait */
	(void)sigemptyset(&sa.sa_mask);
	if (clock_gettime(CLOCK_MONOTONIC, &end) == -1 || sigaction(SIGALRM, &sa, &old) == -1)
		return -1;
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	/* At the deadline, then every 10 ms: a signal that came just before the wait began is not the last. */
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = timeout_ms / 1000;
	it.it_value.tv_usec = (timeout_ms % 1000) * 1000L + 1;
	it.it_interval.tv_usec = 10000;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = shared ? F_RDLCK : F_WRLCK;
	fl.l_whence = SEEK_SET;
	if ((rc = setitimer(ITIMER_REAL, &it, NULL)) == 0)
		for (;;) {
			if ((rc = fcntl(fd, F_OFD_SETLKW, &fl)) == 0 || errno != EINTR)
				break;
			if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
				break;
			if (now.tv_sec > end.tv_sec ||
			    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
				errno = ETIMEDOUT;
				break;
			}
		}
	saved = errno;
	(void)setitimer(ITIMER_REAL, &stop, NULL);
	(void)sigaction(SIGALRM, &old, NULL);
	errno = saved;
	return rc;
}

int
fio_replace(const char *dir, const char *name, const void *buf, size_t len,
    mode_t mode, int sync)
{
	char	 tmp[PATH_MAX], dst[PATH_MAX], base[NAME_MAX + 2];
	int	 fd;

	if (ut_path(base, sizeof(base), ".%s", name) == -1 ||
	    ut_path(dst, sizeof(dst), "%s/%s", dir, name) == -1)
		return -1;
	if ((fd = fio_mktemp(dir, base, mode, tmp, sizeof(tmp))) == -1)
		return -1;
	if (fio_write(fd, buf, len) == -1 || (sync && fio_datasync(fd) == -1)) {
		(void)fio_close(fd);
		goto fail;
	}
	if (fio_close(fd) == -1)
		goto fail;
	if (fio_rename(tmp, dst) == -1)
		goto fail;
	return sync ? fio_sync_dir(dir) : 0;
fail:
	(void)fio_unlink(tmp);
	return -1;
}

int
fio_slurp(const char *path, char **buf, size_t *len)
{
	struct stat	 st;
	char		*p = NULL;
	ssize_t		 n;
	int		 fd;

	if ((fd = fio_open(path, O_RDONLY, 0)) == -1)
		return -1;
	if (fio_fstat(fd, &st) == -1)
		goto fail;
	if ((p = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	if ((n = fio_read(fd, p, (size_t)st.st_size)) == -1)
		goto fail;
	p[n] = '\0';
	if (fio_close(fd) == -1) {
		free(p);
		return -1;
	}
	*buf = p;
	*len = (size_t)n;
	return 0;
fail:
	free(p);
	(void)fio_close(fd);
	return -1;
}

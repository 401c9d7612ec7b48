/*
 * fsio.c: file system calls with EINTR retries and checked results.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "util.h"

#ifdef YH_FAULTS
/*
 * Test builds only (the yespo-hook-faults binary): YH_FAULT="op:k" makes
 * the k-th call of op fail, "op:k:forever" that call and every later one.
 * op is open, write, sync, rename, close or truncate.
 */
static int
fault(const char *op)
{
	static unsigned	 calls[8];
	static const char *const ops[] = { "open", "write", "sync", "rename", "close", "truncate" };
	const char	*spec = getenv("YH_FAULT"), *colon;
	unsigned	 i, k;

	if (spec == NULL || (colon = strchr(spec, ':')) == NULL ||
	    (size_t)(colon - spec) != strlen(op) || strncmp(spec, op, strlen(op)) != 0)
		return 0;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i], op) == 0)
			break;
	k = (unsigned)strtoul(colon + 1, NULL, 10);
	calls[i]++;
	if (calls[i] == k || (calls[i] > k && strstr(colon, ":forever") != NULL)) {
		fprintf(stderr, "yespo-hook: injected fault: %s #%u\n", op, calls[i]);
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

int
fio_open(const char *path, int flags, mode_t mode)
{
	int	 fd;

	FAULT("open", -1);
	do
		fd = open(path, flags | O_CLOEXEC, mode);
	while (fd == -1 && errno == EINTR);
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
	int	 rc;

	FAULT("rename", -1);
	do
		rc = rename(from, to);
	while (rc == -1 && errno == EINTR);
	return rc;
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

	if (mkdir(path, mode) == 0)
		return 1;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
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

/* Take an OFD write lock on all of fd's file, without waiting: 0, or -1 (EAGAIN: held). */
static int
lock_file(int fd)
{
	struct flock	 fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, F_OFD_SETLK, &fl);
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
	if (lock_file(fd) == -1) {
		saved = errno;
		(void)close(fd);
		(void)unlink(path);
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
	if (lock_file(fd) == -1) {
		saved = errno;
		(void)close(fd);
		(void)unlink(lock);
		errno = saved;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
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
	if (lock_file(*fd) == 0)
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
			fprintf(stderr, "yespo-hook: removed %s, left by a process "
			    "that ended before finishing it\n", path);
			n++;
		}
		if (fd != -1)
			(void)close(fd);
	}
	(void)closedir(dp);
	return n;
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
	(void)unlink(tmp);
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
	if (fstat(fd, &st) == -1)
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

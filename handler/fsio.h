/*
 * fsio.h: the only place that calls the kernel for files.  Every call
 * retries EINTR (libfcgi's signal handlers lack SA_RESTART), loops on short
 * transfers, and reports failure; callers answer 503 and acknowledge nothing.
 */
#ifndef YH_FSIO_H
#define YH_FSIO_H

#include <sys/types.h>
#include <stddef.h>

int	 fio_open(const char *path, int flags, mode_t mode);
/* Write all of buf: 0, or -1 with errno. */
int	 fio_write(int fd, const void *buf, size_t len);
/* Read up to len bytes, stopping early only at end of file: count, or -1. */
ssize_t	 fio_read(int fd, void *buf, size_t len);
ssize_t	 fio_pread(int fd, void *buf, size_t len, off_t off);
/* Write all of buf at off: 0, or -1 with errno. */
int	 fio_pwrite(int fd, const void *buf, size_t len, off_t off);
int	 fio_datasync(int fd);
int	 fio_close(int fd);
int	 fio_truncate(int fd, off_t len);
int	 fio_rename(const char *from, const char *to);
/* fsync a directory, so that names created or renamed in it survive a crash. */
int	 fio_sync_dir(const char *dir);
/* mkdir that accepts an existing directory: 1 when it made it, 0 when it was there, -1. */
int	 fio_mkdir(const char *path, mode_t mode);

/*
 * Replace dir/name with buf atomically: write dir/.name.tmp, rename.  Readers
 * see the old or the new file whole.  With sync set, the data is synced
 * before the rename and the directory after, so the new file survives a
 * power cut too.
 */
int	 fio_replace(const char *dir, const char *name, const void *buf, size_t len,
	    mode_t mode, int sync);

/* Read a whole small file into a malloc'd NUL-terminated buffer: 0, -1 (errno ENOENT when absent). */
int	 fio_slurp(const char *path, char **buf, size_t *len);

#endif

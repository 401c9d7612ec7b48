/*
 * fsio.h: the only place that calls the kernel for files.  Every call
 * retries EINTR (libfcgi's signal handlers lack SA_RESTART), loops on short
 * transfers, and reports failure; callers answer 503 and acknowledge nothing.
 */
#ifndef YH_FSIO_H
#define YH_FSIO_H

#include <sys/types.h>
#include <stddef.h>
#include <time.h>

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
 * Temporary names carry FIO_TMP_MARK and 64 random bits: unique across
 * processes, PID namespaces and hosts sharing the directory.
 */
#define FIO_TMP_MARK	".tmp."
/* The file in a temporary directory whose lock says its maker is alive. */
#define FIO_TMP_LOCK	"lock"

/*
 * Create dir/<base>.tmp.<random> with O_EXCL (a new name on EEXIST), open
 * read-write, and hold an OFD lock on it while it is open, so that no
 * sweeper takes it for the leftover of a dead process.  Writes the name to
 * path.  Returns the descriptor, or -1 with errno.
 */
int	 fio_mktemp(const char *dir, const char *base, mode_t mode, char *path, size_t len);
/*
 * Create a directory dir/<base>.tmp.<random> (0700) the same way, with a
 * file FIO_TMP_LOCK in it held locked.  Writes the directory's name to
 * path.  Returns the lock file's descriptor (close it when done with the
 * directory), or -1 with errno.
 */
int	 fio_mkdtemp(const char *dir, const char *base, char *path, size_t len);

/*
 * Remove the temporary entries of dir last changed at or before cutoff
 * that no live process holds (its lock is free, or a directory has no
 * lock file): with all set every entry (a directory of temporaries only),
 * else only names carrying FIO_TMP_MARK.  Links are removed, never
 * followed.  Each removal is logged.  Returns the number removed, or -1
 * with errno when dir cannot be read.
 */
int	 fio_sweep(const char *dir, time_t cutoff, int all);
/* Remove a file or a directory tree, never following a link: 0, or -1. */
int	 fio_remove_tree(const char *path);

/*
 * Replace dir/name with buf atomically: write a temporary file
 * dir/.name.tmp.<random> (fio_mktemp), rename.  Readers
 * see the old or the new file whole.  With sync set, the data is synced
 * before the rename and the directory after, so the new file survives a
 * power cut too.
 */
int	 fio_replace(const char *dir, const char *name, const void *buf, size_t len,
	    mode_t mode, int sync);

/* Read a whole small file into a malloc'd NUL-terminated buffer: 0, -1 (errno ENOENT when absent). */
int	 fio_slurp(const char *path, char **buf, size_t *len);

#endif

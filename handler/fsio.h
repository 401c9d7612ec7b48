/*
 * fsio.h: the only place that calls the kernel for files.  Every call
 * retries EINTR (libfcgi's signal handlers lack SA_RESTART), loops on short
 * transfers, and reports failure; callers answer 503 and acknowledge nothing.
 *
 * A path under a tree named with fio_root is opened from the tree's
 * directory descriptor one component at a time with O_NOFOLLOW: a symbolic
 * link planted inside the tree is never followed (see yespo-hook(8)).
 *
 * Calls on files made elsewhere, and why:
 *   - readdir/closedir (archive.c, csvview.c, check.c): streams over a
 *     directory fio_opendir opened; fault injection reaches that open.
 *   - access (spool.c sp_check): the process's own rights, which no
 *     descriptor tells; it writes nothing.
 *   - mkdtemp, nftw/remove (check.c): --verify's scratch in TMPDIR, outside
 *     the trees, made and removed by this process alone.
 *   - fopen (conf.c scan_literal, and libconfig itself), readlink of
 *     /proc/self/exe and open of "." for @include (conf.c), fopen of
 *     /proc/.../boot_id, /etc/passwd and /etc/group (util.c): reading the
 *     configuration and the system, never the spool or csv_dir.
 *   - stat, access, opendir in health.c: the probe's and --check's look at
 *     spool_dir and csv_dir, reading only, asking this process's rights.
 *   - statvfs in status.c: the free space of spool_dir's file system for
 *     --status, which no descriptor call gives more simply; reads only.
 *   - futimens (spool.c sp_sweep): the sweep's time stamp, on a descriptor
 *     fio_open opened.
 *   - readdir (page.c, xlsx.c, consumer.c, retain.c), as for archive.c above.
 *   - getrandom (csvview.c): the ID of a new summary journal; no file call.
 *   - fio_remove_tree (nftw, FTW_PHYS: a link is removed, never followed)
 *     of a CSV day folder by retention (retain.c), csv_dir/YYYY-MM-DD
 *     named from a day number, never from request data.
 *   - open of /dev/null, exec and the command's own files (hook.c): the
 *     on_commit command, a program of the administrator's.
 *   - fopen by libxlsxwriter (xlsx.c) of the workbook and its temporary
 *     files in spool/tmp, a directory no web user can reach; the result
 *     is copied into csv_dir through fsio.
 *   - In fsio.c itself, the sweep of stale temporaries (opendir, open,
 *     unlink, rmdir, nftw in spool/tmp, index/, views/, and by --erase in
 *     archive/: directories sp_open has checked are no links) and
 *     getrandom for their names.
 */
#ifndef YH_FSIO_H
#define YH_FSIO_H

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <stddef.h>
#include <time.h>

enum fio_tree {
	FIO_SPOOL,	/* spool_dir */
	FIO_CSV		/* csv_dir */
};

/*
 * Confine every later call on a path under root (itself followed, as the
 * administrator may make it a link).  A link met inside is logged, then
 * with mend set removed (the link, never its target) and its name made
 * anew where the call creates; else refused with ELOOP.  Naming another
 * root drops the tree's cached descriptors; naming the same one keeps them.
 */
void	 fio_root(enum fio_tree, const char *root, int mend);
/*
 * Close the tree's cached descriptors, as when another process may have
 * renamed or removed directories in it (the writer lock changed hands).
 */
void	 fio_forget(enum fio_tree);

/* open(2), confined as above: the descriptor, or -1 with errno. */
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
/* rename(2): a link at to is replaced, never followed.  0, or -1 with errno. */
int	 fio_rename(const char *from, const char *to);
/* unlink(2): a link is removed, never its target.  0, or -1 with errno. */
int	 fio_unlink(const char *path);
/* stat(2); in a tree, of the name itself (a link is planted: see fio_root).  0, or -1. */
int	 fio_stat(const char *path, struct stat *);
int	 fio_fstat(int fd, struct stat *);
/* opendir(3) through fio_open: the stream, or NULL with errno. */
DIR	*fio_opendir(const char *path);
/* Reserve len bytes from the start of fd (posix_fallocate): 0, or -1 with errno. */
int	 fio_allocate(int fd, off_t len);
/* Try to take an OFD lock, write or shared, on the whole of fd: 0, or -1 with errno (EAGAIN: held). */
int	 fio_trylock(int fd, int shared);
/*
 * Take that lock, waiting at most timeout_ms in the kernel's queue
 * (F_OFD_SETLKW, ended by SIGALRM from an interval timer), so a waiter
 * gets the lock as soon as it is let go, not at its next poll.  0, or -1
 * with errno (ETIMEDOUT when the wait ran out).
 */
int	 fio_lock(int fd, int shared, int timeout_ms);
/* fsync a directory, so that names created or renamed in it survive a crash. */
int	 fio_sync_dir(const char *dir);
/* mkdir that accepts an existing directory: 1 when it made it, 0 when it was there, -1. */
int	 fio_mkdir(const char *path, mode_t mode);
/*
 * fio_mkdir of a directory in a tree, kept open for the calls that follow
 * until its tree is named with another root or forgotten: 1 made, 0 there, -1.
 */
int	 fio_keep_dir(const char *path, mode_t mode);

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

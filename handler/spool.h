/*
 * spool.h: the spool's layout and its one writer lock.
 */
#ifndef YH_SPOOL_H
#define YH_SPOOL_H

#include <limits.h>
#include <stddef.h>

struct spool {
	const char	*root;
	char		 archive[PATH_MAX];	/* archive/: YYYY-MM-DD.jsonl */
	char		 index[PATH_MAX];	/* index/keys.idx */
	char		 views[PATH_MAX];	/* views/ */
	char		 quarantine[PATH_MAX];	/* quarantine/ */
	char		 tmp[PATH_MAX];		/* tmp/ */
	char		 lock[PATH_MAX];	/* lock */
	char		 consumers[PATH_MAX];	/* consumers/: made by the first consumer */
	int		 lockfd;
};

/* The spool's subdirectories, NULL-terminated. */
extern const char *const sp_subdirs[];

/*
 * Check that the spool directory exists and is writable, and make its
 * subdirectories (0700) when missing.  Returns 0, or -1 with a one-line
 * message in err saying what to do.
 */
int	 sp_open(struct spool *, const char *root, char *err, size_t errlen);

/* Name the spool's paths (and confine file calls under root), looking at nothing: 0, or -1 (too long). */
int	 sp_name(struct spool *, const char *root);
/* sp_open for reading only: the paths named, nothing made.  0, or -1 with err. */
int	 sp_look(struct spool *, const char *root, char *err, size_t errlen);

/* Whether root is a directory this process can write (write set) or read: 0, or -1 with err. */
int	 sp_check(const char *root, int write, char *err, size_t errlen);

/*
 * Take the writer lock (an OFD lock on <spool>/lock), waiting at most
 * timeout_ms.  Returns 0, or -1 with errno (ETIMEDOUT when the wait ran out).
 */
int	 sp_lock(struct spool *, int timeout_ms);
/* A shared lock, so no writer runs meanwhile; made by no one: 0 when the lock file is absent. */
int	 sp_lock_read(struct spool *, int timeout_ms);
void	 sp_unlock(struct spool *);

/*
 * The spool's format, in <spool>/format ("2\n"); a spool without the file
 * is format 1.  1: index keys hashed from raw bytes; 2: from decoded values
 * (ev_key).  A newer binary makes the index anew from the archive when the
 * format is older; an older one refuses a newer spool.
 */
#define SP_FORMAT	2

/* The spool's format: 1 or more, or -1 with errno (EINVAL: not a format file). */
int	 sp_format(const struct spool *);
/* Whether this binary may use a spool of the format it has. */
enum sp_format_fit {
	SP_FORMAT_REFUSED = -1,	/* newer than SP_FORMAT, or unreadable */
	SP_FORMAT_OLDER = 0,	/* upgrade it */
	SP_FORMAT_CURRENT = 1
};
/* The fit of the spool's format, with one line in err when refused (errno EPROTONOSUPPORT: newer). */
enum sp_format_fit	 sp_check_format(const struct spool *, char *err, size_t errlen);
/* Record SP_FORMAT durably: 0, or -1 with errno. */
int	 sp_set_format(const struct spool *);

/*
 * The day whose archive was written last (views/current) into *day, -1
 * when none yet (or the marker is unreadable): 0, or -1 with errno.
 */
int	 sp_current_day(const struct spool *, int *day);
int	 sp_set_current_day(const struct spool *, int day);

/*
 * Remove temporary files and directories (tmp/, and the temporary names in
 * index/ and views/) untouched for an hour that no live process holds:
 * what a killed writer or --verify left.  Without force, at most once a
 * minute (a stamp file in views/ tells processes apart).  Never fails.
 */
void	 sp_sweep(const struct spool *, int force);

/*
 * The record of views left behind their archive (views/behind): the first
 * day whose views may lag, and the text of the last failure.  Returns 1
 * with both filled in, 0 when there is no record, -1 with errno.
 */
int	 sp_views_behind(const struct spool *, int *day, char *text, size_t len);
/* Record that day's views are behind because of text, keeping an earlier day: 0, or -1. */
int	 sp_set_views_behind(const struct spool *, int day, const char *text);
/* Forget the record, the views being whole again: 0, or -1 with errno. */
int	 sp_clear_views_behind(const struct spool *);

#endif

/*
 * health.h: the state of a configured spool, for the probe and --check.
 */
#ifndef YH_HEALTH_H
#define YH_HEALTH_H

#include <stddef.h>
#include <time.h>

struct conf;
struct cv_day;
struct spool;

/* Whether a POST could be stored now: 0, or -1 with the reason in err. */
int	 hl_spool_ready(const struct conf *, char *err, size_t errlen);

/*
 * Whether a wrong setup would stop the feed (the probe and --check): make
 * csv_dir with its parents when missing, and check that spool_dir, its
 * subdirectories and files, csv_dir and today's CSV files are writable by
 * the running user.  Returns 0, or -1 with one line in err naming the path,
 * the problem and the user.
 */
int	 hl_setup_ok(const struct conf *, char *err, size_t errlen);

/*
 * Today's figures for the probe: events in today's views and when today's
 * archive last grew (0 when it has not).  Reads only.  0, or -1.
 */
int	 hl_figures(const struct conf *, unsigned long long *events, time_t *last);

/* The events a day's view holds: the sum of its summary counts. */
unsigned long long	 hl_day_events(const struct cv_day *);

/*
 * When the archive day last grew: its file's mtime, plain or compressed;
 * 0 when it has neither.
 */
time_t	 hl_day_mtime(const struct spool *, int day);

#endif

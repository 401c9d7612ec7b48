/*
 * retain.h: the spool's upkeep after an answer, under the writer lock:
 * closed archive days compressed (archive_compress) and, at most once a
 * day, what is older than retention_days removed (yespo-hook.conf(5)).
 */
#ifndef YH_RETAIN_H
#define YH_RETAIN_H

#include <time.h>

struct conf;
struct spool;

/*
 * Compress the oldest closed archive day still plain, one a call (the lock
 * is held meanwhile): a day before yesterday and before the day written
 * last, which no writer picks (handler/DESIGN.md); none when
 * archive_compress is off.  A gz copy left beside a day that stays plain
 * is removed.  Returns 1 when it compressed a day,
 * 0 when none was due, -1 (logged).
 */
int	 rt_compress(const struct conf *, const struct spool *, int today);

/*
 * Once a day (the stamp views/retention): remove the archive days, CSV
 * day folders (with their workbooks) and view states before today -
 * retention_days, oldest first, keeping from the oldest day a consumer
 * that is not stale still needs; then quarantine files older than
 * retention_days.  Each removal is logged.  Consumers left in a removed
 * day move on (cs_move_past).  0, or -1 (logged).
 */
int	 rt_expire(const struct conf *, const struct spool *, int today, time_t now);

/*
 * Whether rt_compress or rt_expire has work, looked at without the lock
 * (they decide again under it): a closed day still plain, a day in both
 * forms, or retention not yet run today.  1 or 0.
 */
int	 rt_due(const struct conf *, const struct spool *, int today);

#endif

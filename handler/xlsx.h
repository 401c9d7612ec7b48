/*
 * xlsx.h: the workbook of a closed receipt day,
 * <csv_dir>/YYYY-MM-DD/YYYY-MM-DD.xlsx: one sheet per STATUS file with the
 * same columns and rows, and a summary sheet.  Every cell is text (ids,
 * phone numbers and tags are identifiers, not quantities), except
 * receivedAt and activityDateTime (date-time cells), hardBounce (a
 * boolean) and the summary's events (a number).
 */
#ifndef YH_XLSX_H
#define YH_XLSX_H

#include <sys/types.h>

#include <stddef.h>

struct conf;
struct ex_opts;
struct spool;

/*
 * Write the day's workbook from its archive, replacing any earlier one
 * atomically.  Memory stays flat however long the day (rows go to
 * temporary files in the spool).  Call it without the writer lock: a
 * closed day's archive no longer changes.  Returns 0, or -1 with errno.
 */
int	 xl_write_day(const struct conf *, int day);

/*
 * Write the workbook of the newest closed day of the last week that has
 * CSV files and no workbook yet: at most one per call, so that turning
 * xlsx on for an old spool spreads the work (--rebuild writes them all).
 * Without the writer lock; a second caller meanwhile skips.  Returns 0
 * (also when nothing was due or another caller is at it), or -1 with errno.
 */
int	 xl_catch_up(const struct conf *, const struct spool *, int today);

/*
 * --export --format xlsx: the events of the n days (up to their sizes)
 * that o's STATUS filter keeps, as a workbook at path: one sheet per
 * STATUS in the order first met, a first column day, then the columns
 * of the STATUS files, cells typed as in a day's workbook.  Memory stays
 * flat; on a terminal, a progress line on stderr (ut_progress).  Returns
 * 0, or -1 with errno.
 */
int	 xl_export(const struct conf *, const struct spool *, const struct ex_opts *o,
	    const int *days, const off_t *sizes, size_t n, const char *path);

#endif

/*
 * page.h: the download page, <csv_dir>/index.html, made from what csv_dir
 * holds: the days with data, newest first, their per-status counts (from
 * each day's summary.csv), links to the files that exist, today's count
 * and last event, and a chart of the last 30 days.  Plain HTML with inline
 * CSS and SVG: no script, nothing fetched from elsewhere.
 */
#ifndef YH_PAGE_H
#define YH_PAGE_H

#include <time.h>

/*
 * Write <csv_dir>/index.html anew, atomically (readers see the old page
 * or the new one whole).  today is the receipt day now, last when its
 * archive last grew (0: no event today).  A csv_dir not made yet (no
 * event stored so far) has no page to show: nothing is written.  Returns
 * 0, or -1 with errno.
 */
int	 pg_write(const char *csv_dir, int today, time_t last);

#endif

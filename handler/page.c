/*
 * page.c: the download page, made from csv_dir alone, so it can never
 * link to a file that is not there nor count what the summaries do not.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "fsio.h"
#include "page.h"
#include "util.h"

#define CHART_DAYS	30
#define MAX_STATUSES	128	/* shown per day; max_status_files keeps it lower */

struct pg_status {
	char			 name[EV_STATUS_MAX + 1];
	unsigned long long	 events;
	int			 file;	/* STATUS.csv exists */
};

struct pg_day {
	int			 day;
	unsigned long long	 events;
	struct pg_status	*st;
	size_t			 nst;
	int			 summary, xlsx;
};

/* Bar colours of the statuses Yespo documents; the rest share grey. */
static const struct {
	const char	*name, *colour;
} palette[] = {
	{ "SENT", "#00838f" }, { "DELIVERED", "#2e7d32" },
	{ "READ", "#1565c0" }, { "CLICKED", "#6a1b9a" },
	{ "UNDELIVERED", "#c62828" }, { "UNSUBSCRIBED", "#ef6c00" },
	{ "SPAM", "#ad1457" }, { "SUBSCRIPTION_CHANGED", "#5d4037" },
};

static const char *
colour_of(const char *status)
{
	size_t	 i;

	for (i = 0; i < sizeof(palette) / sizeof(palette[0]); i++)
		if (strcmp(palette[i].name, status) == 0)
			return palette[i].colour;
	return "#757575";
}

static int
put(struct ut_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 at = b->len;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* Room for the text and vsnprintf's NUL, which the next put overwrites. */
	if (n < 0 || ut_buf_add(b, NULL, (size_t)n + 1) == -1)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(b->p + at, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len = at + (size_t)n;
	return 0;
}

/* The day's entry for status, made when new: the entry, or NULL. */
static struct pg_status *
find_status(struct pg_day *d, const char *name, size_t n)
{
	struct pg_status	*s;
	size_t			 i;

	for (i = 0; i < d->nst; i++)
		if (strlen(d->st[i].name) == n && memcmp(d->st[i].name, name, n) == 0)
			return &d->st[i];
	if (d->nst == MAX_STATUSES || !ev_status_valid(name, n))
		return NULL;
	if ((s = realloc(d->st, (d->nst + 1) * sizeof(*s))) == NULL)
		return NULL;
	d->st = s;
	s = &d->st[d->nst++];
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, n);
	return s;
}

/* Add summary.csv's counts per status (its first and last columns) to d. */
static void
count_summary(struct pg_day *d, const char *text, size_t len)
{
	const char		*p = text, *end = text + len, *f, *status = NULL;
	struct pg_status	*s;
	size_t			 n, sn = 0;
	int			 sep, col = 0, header = 1;
	const char		*why;
	long long		 v;
	char			 num[24];

	while (p < end) {
		sep = ut_csv_field(&p, end, &f, &n);
		if (col++ == 0) {
			status = f;
			sn = n;
		}
		if (sep == ',')
			continue;
		/* The last field of a record: the events. */
		if (!header && n < sizeof(num)) {
			memcpy(num, f, n);
			num[n] = '\0';
			v = ut_strtonum(num, 0, LLONG_MAX, &why);
			if (why == NULL && (s = find_status(d, status, sn)) != NULL) {
				s->events += (unsigned long long)v;
				d->events += (unsigned long long)v;
			}
		}
		header = 0;
		col = 0;
	}
}

/* What <csv_dir>/<day>/ holds: 0, or -1 with errno. */
static int
read_day(const char *csv_dir, struct pg_day *d)
{
	struct dirent		*de;
	struct pg_status	*s;
	DIR			*dir;
	char			 ymd[11], path[PATH_MAX], xlsx[16];
	char			*text;
	size_t			 n, len;

	ut_format_day(d->day, ymd);
	snprintf(xlsx, sizeof(xlsx), "%s.xlsx", ymd);
	if (ut_path(path, sizeof(path), "%s/%s/summary.csv", csv_dir, ymd) == -1)
		return -1;
	if (fio_slurp(path, &text, &len) == 0) {
		d->summary = 1;
		count_summary(d, text, len);
		free(text);
	} else if (errno != ENOENT)
		return -1;
	if (ut_path(path, sizeof(path), "%s/%s", csv_dir, ymd) == -1 ||
	    (dir = fio_opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		n = strlen(de->d_name);
		if (strcmp(de->d_name, xlsx) == 0)
			d->xlsx = 1;
		else if (n > 4 && strcmp(de->d_name + n - 4, ".csv") == 0 &&
		    (s = find_status(d, de->d_name, n - 4)) != NULL)
			s->file = 1;
	}
	(void)closedir(dir);
	return 0;
}

static int
cmp_day_desc(const void *a, const void *b)
{
	const struct pg_day *x = a, *y = b;

	return (x->day < y->day) - (x->day > y->day);
}

static int
cmp_status(const void *a, const void *b)
{
	return strcmp(((const struct pg_status *)a)->name,
	    ((const struct pg_status *)b)->name);
}

/* Every day directory of csv_dir, newest first: 0, or -1 with errno. */
static int
read_days(const char *csv_dir, struct pg_day **days, size_t *ndays)
{
	struct dirent	*de;
	struct pg_day	*d;
	DIR		*dir;
	size_t		 i;
	int		 day;

	*days = NULL;
	*ndays = 0;
	if ((dir = fio_opendir(csv_dir)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if ((day = ut_parse_day(de->d_name)) == -1)
			continue;
		if ((d = realloc(*days, (*ndays + 1) * sizeof(*d))) == NULL)
			goto fail;
		*days = d;
		d = &d[(*ndays)++];
		memset(d, 0, sizeof(*d));
		d->day = day;
	}
	(void)closedir(dir);
	dir = NULL;
	for (i = 0; i < *ndays; i++) {
		d = &(*days)[i];
		if (read_day(csv_dir, d) == -1 && errno != ENOENT && errno != ENOTDIR)
			goto fail;
		/* qsort's array may not be NULL, even with no element. */
		if (d->nst > 0)
			qsort(d->st, d->nst, sizeof(*d->st), cmp_status);
	}
	if (*ndays > 0)
		qsort(*days, *ndays, sizeof(**days), cmp_day_desc);
	return 0;
fail:
	if (dir != NULL)
		(void)closedir(dir);
	return -1;
}

/*
 * The last CHART_DAYS days up to today as stacked bars, one colour per
 * status, each bar titled with its day and counts (shown on hover or
 * long press, without a script).
 */
static int
put_chart(struct ut_buf *b, const struct pg_day *days, size_t ndays, int today)
{
	const int	 w = 18, gap = 4, h = 160, top = 10;
	unsigned long long max = 1, y;
	const struct pg_day *d;
	size_t		 i, k;
	char		 ymd[11];
	int		 x;

	for (i = 0; i < ndays; i++)
		if (days[i].day > today - CHART_DAYS && days[i].day <= today &&
		    days[i].events > max)
			max = days[i].events;
	if (put(b, "<figure><svg role=\"img\" aria-label=\"Events per day, last %d days\" "
	    "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
	    CHART_DAYS, CHART_DAYS * (w + gap), h + top + 20) == -1)
		return -1;
	for (i = 0; i < ndays; i++) {
		d = &days[i];
		if (d->day <= today - CHART_DAYS || d->day > today || d->events == 0)
			continue;
		x = (CHART_DAYS - 1 - (today - d->day)) * (w + gap);
		ut_format_day(d->day, ymd);
		if (put(b, "<g><title>%s: %llu events</title>", ymd, d->events) == -1)
			return -1;
		y = 0;
		for (k = 0; k < d->nst; k++) {
			unsigned long long top_y = top + h - (y + d->st[k].events) * h / max;
			unsigned long long bottom = top + h - y * h / max;

			y += d->st[k].events;
			if (bottom > top_y && put(b, "<rect x=\"%d\" y=\"%llu\" width=\"%d\" "
			    "height=\"%llu\" fill=\"%s\"/>", x, top_y, w, bottom - top_y,
			    colour_of(d->st[k].name)) == -1)
				return -1;
		}
		if (put(b, "</g>\n") == -1)
			return -1;
	}
	ut_format_day(today - CHART_DAYS + 1, ymd);
	if (put(b, "<text x=\"0\" y=\"%d\">%s</text>", h + top + 18, ymd) == -1)
		return -1;
	ut_format_day(today, ymd);
	if (put(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
	    "</svg><figcaption>Events per day over the last %d days, by status"
	    " (highest day: %llu).</figcaption></figure>\n",
	    CHART_DAYS * (w + gap) - gap, h + top + 18, ymd, CHART_DAYS, max) == -1)
		return -1;
	return 0;
}

static int
put_day(struct ut_buf *b, const struct pg_day *d)
{
	char	 ymd[11];
	size_t	 k;

	ut_format_day(d->day, ymd);
	if (put(b, "<section id=\"d%s\"><h2>%s <small>%llu events</small></h2>\n",
	    ymd, ymd, d->events) == -1)
		return -1;
	if (d->nst > 0 && put(b, "<table><thead><tr><th>Status</th><th>Events</th>"
	    "<th>Download</th></tr></thead><tbody>\n") == -1)
		return -1;
	for (k = 0; k < d->nst; k++) {
		const struct pg_status *s = &d->st[k];

		if (put(b, "<tr><td><span class=\"dot\" style=\"background:%s\"></span>%s</td>"
		    "<td class=\"n\">%llu</td><td>", colour_of(s->name), s->name, s->events) == -1)
			return -1;
		if (s->file && put(b, "<a href=\"%s/%s.csv\">CSV</a>", ymd, s->name) == -1)
			return -1;
		if (put(b, "</td></tr>\n") == -1)
			return -1;
	}
	if (d->nst > 0 && put(b, "</tbody></table>\n") == -1)
		return -1;
	if ((d->summary || d->xlsx) && put(b, "<p>") == -1)
		return -1;
	if (d->summary && put(b, "<a href=\"%s/summary.csv\">summary.csv</a> ", ymd) == -1)
		return -1;
	if (d->xlsx && put(b, "<a href=\"%s/%s.xlsx\">%s.xlsx</a>", ymd, ymd, ymd) == -1)
		return -1;
	if ((d->summary || d->xlsx) && put(b, "</p>\n") == -1)
		return -1;
	return put(b, "</section>\n");
}

static const char style[] =
    "body{font:16px/1.4 system-ui,sans-serif;margin:0 auto;max-width:48rem;padding:1rem;color:#222}"
    "h1{font-size:1.4rem}h2{font-size:1.1rem;margin:1.5rem 0 .3rem}h2 small{color:#666;font-weight:normal}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;"
    "border-bottom:1px solid #ddd}td{overflow-wrap:anywhere}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".dot{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.4rem}"
    "svg{width:100%;height:auto}svg text{font:14px sans-serif;fill:#666}figure{margin:1rem 0}"
    "figcaption{color:#666;font-size:.9rem}";

static int
render(struct ut_buf *b, const struct pg_day *days, size_t ndays, int today, time_t last)
{
	unsigned long long n = 0;
	char	 ymd[11], stamp[21];
	size_t	 i;

	for (i = 0; i < ndays; i++)
		if (days[i].day == today)
			n = days[i].events;
	ut_format_day(today, ymd);
	if (put(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>Yespo activity downloads</title>\n<style>%s</style></head><body>\n"
	    "<h1>Yespo activity downloads</h1>\n"
	    "<p id=\"today\">Today, %s: <strong>%llu</strong> events", style, ymd, n) == -1)
		return -1;
	if (last != 0) {
		ut_utc_stamp(last, stamp);
		if (put(b, "; the last at <time datetime=\"%s\">%.10s %.8s UTC</time>",
		    stamp, stamp, stamp + 11) == -1)
			return -1;
	}
	if (put(b, ".</p>\n") == -1 || put_chart(b, days, ndays, today) == -1)
		return -1;
	if (ndays == 0 && put(b, "<p>No events yet.</p>\n") == -1)
		return -1;
	for (i = 0; i < ndays; i++)
		if (put_day(b, &days[i]) == -1)
			return -1;
	return put(b, "<p><small>CSV files: RFC 4180, UTF-8. Made by yespo-hook; "
	    "refreshed at most once a minute.</small></p>\n</body></html>\n");
}

int
pg_write(const char *csv_dir, int today, time_t last)
{
	struct pg_day	*days = NULL;
	struct ut_buf	 b = { 0 };
	size_t		 ndays = 0, i;
	int		 rc = -1;

	if (read_days(csv_dir, &days, &ndays) == -1) {
		rc = errno == ENOENT ? 0 : -1;
		goto done;
	}
	if (render(&b, days, ndays, today, last) == -1 ||
	    fio_replace(csv_dir, "index.html", b.p, b.len, 0644, 0) == -1)
		goto done;
	rc = 0;
done:
	for (i = 0; i < ndays; i++)
		free(days[i].st);
	free(days);
	ut_buf_free(&b);
	return rc;
}

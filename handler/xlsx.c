/*
 * xlsx.c: a closed day's workbook, by libxlsxwriter in its constant-memory
 * mode.  Rows come from the archive, so cells hold the values themselves
 * (no formula guard: a string cell is never a formula); the sheets are the
 * day's STATUS files, so an event lands on the sheet of the file its row
 * is in.  The library writes by path with fopen, which follows links, so
 * it writes into the spool's tmp/ (never web-visible); the result is then
 * copied into csv_dir through fsio, which follows none.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef YH_XLSX_DLOPEN
#include <dlfcn.h>
#endif
#include <xlsxwriter.h>

#include "archive.h"
#include "conf.h"
#include "csvview.h"
#include "event.h"
#include "export.h"
#include "fsio.h"
#include "spool.h"
#include "util.h"
#include "xlsx.h"

#define MAX_ROWS	1048576		/* Excel's, header included */
#define SHEET_NAME_MAX	31
#define COPY_CHUNK	65536
/* How far back a missing workbook is made by a writer. */
#define CATCH_UP_DAYS	7

/* The libxlsxwriter calls made here. */
#define LXW_CALLS(X)							\
	X(workbook_new_opt) X(workbook_add_format)			\
	X(workbook_add_worksheet) X(workbook_close) X(lxw_workbook_free) \
	X(format_set_bold) X(format_set_num_format)			\
	X(worksheet_autofilter) X(worksheet_freeze_panes)		\
	X(worksheet_set_column) X(worksheet_write_boolean)		\
	X(worksheet_write_datetime) X(worksheet_write_number)		\
	X(worksheet_write_string)
#define LXW_SLOT(f)	__typeof__(f) *f;

struct lxw_calls {
	LXW_CALLS(LXW_SLOT)
};

#ifdef YH_XLSX_DLOPEN
/*
 * The dynamically linked binary loads libxlsxwriter only to make a
 * workbook, about once a day: linked, it and the libcrypto behind it had
 * their symbols bound at every start, some 4 million instructions, more
 * than the rest of a 1000-event batch's work.
 */
static struct lxw_calls	 lx;
static int		 lx_loaded;

#define LXW_LOAD(f)							\
	if ((sym = dlsym(h, #f)) == NULL)				\
		goto fail;						\
	memcpy(&lx.f, &sym, sizeof(sym));

/* Load libxlsxwriter once: 0, or -1 (logged). */
static int
load_lxw(void)
{
	void	*h, *sym;

	if (lx_loaded)
		return 0;
	if ((h = dlopen(YH_XLSXWRITER_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		goto fail;
	LXW_CALLS(LXW_LOAD)
	lx_loaded = 1;
	return 0;
fail:
	ut_log("loading libxlsxwriter: %s", dlerror());
	errno = ENOENT;
	return -1;
}
#else
/* The static binary calls the library it holds. */
#define LXW_ADDR(f)	f,
static const struct lxw_calls lx = { LXW_CALLS(LXW_ADDR) };

static int
load_lxw(void)
{
	return 0;
}
#endif

struct sheet {
	char		 status[EV_STATUS_MAX + 1];
	lxw_worksheet	*ws;
	uint32_t	 row;		/* next row to write */
	int		 part;		/* 1, then 2 for "STATUS (2)"... */
};

struct book {
	lxw_workbook	*wb;
	lxw_format	*bold, *when;
	struct sheet	*sh;
	size_t		 nsh;
	struct cv_ctx	 cx;
	struct ev	 e;
	struct ut_buf	 cell, str;
	int		 failed;	/* a libxlsxwriter call failed */
	const struct ex_opts *o;	/* --export: its filter; sheets made as met */
	char		 ymd[11];	/* --export: the day of the rows, a first column */
	unsigned long long events;	/* rows written */
};

static const char *const columns[] = {
	"day",		/* --export's only */
	"receivedAt", "activityDateTime", "activityStatus", "mediaType", "contactId",
	"externalCustomerId", "email", "sms", "viber", "webpush", "mobilepush", "from",
	"messageId", "messageInstanceId", "messageName", "messageTag",
	"messageLanguageCode", "broadcastId", "workflowId", "workflowBlockId",
	"workflowInstanceId", "sourceEventId", "sourceEventKey", "sourceEventTypeKey",
	"clickEventLink", "viewMessageLink", "hardBounce", "statusDescription",
	"statusData", "subscription", "subscriptions", "osName", "osType", "iid", "extra"
};

/* The columns of a day's sheets, and of --export's (day first). */
#define DAY_COLUMNS	(columns + 1)
#define NDAY_COLUMNS	(sizeof(columns) / sizeof(columns[0]) - 1)
#define NEXPORT_COLUMNS	(sizeof(columns) / sizeof(columns[0]))

static int
cmp_sheet(const void *a, const void *b)
{
	return strcmp(((const struct sheet *)a)->status, ((const struct sheet *)b)->status);
}

/* The day's STATUS files, sorted: 0, or -1 with errno. */
static int
list_statuses(const char *csv_dir, const char *ymd, struct book *bk)
{
	struct dirent	*de;
	struct sheet	*s;
	DIR		*dir;
	char		 path[PATH_MAX];
	size_t		 n;

	if (ut_path(path, sizeof(path), "%s/%s", csv_dir, ymd) == -1 ||
	    (dir = fio_opendir(path)) == NULL)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".csv") != 0 ||
		    !ev_status_valid(de->d_name, n - 4))
			continue;
		if ((s = realloc(bk->sh, (bk->nsh + 1) * sizeof(*s))) == NULL) {
			(void)closedir(dir);
			return -1;
		}
		bk->sh = s;
		s = &s[bk->nsh++];
		memset(s, 0, sizeof(*s));
		memcpy(s->status, de->d_name, n - 4);
	}
	(void)closedir(dir);
	if (bk->nsh > 0)
		qsort(bk->sh, bk->nsh, sizeof(*bk->sh), cmp_sheet);
	return 0;
}

/* A sheet named base (cut to Excel's 31 characters), " (part)" after it past the first. */
static lxw_worksheet *
add_sheet(struct book *bk, const char *base, int part)
{
	lxw_worksheet	*ws;
	char		 name[SHEET_NAME_MAX + 1], suffix[16];
	int		 k;

	suffix[0] = '\0';
	if (part > 1)
		snprintf(suffix, sizeof(suffix), " (%d)", part);
	snprintf(name, sizeof(name), "%.*s%s", SHEET_NAME_MAX - (int)strlen(suffix),
	    base, suffix);
	/* Names are compared without case: SUMMARY and summary would clash. */
	for (k = 2; (ws = lx.workbook_add_worksheet(bk->wb, name)) == NULL && k < 100; k++)
		snprintf(name, sizeof(name), "%.*s~%d%s", SHEET_NAME_MAX - 8, base, k, suffix);
	if (ws == NULL)
		bk->failed = 1;
	return ws;
}

/* A new sheet with its header row, frozen, and readable widths. */
static lxw_worksheet *
start_sheet(struct book *bk, const char *base, int part, const char *const *head,
    size_t n)
{
	lxw_worksheet	*ws;
	size_t		 c;

	if ((ws = add_sheet(bk, base, part)) == NULL)
		return NULL;
	if (lx.worksheet_set_column(ws, 0, (lxw_col_t)(n - 1), 18, NULL) != LXW_NO_ERROR)
		bk->failed = 1;
	lx.worksheet_freeze_panes(ws, 1, 0);
	for (c = 0; c < n; c++)
		if (lx.worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bk->bold) != LXW_NO_ERROR)
			bk->failed = 1;
	return ws;
}

/* YYYY-MM-DDTHH:MM:SS (a Z may follow) as a date-time: 1, or 0 when it is not one. */
static int
parse_when(const char *s, size_t n, lxw_datetime *dt)
{
	static const int digits[] = { 11, 12, 14, 15, 17, 18 };
	char	 buf[20];
	size_t	 i;
	int	 day;

	if ((n != 19 && !(n == 20 && s[19] == 'Z')) || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return 0;
	memcpy(buf, s, 10);
	buf[10] = '\0';
	if ((day = ut_parse_day(buf)) == -1)
		return 0;
	ut_civil_from_days(day, &dt->year, &dt->month, &dt->day);
	for (i = 0; i < sizeof(digits) / sizeof(digits[0]); i++)
		if (s[digits[i]] < '0' || s[digits[i]] > '9')
			return 0;
	dt->hour = (s[11] - '0') * 10 + s[12] - '0';
	dt->min = (s[14] - '0') * 10 + s[15] - '0';
	dt->sec = (s[17] - '0') * 10 + s[18] - '0';
	if (dt->hour > 23 || dt->min > 59 || dt->sec > 59)
		return 0;
	return dt->year >= 1900;
}

/* Cell col of a day's row (0: receivedAt), in column base + col of the sheet. */
static void
write_cell(struct book *bk, lxw_worksheet *ws, uint32_t row, int base, int col,
    const char *v, size_t n)
{
	lxw_col_t	 at = (lxw_col_t)(base + col);
	lxw_datetime	 dt;
	lxw_error	 rc;

	if (n == 0)
		return;
	if ((col == 0 || col == 1 + EV_ACTIVITYDATETIME) && parse_when(v, n, &dt))
		rc = lx.worksheet_write_datetime(ws, row, at, &dt, bk->when);
	else if (col == 1 + EV_HARDBOUNCE && n == 4 && memcmp(v, "true", 4) == 0)
		rc = lx.worksheet_write_boolean(ws, row, at, 1, NULL);
	else if (col == 1 + EV_HARDBOUNCE && n == 5 && memcmp(v, "false", 5) == 0)
		rc = lx.worksheet_write_boolean(ws, row, at, 0, NULL);
	else {
		/* The library wants a C string. */
		bk->str.len = 0;
		if (ut_buf_add(&bk->str, v, n) == -1 || ut_buf_addc(&bk->str, '\0') == -1) {
			bk->failed = 1;
			return;
		}
		rc = lx.worksheet_write_string(ws, row, at, bk->str.p, NULL);
	}
	if (rc != LXW_NO_ERROR)
		bk->failed = 1;
}

static struct sheet *
sheet_of(struct book *bk, const char *status)
{
	size_t	 i;

	for (i = 0; i < bk->nsh; i++)
		if (strcmp(bk->sh[i].status, status) == 0)
			return &bk->sh[i];
	/* Past max_status_files, or a file lost: the row is in OTHER.csv. */
	for (i = 0; i < bk->nsh; i++)
		if (strcmp(bk->sh[i].status, "OTHER") == 0)
			return &bk->sh[i];
	return NULL;
}

/* --export's sheet for status, made when first met: the entry, or NULL. */
static struct sheet *
export_sheet(struct book *bk, const char *status)
{
	struct sheet	*s;
	size_t		 i;

	for (i = 0; i < bk->nsh; i++)
		if (strcmp(bk->sh[i].status, status) == 0)
			return &bk->sh[i];
	if ((s = realloc(bk->sh, (bk->nsh + 1) * sizeof(*s))) == NULL)
		return NULL;
	bk->sh = s;
	s = &s[bk->nsh++];
	memset(s, 0, sizeof(*s));
	snprintf(s->status, sizeof(s->status), "%s", status);
	return s;
}

static int
add_event(const char *line, size_t len, off_t end, void *arg)
{
	struct book	*bk = arg;
	struct sheet	*s;
	char		 status[EV_STATUS_MAX + 1];
	int		 c, base = bk->o != NULL;

	(void)end;
	if (!arc_line_valid(line, len))
		return 0;
	if (ev_parse(&bk->e, line, len, 1) != 0)
		return -1;
	ev_status(&bk->e, status);
	if (base && !ex_wanted(bk->o, status))
		return 0;
	if ((s = base ? export_sheet(bk, status) : sheet_of(bk, status)) == NULL)
		return base ? -1 : 0;	/* a day's CSV files behind: --rebuild first */
	if (s->ws == NULL || s->row == MAX_ROWS) {
		if ((s->ws = start_sheet(bk, s->status, ++s->part,
		    base ? columns : DAY_COLUMNS, base ? NEXPORT_COLUMNS : NDAY_COLUMNS)) == NULL)
			return -1;
		s->row = 1;
	}
	if (base)
		write_cell(bk, s->ws, s->row, 1, -1, bk->ymd, 10);
	write_cell(bk, s->ws, s->row, base, 0, bk->e.stamp, EV_STAMP_LEN);
	for (c = 0; c <= EV_NCOLS; c++) {
		if (cv_cell(&bk->cx, &bk->e, c, &bk->cell) == -1)
			return -1;
		write_cell(bk, s->ws, s->row, base, c + 1, bk->cell.p, bk->cell.len);
	}
	s->row++;
	bk->events++;
	return bk->failed ? -1 : 0;
}

/* The summary sheet, from summary.csv: four text columns and a number. */
static int
add_summary(struct book *bk, const char *csv_dir, const char *ymd)
{
	static const char *const head[] = {
		"activityStatus", "mediaType", "messageId", "messageName", "events"
	};
	lxw_worksheet	*ws;
	char		 path[PATH_MAX], *text = NULL, *unq;
	const char	*p, *end, *f, *why;
	size_t		 len, n, i, k;
	uint32_t	 row = 0;
	int		 col = 0, sep;

	if (ut_path(path, sizeof(path), "%s/%s/summary.csv", csv_dir, ymd) == -1 ||
	    fio_slurp(path, &text, &len) == -1)
		return -1;
	if ((ws = start_sheet(bk, "summary", 1, head, 5)) == NULL) {
		free(text);
		return -1;
	}
	for (p = text, end = text + len; p < end; ) {
		sep = ut_csv_field(&p, end, &f, &n);
		if (row > 0 && n > 0) {
			/* Undo the doubled quotes, in place: the text is ours. */
			unq = (char *)f;
			for (i = k = 0; i < n; i++, k++) {
				unq[k] = f[i];
				if (f[i] == '"')
					i++;
			}
			unq[k] = '\0';
			if ((col == 4 ? lx.worksheet_write_number(ws, row, 4,
			    (double)ut_strtonum(unq, 0, LLONG_MAX, &why), NULL) :
			    lx.worksheet_write_string(ws, row, (lxw_col_t)col, unq, NULL)) !=
			    LXW_NO_ERROR)
				bk->failed = 1;
		}
		col++;
		if (sep != ',') {
			col = 0;
			row++;
		}
	}
	free(text);
	if (row > 1 && lx.worksheet_autofilter(ws, 0, 0, row - 1, 4) != LXW_NO_ERROR)
		bk->failed = 1;
	return 0;
}

/* Copy the finished workbook into csv_dir, synced, then renamed: 0, or -1. */
static int
publish(const char *tmp, const char *dir, const char *name)
{
	char	 buf[COPY_CHUNK], part[PATH_MAX], dst[PATH_MAX];
	ssize_t	 n;
	int	 in, out;

	if (ut_path(dst, sizeof(dst), "%s/%s", dir, name) == -1 ||
	    (in = fio_open(tmp, O_RDONLY, 0)) == -1)
		return -1;
	if ((out = fio_mktemp(dir, name, 0644, part, sizeof(part))) == -1) {
		(void)fio_close(in);
		return -1;
	}
	while ((n = fio_read(in, buf, sizeof(buf))) > 0)
		if (fio_write(out, buf, (size_t)n) == -1)
			break;
	(void)fio_close(in);
	if (n != 0 || fio_datasync(out) == -1) {
		(void)fio_close(out);
		goto fail;
	}
	if (fio_close(out) == -1 || fio_rename(part, dst) == -1)
		goto fail;
	return fio_sync_dir(dir);
fail:
	(void)fio_unlink(part);
	return -1;
}

/* Start the workbook at path, its row data in tmpdir: 0, or -1. */
static int
open_book(struct book *bk, const char *path, const char *tmpdir)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };

	opt.tmpdir = (char *)tmpdir;
	if (load_lxw() == -1 || (bk->wb = lx.workbook_new_opt(path, &opt)) == NULL)
		return -1;
	bk->bold = lx.workbook_add_format(bk->wb);
	bk->when = lx.workbook_add_format(bk->wb);
	lx.format_set_bold(bk->bold);
	lx.format_set_num_format(bk->when, "yyyy-mm-dd hh:mm:ss");
	return 0;
}

/* An autofilter on each sheet's rows, then the file written: 0, or -1 (EIO). */
static int
close_book(struct book *bk, size_t ncols)
{
	size_t	 i;
	int	 bad;

	for (i = 0; i < bk->nsh; i++)
		if (bk->sh[i].ws != NULL && bk->sh[i].row > 1 &&
		    lx.worksheet_autofilter(bk->sh[i].ws, 0, 0, bk->sh[i].row - 1,
		    (lxw_col_t)(ncols - 1)) != LXW_NO_ERROR)
			bk->failed = 1;
	bad = lx.workbook_close(bk->wb) != LXW_NO_ERROR || bk->failed;
	bk->wb = NULL;
	if (bad) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static void
free_book(struct book *bk)
{
	if (bk->wb != NULL)
		lx.lxw_workbook_free(bk->wb);
	ev_free(&bk->e);
	ut_buf_free(&bk->cell);
	ut_buf_free(&bk->str);
	free(bk->sh);
}

int
xl_write_day(const struct conf *cf, int day)
{
	struct book	 bk;
	struct spool	 sp;
	char		 ymd[11], name[16], tmp[PATH_MAX], dir[PATH_MAX], err[512];
	size_t		 i;
	int		 held = -1, rc = -1;

	memset(&bk, 0, sizeof(bk));
	bk.cx.csv_dir = cf->csv_dir;
	ut_format_day(day, ymd);
	snprintf(name, sizeof(name), "%s.xlsx", ymd);
	if (sp_look(&sp, cf->spool_dir, err, sizeof(err)) == -1) {
		errno = EINVAL;
		goto out;
	}
	if (ut_path(dir, sizeof(dir), "%s/%s", cf->csv_dir, ymd) == -1 ||
	    list_statuses(cf->csv_dir, ymd, &bk) == -1)
		goto out;
	/*
	 * A unique name the library then fills, held (locked) meanwhile so
	 * that no sweep takes it for a dead writer's.
	 */
	if ((held = fio_mktemp(sp.tmp, "xlsx", 0600, tmp, sizeof(tmp))) == -1)
		goto out;
	if (open_book(&bk, tmp, sp.tmp) == -1)
		goto out;
	/* The sheets in the order of the files; a continued one goes after them. */
	for (i = 0; i < bk.nsh; i++) {
		if ((bk.sh[i].ws = start_sheet(&bk, bk.sh[i].status, ++bk.sh[i].part,
		    DAY_COLUMNS, NDAY_COLUMNS)) == NULL)
			goto out;
		bk.sh[i].row = 1;
	}
	if (arc_scan(&sp, day, 0, -1, add_event, &bk) != 0 ||
	    add_summary(&bk, cf->csv_dir, ymd) == -1 ||
	    close_book(&bk, NDAY_COLUMNS) == -1)
		goto out;
	rc = publish(tmp, dir, name);
out:
	free_book(&bk);
	if (held != -1) {
		(void)fio_unlink(tmp);
		(void)fio_close(held);
	}
	return rc;
}

int
xl_export(const struct conf *cf, const struct spool *sp, const struct ex_opts *o,
    const int *days, const off_t *sizes, size_t n, const char *path)
{
	struct book	 bk;
	struct ut_progress pr;
	size_t		 i;
	int		 rc = -1;

	memset(&bk, 0, sizeof(bk));
	bk.cx.csv_dir = cf->csv_dir;
	bk.o = o;
	ut_progress_start(&pr, "--export", n);
	if (open_book(&bk, path, sp->tmp) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		ut_format_day(days[i], bk.ymd);
		if (arc_scan(sp, days[i], 0, sizes[i], add_event, &bk) != 0)
			goto out;
		ut_progress_show(&pr, i + 1, bk.events);
	}
	/* A workbook without a sheet is no workbook: one, empty but for its header. */
	if (bk.nsh == 0 && start_sheet(&bk, "events", 1, columns, NEXPORT_COLUMNS) == NULL)
		goto out;
	rc = close_book(&bk, NEXPORT_COLUMNS);
out:
	ut_progress_end(&pr);
	free_book(&bk);
	return rc;
}

/* Whether the closed day has CSV files but no workbook. */
static int
workbook_due(const struct conf *cf, int day)
{
	struct stat	 st;
	char		 ymd[11], path[PATH_MAX];

	ut_format_day(day, ymd);
	if (ut_path(path, sizeof(path), "%s/%s/summary.csv", cf->csv_dir, ymd) == -1 ||
	    fio_stat(path, &st) == -1)
		return 0;
	if (ut_path(path, sizeof(path), "%s/%s/%s.xlsx", cf->csv_dir, ymd, ymd) == -1)
		return 0;
	return fio_stat(path, &st) == -1 && errno == ENOENT;
}

int
xl_catch_up(const struct conf *cf, const struct spool *sp, int today)
{
	char		 path[PATH_MAX];
	int		 day, fd, rc = 0;

	for (day = today - 1; day >= today - CATCH_UP_DAYS; day--)
		if (workbook_due(cf, day))
			break;
	if (day < today - CATCH_UP_DAYS)
		return 0;
	/* One maker at a time; a maker that dies lets go with its descriptor. */
	if (ut_path(path, sizeof(path), "%s/xlsx.lock", sp->views) == -1 ||
	    (fd = fio_open(path, O_RDWR | O_CREAT, 0600)) == -1)
		return -1;
	if (fio_trylock(fd, 0) == 0 && workbook_due(cf, day))
		rc = xl_write_day(cf, day);
	(void)fio_close(fd);
	return rc;
}

/*
 * export.c: archived events out of the spool.  The lock is held only to
 * learn how long each day's archive is (ex_days); lines are only ever
 * appended, so the rest is read while writers go on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "conf.h"
#include "csvview.h"
#include "event.h"
#include "export.h"
#include "fsio.h"
#include "spool.h"
#include "util.h"
#include "xlsx.h"

/* Output is written in pieces of about this size. */
#define FLUSH_BYTES	(1u << 20)
#define LOCK_WAIT_MS	60000

struct export {
	const struct ex_opts	*o;
	struct cv_ctx		 cx;
	struct ev		 e;
	struct ut_buf		 out, cell;
	char			 ymd[11];
	int			 fd;
	long long		 left;	/* events still wanted; < 0: no limit */
	long long		 count;
	off_t			 last;	/* the end of the last line written */
};

static int
flush_out(struct export *x)
{
	if (x->out.len > 0 && fio_write(x->fd, x->out.p, x->out.len) == -1)
		return -1;
	x->out.len = 0;
	return 0;
}

int
ex_wanted(const struct ex_opts *o, const char *status)
{
	size_t	 i;

	if (o->nstatus == 0)
		return 1;
	for (i = 0; i < o->nstatus; i++)
		if (strcmp(o->status[i], status) == 0)
			return 1;
	return 0;
}

static int
export_line(const char *line, size_t len, off_t end, void *arg)
{
	struct export	*x = arg;
	char		 status[EV_STATUS_MAX + 1];

	if (x->left == 0)
		return 1;	/* enough: stop the scan */
	x->last = end;
	if (!arc_line_valid(line, len))
		return 0;	/* --verify reports it; an export carries only events */
	if (ev_parse(&x->e, line, len, 1) != 0)
		return -1;
	ev_status(&x->e, status);
	if (!ex_wanted(x->o, status))
		return 0;
	if (x->left > 0)
		x->left--;
	x->count++;
	if (x->o->format == EX_JSONL) {
		if (ut_buf_add(&x->out, line, len) == -1 || ut_buf_addc(&x->out, '\n') == -1)
			return -1;
	} else if (ut_buf_add(&x->out, x->ymd, 10) == -1 || ut_buf_addc(&x->out, ',') == -1 ||
	    cv_row(&x->cx, &x->e, x->e.stamp, &x->out, &x->cell) == -1)
		return -1;
	return x->out.len >= FLUSH_BYTES ? flush_out(x) : 0;
}

int
ex_days(const struct conf *cf, struct spool *sp, int from, int to, int **days,
    off_t **sizes, size_t *n)
{
	char		 err[512];
	size_t		 i, k = 0;
	int		 rc = -1;

	*days = NULL;
	*sizes = NULL;
	*n = 0;
	if (sp_open(sp, cf->spool_dir, err, sizeof(err)) == -1) {
		ut_log("%s", err);
		errno = EINVAL;
		return -1;
	}
	if (sp_lock(sp, LOCK_WAIT_MS) == -1)
		return -1;
	if (arc_days(sp, days, n) == -1 ||
	    (*sizes = calloc(*n + 1, sizeof(**sizes))) == NULL)
		goto out;
	for (i = 0; i < *n; i++) {
		if ((*days)[i] < from || (*days)[i] > to)
			continue;
		(*days)[k] = (*days)[i];
		if (arc_size(sp, (*days)[k], &(*sizes)[k]) == -1)
			goto out;
		k++;
	}
	*n = k;
	rc = 0;
out:
	sp_unlock(sp);
	return rc;
}

int
ex_stream(const struct conf *cf, const struct spool *sp, const struct ex_opts *o, int fd,
    const int *days,
    const off_t *sizes, size_t n, struct ex_pos from, long long max,
    struct ut_progress *progress, struct ex_pos *end, long long *count)
{
	struct export	 x;
	size_t		 i;
	int		 rc = -1, r;

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.cx.csv_dir = cf->csv_dir;
	x.cx.guard = cf->csv_formula_guard;
	x.fd = fd;
	x.left = max;
	*end = from;
	for (i = 0; i < n && x.left != 0; i++) {
		if (days[i] < from.day || (days[i] == from.day && sizes[i] <= from.off))
			continue;
		ut_format_day(days[i], x.ymd);
		x.last = days[i] == from.day ? from.off : 0;
		r = arc_scan(sp, days[i], x.last, sizes[i], export_line, &x);
		if (r == -1)
			goto out;
		end->day = days[i];
		end->off = x.last;
		if (progress != NULL)
			ut_progress_show(progress, i + 1, (unsigned long long)x.count);
	}
	rc = flush_out(&x);
out:
	if (progress != NULL)
		ut_progress_end(progress);
	*count = x.count;
	ev_free(&x.e);
	ut_buf_free(&x.out);
	ut_buf_free(&x.cell);
	return rc;
}

/* Copy the file at path to fd: 0, or -1 with errno. */
static int
copy_out(const char *path, int fd)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 in;

	if ((in = fio_open(path, O_RDONLY, 0)) == -1)
		return -1;
	while ((n = fio_read(in, buf, sizeof(buf))) > 0)
		if (fio_write(fd, buf, (size_t)n) == -1)
			break;
	(void)fio_close(in);
	return n == 0 ? 0 : -1;
}

/*
 * --export --format xlsx: the library writes by path, so the workbook is
 * made beside --output (renamed when whole) or in spool/tmp and copied to
 * standard output.  0, or -1 (logged).
 */
static int
export_workbook(const struct conf *cf, const struct ex_opts *o)
{
	struct spool	 sp;
	off_t		*sizes = NULL;
	char		 path[PATH_MAX];
	size_t		 n;
	int		*days = NULL, fd = -1, rc = -1;

	path[0] = '\0';
	if (ex_days(cf, &sp, o->from, o->to, &days, &sizes, &n) == -1)
		goto fail;
	if (o->output != NULL) {
		if (ut_path(path, sizeof(path), "%s.partial", o->output) == -1 ||
		    (fd = fio_open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
			path[0] = '\0';
			goto fail;
		}
	} else if ((fd = fio_mktemp(sp.tmp, "export", 0600, path, sizeof(path))) == -1) {
		path[0] = '\0';
		goto fail;
	}
	if (xl_export(cf, &sp, o, days, sizes, n, path) == -1)
		goto fail;
	if (o->output == NULL)
		rc = copy_out(path, STDOUT_FILENO);
	else if (fio_datasync(fd) == 0 && fio_rename(path, o->output) == 0) {
		path[0] = '\0';
		rc = 0;
	}
	if (rc == 0)
		goto done;
fail:
	ut_log("--export%s%s: %s", o->output ? " to " : "", o->output ? o->output : "",
	    strerror(errno));
done:
	if (fd != -1)
		(void)fio_close(fd);
	if (path[0] != '\0')
		(void)fio_unlink(path);
	free(days);
	free(sizes);
	return rc;
}

int
ex_export(const struct conf *cf, const struct ex_opts *o)
{
	struct ex_pos	 from = { INT_MIN, 0 }, end;
	struct spool	 sp;
	struct ut_progress pr;
	struct ut_buf	 head = { 0 };
	off_t		*sizes = NULL;
	long long	 count;
	char		 tmp[PATH_MAX];
	size_t		 n;
	int		*days = NULL, fd = STDOUT_FILENO, rc = -1;

	if (o->format == EX_XLSX)
		return export_workbook(cf, o);
	if (o->output != NULL) {
		/* Whole or not at all: written beside it, renamed when complete. */
		if (ut_path(tmp, sizeof(tmp), "%s.partial", o->output) == -1 ||
		    (fd = fio_open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1) {
			ut_log("%s.partial: %s%s", o->output,
			    strerror(errno), errno == EEXIST ?
			    "; another export is writing it, or one was stopped: remove it" : "");
			return -1;
		}
	}
	if (o->format == EX_CSV && (ut_buf_add(&head, "day,", 4) == -1 ||
	    ut_buf_add(&head, cv_header, strlen(cv_header)) == -1 ||
	    fio_write(fd, head.p, head.len) == -1))
		goto fail;
	if (ex_days(cf, &sp, o->from, o->to, &days, &sizes, &n) == -1)
		goto fail;
	ut_progress_start(&pr, "--export", n);
	if (ex_stream(cf, &sp, o, fd, days, sizes, n, from, -1, &pr, &end, &count) == -1)
		goto fail;
	if (o->output != NULL) {
		if (fio_datasync(fd) == -1 || fio_close(fd) == -1) {
			fd = -1;
			goto fail;
		}
		fd = -1;
		if (fio_rename(tmp, o->output) == -1)
			goto fail;
	}
	rc = 0;
	goto done;
fail:
	ut_log("--export%s%s: %s", o->output ? " to " : "",
	    o->output ? o->output : "", strerror(errno));
	if (o->output != NULL) {
		if (fd != -1)
			(void)fio_close(fd);
		(void)fio_unlink(tmp);
	}
done:
	ut_buf_free(&head);
	free(days);
	free(sizes);
	return rc;
}

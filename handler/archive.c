/*
 * archive.c: the daily JSON-lines files.
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

#include "archive.h"
#include "batch.h"
#include "event.h"
#include "fsio.h"
#include "util.h"

#define SCAN_CHUNK	(1 << 20)

int
arc_path(const struct spool *sp, int day, char *buf, size_t len)
{
	char	 ymd[11];

	ut_format_day(day, ymd);
	return ut_path(buf, len, "%s/%s.jsonl", sp->archive, ymd);
}

int
arc_append(const struct spool *sp, int day, const void *buf, size_t len, off_t *end)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 fd, created = 0, saved;

	if (arc_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if ((fd = fio_open(path, O_WRONLY | O_APPEND, 0)) == -1) {
		if (errno != ENOENT)
			return -1;
		if ((fd = fio_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
			return -1;
		created = 1;
	}
	if (fio_fstat(fd, &st) == -1) {
		saved = errno;
		(void)fio_close(fd);
		errno = saved;
		return -1;
	}
	if (fio_write(fd, buf, len) == -1 || fio_datasync(fd) == -1 ||
	    (created && fio_sync_dir(sp->archive) == -1))
		goto undo;
	if (fio_close(fd) == -1) {
		fd = -1;
		goto undo;
	}
	*end = st.st_size + (off_t)len;
	return 0;
undo:
	/*
	 * Nothing of the batch is acknowledged, so none of it may stay to make
	 * its retry a duplicate.  Should the cut fail too, the next writer's
	 * repair finds the torn line or the unacknowledged tail.
	 */
	saved = errno;
	if (created)
		(void)fio_unlink(path);
	else if (fd != -1)
		(void)fio_truncate(fd, st.st_size);
	else if ((fd = fio_open(path, O_WRONLY, 0)) != -1)
		(void)fio_truncate(fd, st.st_size);
	if (fd != -1)
		(void)fio_close(fd);
	errno = saved;
	return -1;
}

int
arc_size(const struct spool *sp, int day, off_t *size)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	if (arc_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if (fio_stat(path, &st) == -1) {
		if (errno != ENOENT)
			return -1;
		*size = 0;
		return 0;
	}
	*size = st.st_size;
	return 0;
}

int
arc_line_valid(const char *line, size_t len)
{
	struct bt_batch	 b;
	struct ev	 e;
	int		 ok;

	memset(&e, 0, sizeof(e));
	if (bt_parse(line, len, &b) == -1) {
		bt_free(&b);
		return 0;
	}
	ok = b.valid && b.nitems == 1 && b.items[0].kind == BT_EVENT &&
	    b.text_len == len && memcmp(b.text, line, len) == 0 &&
	    ev_parse(&e, line, len, 1) == 0;
	ev_free(&e);
	bt_free(&b);
	return ok;
}

/*
 * Read lines from fd starting at from up to to (to < 0: end).  A final
 * line without newline is not handed over.
 */
static int
scan_fd(int fd, off_t from, off_t to, arc_line_fn fn, void *arg)
{
	char	*buf = NULL, *nl, *p;
	size_t	 cap = SCAN_CHUNK, have = 0, want;
	off_t	 pos = from;
	ssize_t	 n;
	int	 rc = 0;

	if ((buf = malloc(cap)) == NULL)
		return -1;
	for (;;) {
		if (have == cap) {
			char *nb;

			if ((nb = realloc(buf, cap * 2)) == NULL) {
				rc = -1;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		want = cap - have;
		if (to >= 0 && (off_t)want > to - (pos + (off_t)have))
			want = (size_t)(to - (pos + (off_t)have));
		if (want == 0)
			break;
		if ((n = fio_pread(fd, buf + have, want, pos + (off_t)have)) == -1) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		p = buf;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf))) != NULL) {
			off_t end = pos + (off_t)(nl - buf) + 1;

			if ((rc = fn(p, (size_t)(nl - p), end, arg)) != 0)
				goto done;
			p = nl + 1;
		}
		pos += p - buf;
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
	}
done:
	free(buf);
	return rc;
}

int
arc_scan(const struct spool *sp, int day, off_t from, off_t to, arc_line_fn fn, void *arg)
{
	char	 path[PATH_MAX];
	int	 fd, rc;

	if (arc_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if ((fd = fio_open(path, O_RDONLY, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	rc = scan_fd(fd, from, to, fn, arg);
	if (fio_close(fd) == -1 && rc == 0)
		rc = -1;
	return rc;
}

/*
 * The end of the last complete line in [from, size): the offset after its
 * newline, or from when there is none.  Sets *end; 0, or -1 with errno.
 */
static int
find_line_end(int fd, off_t from, off_t size, off_t *end)
{
	char	 buf[4096], *nl;
	off_t	 at = size;
	size_t	 n;
	ssize_t	 got;

	while (at > from) {
		n = at - from > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)(at - from);
		at -= (off_t)n;
		if ((got = fio_pread(fd, buf, n, at)) != (ssize_t)n) {
			if (got >= 0)
				errno = EIO;
			return -1;
		}
		if ((nl = memrchr(buf, '\n', n)) != NULL) {
			*end = at + (nl - buf) + 1;
			return 0;
		}
	}
	*end = from;
	return 0;
}

int
arc_repair(const struct spool *sp, int day, off_t from, off_t *end)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	off_t		 good;
	int		 fd;

	if (arc_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if ((fd = fio_open(path, O_RDWR, 0)) == -1) {
		if (errno != ENOENT)
			return -1;
		*end = 0;
		return 0;
	}
	if (fio_fstat(fd, &st) == -1)
		goto fail;
	if (st.st_size < from)
		from = 0;
	if (find_line_end(fd, from, st.st_size, &good) == -1)
		goto fail;
	if (good < st.st_size) {
		ut_log("%s: cutting %lld bytes of torn tail after offset %lld",
		    path, (long long)(st.st_size - good), (long long)good);
		if (fio_truncate(fd, good) == -1)
			goto fail;
	}
	if (fio_datasync(fd) == -1)
		goto fail;
	if (fio_close(fd) == -1)
		return -1;
	*end = good;
	return 0;
fail:
	(void)fio_close(fd);
	return -1;
}

static int
cmp_int(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int
arc_days(const struct spool *sp, int **days, size_t *n)
{
	char		 ymd[11];
	DIR		*d;
	struct dirent	*de;
	int		*v = NULL, *nv, day;
	size_t		 cap = 0;

	*n = 0;
	if ((d = fio_opendir(sp->archive)) == NULL) {
		if (errno != ENOENT)
			return -1;
		*days = NULL;
		return 0;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 16 || strcmp(de->d_name + 10, ".jsonl") != 0)
			continue;
		memcpy(ymd, de->d_name, 10);
		ymd[10] = '\0';
		if ((day = ut_parse_day(ymd)) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		v[(*n)++] = day;
	}
	if (errno != 0)
		goto fail;
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_int);
	*days = v;
	return 0;
fail:
	free(v);
	closedir(d);
	return -1;
}

/* A day being written anew: the lines outside the cut ranges. */
struct rewrite {
	const struct arc_range	*cut;
	size_t			 n, at;
	int			 fd;
	struct ut_buf		 out;
};

static int
flush_rewrite(struct rewrite *w)
{
	if (w->out.len > 0 && fio_write(w->fd, w->out.p, w->out.len) == -1)
		return -1;
	w->out.len = 0;
	return 0;
}

static int
copy_line(const char *line, size_t len, off_t end, void *arg)
{
	struct rewrite	*w = arg;
	off_t		 start = end - (off_t)len - 1;

	while (w->at < w->n && w->cut[w->at].off + w->cut[w->at].len <= start)
		w->at++;
	if (w->at < w->n && w->cut[w->at].off <= start)
		return 0;
	if (ut_buf_add(&w->out, line, len) == -1 || ut_buf_addc(&w->out, '\n') == -1)
		return -1;
	return w->out.len < SCAN_CHUNK ? 0 : flush_rewrite(w);
}

int
arc_rewrite(const struct spool *sp, int day, const struct arc_range *cut, size_t n,
    arc_ready_fn ready, void *arg)
{
	struct rewrite	 w;
	struct stat	 st;
	char		 path[PATH_MAX], tmp[PATH_MAX], base[32], ymd[11];
	int		 rc = -1, saved;

	memset(&w, 0, sizeof(w));
	w.cut = cut;
	w.n = n;
	ut_format_day(day, ymd);
	snprintf(base, sizeof(base), ".%s.jsonl", ymd);
	if (arc_path(sp, day, path, sizeof(path)) == -1 ||
	    (w.fd = fio_mktemp(sp->archive, base, 0600, tmp, sizeof(tmp))) == -1)
		return -1;
	/* Held open, so locked, until renamed: no sweep takes it meanwhile. */
	if (arc_scan(sp, day, 0, -1, copy_line, &w) != 0 || flush_rewrite(&w) == -1 ||
	    fio_datasync(w.fd) == -1 || fio_fstat(w.fd, &st) == -1)
		goto fail;
	if (ready != NULL && ready(tmp, path, st.st_ino, arg) != 0)
		goto fail;
	if (fio_rename(tmp, path) == -1)
		goto fail;
	tmp[0] = '\0';
	if (fio_sync_dir(sp->archive) == -1)
		goto fail;
	rc = 0;
fail:
	saved = errno;
	if (tmp[0] != '\0')
		(void)fio_unlink(tmp);
	(void)fio_close(w.fd);
	ut_buf_free(&w.out);
	errno = saved;
	return rc;
}

/*
 * archive.c: the daily JSON-lines files, plain or gzip-compressed.  A day
 * is archive/YYYY-MM-DD.jsonl while it may still grow and, once closed,
 * YYYY-MM-DD.jsonl.gz; every reader takes both, offsets counting
 * uncompressed bytes.  When both are there (a rewrite killed between its
 * rename and its removal of the other form), the plain file is the day:
 * see handler/DESIGN.md.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "batch.h"
#include "event.h"
#include "fsio.h"
#include "util.h"

#include <zlib.h>

#define SCAN_CHUNK	(1 << 20)
/* Lines are gathered to this many bytes before they are written or compressed. */
#define STAGE_BYTES	(256 * 1024)
#define ZBUF_BYTES	65536
/*
 * A compressed day records its uncompressed length in the gzip header's
 * extra field (RFC 1952 2.3.1.1), subfield "YH" of 8 bytes little-endian,
 * at this offset: ISIZE holds it only modulo 4 GiB.
 */
#define GZ_SIZE_OFF	16
#define GZ_EXTRA_LEN	12
/*
 * Compression level.  The writer lock is held meanwhile: on bench/compress's
 * day of 200,000 events, 3 gives 4.6:1 in a third of the time 6 takes for
 * 5.4:1 (bench/README.md).
 */
#define GZ_LEVEL	3

int
arc_path(const struct spool *sp, int day, char *buf, size_t len)
{
	char	 ymd[11];

	ut_format_day(day, ymd);
	return ut_path(buf, len, "%s/%s.jsonl", sp->archive, ymd);
}

int
arc_gz_path(const struct spool *sp, int day, char *buf, size_t len)
{
	char	 ymd[11];

	ut_format_day(day, ymd);
	return ut_path(buf, len, "%s/%s.jsonl.gz", sp->archive, ymd);
}

static int rewrite_day(const struct spool *, int, int);

/*
 * A day the writer picks is never a compressed one while the clock stays
 * within a day of true (see handler/DESIGN.md); should it step back
 * further, the day is made plain again rather than split in two files.
 * The plain file opened for appending, or -1 with errno (ENOENT: the day
 * has no file).
 */
static int
reopen_plain(const struct spool *sp, int day, const char *path)
{
	char		 gz[PATH_MAX];
	struct stat	 st;

	if (arc_gz_path(sp, day, gz, sizeof(gz)) == -1 || fio_stat(gz, &st) == -1)
		return -1;
	ut_log("%s: the clock is back on a compressed day: making it plain again "
	    "to append to it", gz);
	if (rewrite_day(sp, day, 0) == -1)
		return -1;
	return fio_open(path, O_WRONLY | O_APPEND, 0);
}

int
arc_append(const struct spool *sp, int day, const void *buf, size_t len, off_t *end)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 fd, created = 0, saved;

	if (arc_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if ((fd = fio_open(path, O_WRONLY | O_APPEND, 0)) == -1 && errno == ENOENT &&
	    (fd = reopen_plain(sp, day, path)) == -1 && errno == ENOENT) {
		if ((fd = fio_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) == -1)
			return -1;
		created = 1;
	}
	if (fd == -1)
		return -1;
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

/*
 * The uncompressed length a gzip day records in its header, or, for a file
 * without that record, found by inflating it whole.  0, or -1 with errno.
 */
static int
gz_size(const struct spool *sp, int day, off_t *size)
{
	char		 path[PATH_MAX];
	unsigned char	 h[GZ_SIZE_OFF + 8];
	uint64_t	 v = 0;
	ssize_t		 n;
	int		 fd, i;

	if (arc_gz_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if ((fd = fio_open(path, O_RDONLY, 0)) == -1) {
		if (errno != ENOENT)
			return -1;
		*size = 0;
		return 0;
	}
	n = fio_pread(fd, h, sizeof(h), 0);
	(void)fio_close(fd);
	if (n == -1)
		return -1;
	if (n != (ssize_t)sizeof(h) || h[0] != 0x1f || h[1] != 0x8b || (h[3] & 4) == 0 ||
	    (h[10] | h[11] << 8) < GZ_EXTRA_LEN || h[12] != 'Y' || h[13] != 'H' ||
	    h[14] != 8 || h[15] != 0)
		return arc_length(sp, day, size);
	for (i = 7; i >= 0; i--)
		v = v << 8 | h[GZ_SIZE_OFF + i];
	if (v > (uint64_t)INT64_MAX) {
		errno = EFBIG;
		return -1;
	}
	*size = (off_t)v;
	return 0;
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
		return gz_size(sp, day, size);
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

/* A day's file opened for reading: plain, or gzip inflated on the fly. */
struct src {
	int		 fd;
	int		 gz;
	int		 zinit;
	int		 ended;		/* a gzip member ended: another may follow */
	int		 done;		/* the last member ended at end of file */
	z_stream	 z;
	off_t		 pos;		/* uncompressed offset of the next byte */
	unsigned char	*in;
};

static int
close_src(struct src *s)
{
	int	 rc = 0;

	if (s->zinit)
		(void)inflateEnd(&s->z);
	free(s->in);
	if (s->fd != -1 && fio_close(s->fd) == -1)
		rc = -1;
	s->fd = -1;
	s->zinit = 0;
	s->in = NULL;
	return rc;
}

/*
 * Open the day's file, the plain one when both forms are there: 1, 0 when
 * the day has no file, or -1 with errno.  A compressed day's plain file is
 * removed only after its gz is in place, so a reader never misses both.
 */
static int
open_src(const struct spool *sp, int day, struct src *s)
{
	char	 path[PATH_MAX];

	memset(s, 0, sizeof(*s));
	if (arc_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if ((s->fd = fio_open(path, O_RDONLY, 0)) != -1)
		return 1;
	if (errno != ENOENT || arc_gz_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if ((s->fd = fio_open(path, O_RDONLY, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	s->gz = 1;
	if ((s->in = malloc(ZBUF_BYTES)) == NULL)
		goto fail;
	if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
		errno = ENOMEM;
		goto fail;
	}
	s->zinit = 1;
	return 1;
fail:
	(void)close_src(s);
	return -1;
}

/*
 * Inflate up to len bytes into buf: the count, 0 at the end, or -1 with
 * errno (EIO: the file is damaged or cut short; inflate checks each
 * member's CRC and length).
 */
static ssize_t
inflate_some(struct src *s, void *buf, size_t len)
{
	size_t	 want = len > UINT_MAX ? UINT_MAX : len;
	ssize_t	 n;
	int	 ret;

	s->z.next_out = buf;
	s->z.avail_out = (uInt)want;
	while (s->z.avail_out > 0 && !s->done) {
		if (s->z.avail_in == 0) {
			if ((n = fio_read(s->fd, s->in, ZBUF_BYTES)) == -1)
				return -1;
			if (n == 0) {
				if (!s->ended) {
					errno = EIO;
					return -1;
				}
				s->done = 1;
				break;
			}
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)n;
		}
		/* Another member follows, as after cat a.gz b.gz. */
		if (s->ended) {
			if (inflateReset(&s->z) != Z_OK) {
				errno = EIO;
				return -1;
			}
			s->ended = 0;
		}
		ret = inflate(&s->z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END)
			s->ended = 1;
		else if (ret != Z_OK) {
			errno = EIO;
			return -1;
		}
	}
	n = (ssize_t)(want - s->z.avail_out);
	s->pos += n;
	return n;
}

/* pread on the uncompressed bytes; a gzip file is read forwards only. */
static ssize_t
src_pread(struct src *s, char *buf, size_t len, off_t off)
{
	ssize_t	 n;

	if (!s->gz)
		return fio_pread(s->fd, buf, len, off);
	if (off < s->pos) {
		errno = EINVAL;
		return -1;
	}
	while (s->pos < off)
		if ((n = inflate_some(s, buf, (size_t)(off - s->pos) < len ?
		    (size_t)(off - s->pos) : len)) <= 0)
			return n;
	return inflate_some(s, buf, len);
}

/*
 * Read lines from s starting at from up to to (to < 0: end).  A final
 * line without newline is not handed over.
 */
static int
scan_src(struct src *s, off_t from, off_t to, arc_line_fn fn, void *arg)
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
		if ((n = src_pread(s, buf + have, want, pos + (off_t)have)) == -1) {
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
	struct src	 s;
	int		 rc;

	if ((rc = open_src(sp, day, &s)) != 1)
		return rc;
	rc = scan_src(&s, from, to, fn, arg);
	if (close_src(&s) == -1 && rc == 0)
		rc = -1;
	return rc;
}

int
arc_length(const struct spool *sp, int day, off_t *len)
{
	struct stat	 st;
	struct src	 s;
	char		*buf = NULL;
	ssize_t		 n;
	int		 rc;

	*len = 0;
	if ((rc = open_src(sp, day, &s)) != 1)
		return rc;
	if (!s.gz) {
		if ((rc = fio_fstat(s.fd, &st)) == 0)
			*len = st.st_size;
	} else if ((buf = malloc(SCAN_CHUNK)) == NULL)
		rc = -1;
	else {
		while ((n = inflate_some(&s, buf, SCAN_CHUNK)) > 0)
			;
		rc = n == 0 ? 0 : -1;
		*len = s.pos;
	}
	free(buf);
	if (close_src(&s) == -1)
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
		/* A compressed day was closed whole: nothing to cut. */
		return gz_size(sp, day, end);
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

/* Sort and drop repeats: the length left. */
static size_t
sort_days(int *v, size_t n)
{
	size_t	 i, k;

	if (n > 1)
		qsort(v, n, sizeof(*v), ut_cmp_int);
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/*
 * The days named YYYY-MM-DD and suffixes[k] in dir, in one pass: into
 * days[k] (sorted, each once; NULL when none), or with merge set all into
 * days[0].  Without merge, at most 2 suffixes.  0, or -1 with errno.
 */
static int
scan_days(const char *dir, const char *const *suffixes, int merge, int **days,
    size_t *n)
{
	char		 ymd[11];
	DIR		*d;
	struct dirent	*de;
	int		*nv, day;
	size_t		 cap[2] = { 0 }, k, l, nsuf, nlists;

	for (nsuf = 0; suffixes[nsuf] != NULL; nsuf++)
		;
	nlists = merge ? 1 : nsuf;
	if (nlists == 0 || nlists > 2) {
		errno = EINVAL;
		return -1;
	}
	for (l = 0; l < nlists; l++) {
		days[l] = NULL;
		n[l] = 0;
	}
	if ((d = fio_opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((errno = 0, de = readdir(d)) != NULL) {
		for (k = 0; k < nsuf; k++)
			if (strlen(de->d_name) == 10 + strlen(suffixes[k]) &&
			    strcmp(de->d_name + 10, suffixes[k]) == 0)
				break;
		if (k == nsuf)
			continue;
		memcpy(ymd, de->d_name, 10);
		ymd[10] = '\0';
		if ((day = ut_parse_day(ymd)) < 0)
			continue;
		l = merge ? 0 : k;
		if (n[l] == cap[l]) {
			cap[l] = cap[l] ? cap[l] * 2 : 64;
			if ((nv = reallocarray(days[l], cap[l], sizeof(*nv))) == NULL)
				goto fail;
			days[l] = nv;
		}
		days[l][n[l]++] = day;
	}
	if (errno != 0)
		goto fail;
	closedir(d);
	/* A day in two forms is one day. */
	for (l = 0; l < nlists; l++)
		n[l] = sort_days(days[l], n[l]);
	return 0;
fail:
	for (l = 0; l < nlists; l++) {
		free(days[l]);
		days[l] = NULL;
	}
	closedir(d);
	return -1;
}

int
arc_list_days(const char *dir, const char *const *suffixes, int **days, size_t *n)
{
	return scan_days(dir, suffixes, 1, days, n);
}

int
arc_list_forms(const struct spool *sp, int **plain, size_t *np, int **gz, size_t *nz)
{
	static const char *const forms[] = { ".jsonl", ".jsonl.gz", NULL };
	int	*v[2];
	size_t	 m[2];

	if (scan_days(sp->archive, forms, 0, v, m) == -1)
		return -1;
	*plain = v[0];
	*np = m[0];
	*gz = v[1];
	*nz = m[1];
	return 0;
}

int
arc_days(const struct spool *sp, int **days, size_t *n)
{
	static const char *const forms[] = { ".jsonl", ".jsonl.gz", NULL };

	return arc_list_days(sp->archive, forms, days, n);
}

/* A day's file being written anew under a temporary name in spool/tmp. */
struct arc_writer {
	const struct spool *sp;
	int		 day;
	int		 gz;
	int		 fd;
	int		 zinit;
	off_t		 len;		/* uncompressed bytes added */
	struct ut_buf	 stage;		/* lines not yet written or compressed */
	z_stream	 z;
	gz_header	 head;
	unsigned char	 extra[GZ_EXTRA_LEN];
	unsigned char	 out[ZBUF_BYTES];
	char		 tmp[PATH_MAX];
};

void
arc_wabort(struct arc_writer *w)
{
	int	 saved = errno;

	if (w == NULL)
		return;
	if (w->zinit)
		(void)deflateEnd(&w->z);
	if (w->fd != -1)
		(void)fio_close(w->fd);
	if (w->tmp[0] != '\0')
		(void)fio_unlink(w->tmp);
	ut_buf_free(&w->stage);
	free(w);
	errno = saved;
}

struct arc_writer *
arc_wopen(const struct spool *sp, int day, int gz)
{
	struct arc_writer	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->sp = sp;
	w->day = day;
	w->gz = gz;
	w->fd = -1;
	if (gz) {
		/* The length's place, filled in by arc_wcommit. */
		memcpy(w->extra, "YH\010\000", 4);
		w->head.extra = w->extra;
		w->head.extra_len = GZ_EXTRA_LEN;
		w->head.os = 3;		/* Unix */
		if (deflateInit2(&w->z, GZ_LEVEL, Z_DEFLATED, 15 + 16, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK) {
			errno = ENOMEM;
			goto fail;
		}
		w->zinit = 1;
		if (deflateSetHeader(&w->z, &w->head) != Z_OK) {
			errno = EINVAL;
			goto fail;
		}
	}
	if ((w->fd = fio_mktemp(sp->tmp, "archive", 0600, w->tmp, sizeof(w->tmp))) == -1)
		goto fail;
	return w;
fail:
	arc_wabort(w);
	return NULL;
}

/* Write the staged lines out, compressed when gz, to the end with finish: 0, or -1. */
static int
push(struct arc_writer *w, int finish)
{
	int	 ret;

	if (!w->gz) {
		if (fio_write(w->fd, w->stage.p, w->stage.len) == -1)
			return -1;
		w->stage.len = 0;
		return 0;
	}
	w->z.next_in = (Bytef *)w->stage.p;
	w->z.avail_in = (uInt)w->stage.len;
	do {
		w->z.next_out = w->out;
		w->z.avail_out = sizeof(w->out);
		if ((ret = deflate(&w->z, finish ? Z_FINISH : Z_NO_FLUSH)) == Z_STREAM_ERROR) {
			errno = EIO;
			return -1;
		}
		if (fio_write(w->fd, w->out, sizeof(w->out) - w->z.avail_out) == -1)
			return -1;
	} while (w->z.avail_out == 0 || (finish && ret != Z_STREAM_END));
	w->stage.len = 0;
	return 0;
}

int
arc_wadd(struct arc_writer *w, const char *line, size_t len)
{
	if (ut_buf_add(&w->stage, line, len) == -1 || ut_buf_addc(&w->stage, '\n') == -1)
		return -1;
	w->len += (off_t)len + 1;
	return w->stage.len >= STAGE_BYTES ? push(w, 0) : 0;
}

int
arc_wcommit(struct arc_writer *w)
{
	char		 path[PATH_MAX], other[PATH_MAX];
	unsigned char	 le[8];
	int		 i, rc = -1;

	if (push(w, 1) == -1)
		goto out;
	if (w->gz) {
		for (i = 0; i < 8; i++)
			le[i] = (unsigned char)((uint64_t)w->len >> (8 * i));
		if (fio_pwrite(w->fd, le, sizeof(le), GZ_SIZE_OFF) == -1)
			goto out;
	}
	if (fio_datasync(w->fd) == -1)
		goto out;
	i = fio_close(w->fd);
	w->fd = -1;
	if (i == -1 ||
	    arc_path(w->sp, w->day, w->gz ? other : path, sizeof(path)) == -1 ||
	    arc_gz_path(w->sp, w->day, w->gz ? path : other, sizeof(path)) == -1 ||
	    fio_rename(w->tmp, path) == -1)
		goto out;
	w->tmp[0] = '\0';
	if (fio_sync_dir(w->sp->archive) == -1)
		goto out;
	/* Only now that the new file is durable may the other form go. */
	if (fio_unlink(other) == 0) {
		if (fio_sync_dir(w->sp->archive) == -1)
			goto out;
	} else if (errno != ENOENT)
		goto out;
	rc = 0;
out:
	arc_wabort(w);
	return rc;
}

static int
copy_line(const char *line, size_t len, off_t end, void *arg)
{
	(void)end;
	return arc_wadd(arg, line, len);
}

/* Write the day anew in the form gz says, from the file readers take: 0, or -1 with errno. */
static int
rewrite_day(const struct spool *sp, int day, int gz)
{
	struct arc_writer	*w;

	if ((w = arc_wopen(sp, day, gz)) == NULL)
		return -1;
	if (arc_scan(sp, day, 0, -1, copy_line, w) != 0) {
		arc_wabort(w);
		return -1;
	}
	return arc_wcommit(w);
}

int
arc_compress(const struct spool *sp, int day)
{
	char		 path[PATH_MAX];
	struct stat	 st;

	if (arc_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if (fio_stat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	return rewrite_day(sp, day, 1) == -1 ? -1 : 1;
}

int
arc_remove(const struct spool *sp, int day)
{
	char	 path[PATH_MAX];
	int	 gone = 0, gz;

	for (gz = 1; gz >= 0; gz--) {
		if ((gz ? arc_gz_path : arc_path)(sp, day, path, sizeof(path)) == -1)
			return -1;
		if (fio_unlink(path) == 0)
			gone = 1;
		else if (errno != ENOENT)
			return -1;
	}
	return gone && fio_sync_dir(sp->archive) == -1 ? -1 : 0;
}

int
arc_drop_gz(const struct spool *sp, int day)
{
	char	 path[PATH_MAX];

	if (arc_gz_path(sp, day, path, sizeof(path)) == -1)
		return -1;
	if (fio_unlink(path) == -1)
		return errno == ENOENT ? 0 : -1;
	return fio_sync_dir(sp->archive);
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
copy_uncut(const char *line, size_t len, off_t end, void *arg)
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
	if (arc_scan(sp, day, 0, -1, copy_uncut, &w) != 0 || flush_rewrite(&w) == -1 ||
	    fio_datasync(w.fd) == -1 || fio_fstat(w.fd, &st) == -1)
		goto fail;
	if (ready != NULL && ready(tmp, path, st.st_ino, arg) != 0)
		goto fail;
	if (fio_rename(tmp, path) == -1)
		goto fail;
	tmp[0] = '\0';
	if (fio_sync_dir(sp->archive) == -1 || arc_drop_gz(sp, day) == -1)
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

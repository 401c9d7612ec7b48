/*
 * quarantine.c: durable, content-named files for what could not be stored.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "quarantine.h"

int
qr_begin(struct qr *q, const struct spool *sp)
{
	q->sp = sp;
	if ((q->fd = fio_mktemp(sp->tmp, "q", 0600, q->tmp, sizeof(q->tmp))) == -1)
		return -1;
	ut_hash_init(&q->hash);
	return 0;
}

int
qr_write(struct qr *q, const void *p, size_t n)
{
	ut_hash_update(&q->hash, p, n);
	return fio_write(q->fd, p, n);
}

int
qr_end(struct qr *q, const char *suffix)
{
	char		 path[PATH_MAX];
	uint64_t	 h[2];

	ut_hash_final(&q->hash, h);
	if (ut_path(path, sizeof(path), "%s/%016" PRIx64 "%016" PRIx64 ".%s",
	    q->sp->quarantine, h[0], h[1], suffix) == -1 ||
	    fio_datasync(q->fd) == -1) {
		qr_abort(q);
		return -1;
	}
	if (fio_close(q->fd) == -1) {
		q->fd = -1;
		qr_abort(q);
		return -1;
	}
	q->fd = -1;
	if (fio_rename(q->tmp, path) == -1) {
		qr_abort(q);
		return -1;
	}
	return 0;
}

void
qr_abort(struct qr *q)
{
	if (q->fd != -1)
		(void)fio_close(q->fd);
	q->fd = -1;
	(void)fio_unlink(q->tmp);
}

int
qr_sync(const struct spool *sp)
{
	return fio_sync_dir(sp->quarantine);
}

int
qr_store(const struct spool *sp, const void *p, size_t n, const char *suffix)
{
	struct qr	 q;

	if (qr_begin(&q, sp) == -1)
		return -1;
	if (qr_write(&q, p, n) == -1) {
		qr_abort(&q);
		return -1;
	}
	return qr_end(&q, suffix);
}

int
qr_add_line(struct ut_buf *out, const char *p, size_t n)
{
	size_t	 i;
	int	 in = 0, esc = 0, wrap = n > 0 && p[0] == '[';
	char	*w;

	if (ut_buf_add(out, NULL, n + 3) == -1)
		return -1;
	w = out->p + out->len - (n + 3);
	if (wrap)
		*w++ = '[';
	for (i = 0; i < n; i++) {
		if (in) {
			if (esc)
				esc = 0;
			else if (p[i] == '\\')
				esc = 1;
			else if (p[i] == '"')
				in = 0;
		} else if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')
			continue;
		else if (p[i] == '"')
			in = 1;
		*w++ = p[i];
	}
	if (wrap)
		*w++ = ']';
	*w++ = '\n';
	out->len = (size_t)(w - out->p);
	return 0;
}

int
qr_held(const char *dir, uint64_t *bytes)
{
	uint64_t	 files;

	return qr_count(dir, &files, bytes);
}

int
qr_count(const char *dir, uint64_t *files, uint64_t *bytes)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 st;

	*files = *bytes = 0;
	if ((dp = fio_opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(dp)) != NULL)
		if (fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode)) {
			*bytes += (uint64_t)st.st_size;
			(*files)++;
		}
	(void)closedir(dp);
	return 0;
}

/*
 * index.c: the dedup index file.
 *
 * Layout: a 64-byte header ("YHIDX1", slot count, live count), then slots
 * of 24 bytes (two 64-bit hash words, the day, padding).  An all-zero slot
 * is empty.  Writers hold the spool lock; the table is replaced by rename
 * when it grows, so each batch opens it anew and never sees a stale mapping.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsio.h"
#include "index.h"
#include "util.h"

#define IX_MAGIC	"YHIDX1\0\0"
#define IX_HEADER	64
#define IX_SLOT		24
#define IX_MIN_CAP	(1u << 14)

struct slot {
	uint64_t	 h0, h1;
	uint32_t	 day;
	uint32_t	 pad;
};

static struct slot *
slot_at(const struct ix *ix, uint64_t i)
{
	return (struct slot *)(ix->map + IX_HEADER + i * IX_SLOT);
}

static int
slot_live(const struct ix *ix, const struct slot *s)
{
	return s->day != 0 && (int)s->day + ix->window >= ix->today;
}

/* Hash words are never both zero, so a zero slot always means empty. */
static void
key_words(const struct ev_key *k, uint64_t *h0, uint64_t *h1)
{
	*h0 = k->h[0];
	*h1 = k->h[1];
	if (*h0 == 0 && *h1 == 0)
		*h0 = 1;
}

static int
map_file(struct ix *ix, int fd)
{
	struct stat	 st;
	void		*p;

	if (fstat(fd, &st) == -1)
		return -1;
	if ((size_t)st.st_size < IX_HEADER + IX_MIN_CAP * (size_t)IX_SLOT) {
		errno = EINVAL;
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	ix->map = p;
	ix->maplen = (size_t)st.st_size;
	memcpy(&ix->cap, ix->map + 8, sizeof(ix->cap));
	if (memcmp(ix->map, IX_MAGIC, 8) != 0 || ix->cap < IX_MIN_CAP ||
	    (ix->cap & (ix->cap - 1)) != 0 ||
	    IX_HEADER + ix->cap * IX_SLOT > ix->maplen) {
		munmap(ix->map, ix->maplen);
		ix->map = NULL;
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * Write an empty table of cap slots to path via a temporary file, so a crash
 * never leaves a half-made index under the real name.  The space is
 * allocated now: a full disk must fail here, not as SIGBUS in a store.
 */
static int
create_table(const char *path, uint64_t cap, int *fdp)
{
	char		 tmp[PATH_MAX], hdr[IX_HEADER];
	int		 fd, rc;
	off_t		 size = (off_t)(IX_HEADER + cap * IX_SLOT);

	if (ut_path(tmp, sizeof(tmp), "%s.new", path) == -1)
		return -1;
	if ((fd = fio_open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, IX_MAGIC, 8);
	memcpy(hdr + 8, &cap, sizeof(cap));
	if ((rc = posix_fallocate(fd, 0, size)) != 0) {
		errno = rc;
		goto fail;
	}
	if (fio_write(fd, hdr, sizeof(hdr)) == -1)
		goto fail;
	*fdp = fd;
	return 0;
fail:
	(void)fio_close(fd);
	(void)unlink(tmp);
	return -1;
}

/* Put the table made by create_table in place and fsync its directory. */
static int
install_table(const char *path, int fd)
{
	char	 tmp[PATH_MAX], dir[PATH_MAX];
	char	*slash;

	if (ut_path(tmp, sizeof(tmp), "%s.new", path) == -1 ||
	    ut_path(dir, sizeof(dir), "%s", path) == -1)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (fio_datasync(fd) == -1 || fio_rename(tmp, path) == -1 ||
	    fio_sync_dir(slash ? dir : ".") == -1)
		return -1;
	return 0;
}

int
ix_open(struct ix *ix, const char *path, int today, int window)
{
	int	 fd = -1;

	memset(ix, 0, sizeof(*ix));
	ix->fd = -1;
	ix->today = today;
	ix->window = window;
	if ((ix->path = strdup(path)) == NULL)
		return -1;
	if ((fd = fio_open(path, O_RDWR, 0)) == -1) {
		if (errno != ENOENT)
			goto fail;
		if (create_table(path, IX_MIN_CAP, &fd) == -1 ||
		    install_table(path, fd) == -1)
			goto fail;
	}
	if (map_file(ix, fd) == -1)
		goto fail;
	ix->fd = fd;
	return 0;
fail:
	if (fd != -1)
		(void)fio_close(fd);
	free(ix->path);
	ix->path = NULL;
	return -1;
}

/*
 * Find the key: returns its slot, or NULL with *freep set to the first slot
 * that may take it (empty or expired).  Linear probing; the load stays
 * under one half, so chains are short.
 */
static struct slot *
find_slot(const struct ix *ix, uint64_t h0, uint64_t h1, struct slot **freep)
{
	uint64_t	 mask = ix->cap - 1, i;
	struct slot	*s;

	*freep = NULL;
	for (i = h0 & mask;; i = (i + 1) & mask) {
		s = slot_at(ix, i);
		if (s->h0 == 0 && s->h1 == 0) {
			if (*freep == NULL)
				*freep = s;
			return NULL;
		}
		if (s->h0 == h0 && s->h1 == h1)
			return s;
		if (*freep == NULL && !slot_live(ix, s))
			*freep = s;
	}
}

int
ix_has(const struct ix *ix, const struct ev_key *k)
{
	struct slot	*s, *fr;
	uint64_t	 h0, h1;

	key_words(k, &h0, &h1);
	s = find_slot(ix, h0, h1, &fr);
	return s != NULL && slot_live(ix, s);
}

static uint64_t
count_live(const struct ix *ix)
{
	uint64_t	 i, live = 0;

	for (i = 0; i < ix->cap; i++)
		if (slot_live(ix, slot_at(ix, i)))
			live++;
	return live;
}

/* Rewrite the table with only its live slots, at a size that leaves it a quarter full. */
static int
grow_table(struct ix *ix)
{
	struct ix	 nx;
	uint64_t	 live, cap = IX_MIN_CAP, i, copied = 0;
	struct slot	*s, *d, *fr;
	int		 fd;

	live = count_live(ix);
	while (cap < live * 4)
		cap *= 2;
	if (create_table(ix->path, cap, &fd) == -1)
		return -1;
	nx = *ix;
	if (map_file(&nx, fd) == -1) {
		(void)fio_close(fd);
		return -1;
	}
	for (i = 0; i < ix->cap; i++) {
		s = slot_at(ix, i);
		if (!slot_live(ix, s))
			continue;
		d = find_slot(&nx, s->h0, s->h1, &fr);
		if (d == NULL) {
			*fr = *s;
			copied++;
		}
	}
	memcpy(nx.map + 16, &copied, sizeof(copied));
	if (install_table(ix->path, fd) == -1) {
		munmap(nx.map, nx.maplen);
		(void)fio_close(fd);
		return -1;
	}
	munmap(ix->map, ix->maplen);
	(void)fio_close(ix->fd);
	ix->fd = fd;
	ix->map = nx.map;
	ix->maplen = nx.maplen;
	ix->cap = nx.cap;
	return 0;
}

int
ix_add(struct ix *ix, const struct ev_key *k, int day)
{
	struct slot	*s, *fr;
	uint64_t	 h0, h1, used;

	key_words(k, &h0, &h1);
	if ((s = find_slot(ix, h0, h1, &fr)) != NULL) {
		if ((int)s->day < day) {
			s->day = (uint32_t)day;
			ix->dirty = 1;
		}
		return 0;
	}
	memcpy(&used, ix->map + 16, sizeof(used));
	if (fr->h0 == 0 && fr->h1 == 0) {
		if ((used + 1) * 2 > ix->cap) {
			if (grow_table(ix) == -1)
				return -1;
			return ix_add(ix, k, day);
		}
		used++;
		memcpy(ix->map + 16, &used, sizeof(used));
	}
	/* Day last: a store cut short by a kill leaves a slot that reads as expired. */
	fr->day = 0;
	fr->h0 = h0;
	fr->h1 = h1;
	fr->day = (uint32_t)day;
	ix->dirty = 1;
	return 0;
}

int
ix_sync(struct ix *ix)
{
	if (!ix->dirty)
		return 0;
	if (fio_datasync(ix->fd) == -1)
		return -1;
	ix->dirty = 0;
	return 0;
}

int
ix_close(struct ix *ix)
{
	int	 rc = 0;

	if (ix->map != NULL && munmap(ix->map, ix->maplen) == -1)
		rc = -1;
	if (ix->fd != -1 && fio_close(ix->fd) == -1)
		rc = -1;
	free(ix->path);
	memset(ix, 0, sizeof(*ix));
	ix->fd = -1;
	return rc;
}

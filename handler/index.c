/*
 * index.c: the dedup index files.
 *
 * Layout: a 64-byte header (magic, slot count, used slots, drain cursor,
 * synced drain cursor, boot), then slots of 24 bytes (two 64-bit hash
 * words, the day, padding).  An all-zero slot is empty.  Writers hold the
 * spool lock; tables are replaced by rename, so each batch opens them anew
 * and never sees a stale mapping.
 *
 * Draining survives a power cut: the old table is removed only after a
 * sync that followed its last slot's copy, and a cursor written after the
 * sync it describes restarts the drain when the boot has changed.
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

#define IX_MAGIC	"YHIDX2\0\0"
#define IX_HEADER	64
#define IX_SLOT		24
#define IX_MIN_CAP	(1u << 14)
/*
 * Old slots drained per insert.  A new table has at least four times the
 * old one's used slots, so two per insert finish the drain before the new
 * table is half full; eight leave room to spare.
 */
#define IX_DRAIN	8

enum { H_CAP = 8, H_USED = 16, H_CURSOR = 24, H_SYNCED = 32, H_BOOT = 40 };

struct slot {
	uint64_t	 h0, h1;
	uint32_t	 day;
	uint32_t	 pad;
};

static uint64_t
get_header(const struct ix_table *t, int at)
{
	uint64_t	 v;

	memcpy(&v, t->map + at, sizeof(v));
	return v;
}

static void
set_header(struct ix_table *t, int at, uint64_t v)
{
	memcpy(t->map + at, &v, sizeof(v));
}

static struct slot *
slot_at(const struct ix_table *t, uint64_t i)
{
	return (struct slot *)(t->map + IX_HEADER + i * IX_SLOT);
}

static int
slot_live(const struct ix *ix, const struct slot *s)
{
	return s->day != 0 && (int)s->day + ix->window >= ix->today;
}

/* The boot id as one word, to tell whether the page cache outlived a crash. */
static uint64_t
boot_word(void)
{
	struct ut_hash	 h;
	uint64_t	 w[2];
	const char	*id = ut_boot_id();

	ut_hash_init(&h);
	ut_hash_update(&h, id, strlen(id));
	ut_hash_final(&h, w);
	return w[0];
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

static void
unmap_table(struct ix_table *t)
{
	if (t->map != NULL)
		(void)munmap(t->map, t->maplen);
	if (t->fd != -1)
		(void)fio_close(t->fd);
	t->map = NULL;
	t->fd = -1;
}

/* Map the table open on fd; on error fd is closed.  0, or -1 (EINVAL: not a table). */
static int
map_table(struct ix_table *t, int fd)
{
	struct stat	 st;
	void		*p;

	t->fd = fd;
	t->map = NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	if ((size_t)st.st_size < IX_HEADER + IX_MIN_CAP * (size_t)IX_SLOT) {
		errno = EINVAL;
		goto fail;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	t->map = p;
	t->maplen = (size_t)st.st_size;
	t->cap = get_header(t, H_CAP);
	if (memcmp(t->map, IX_MAGIC, 8) != 0 || t->cap < IX_MIN_CAP ||
	    (t->cap & (t->cap - 1)) != 0 ||
	    IX_HEADER + t->cap * IX_SLOT > t->maplen) {
		errno = EINVAL;
		goto fail;
	}
	return 0;
fail:
	{
		int saved = errno;

		unmap_table(t);
		errno = saved;
	}
	return -1;
}

/*
 * Make an empty table of cap slots at path, through a temporary name so a
 * crash never leaves half a table under the real one.  The space is
 * allocated now: a full disk must fail here, not as SIGBUS in a store.
 */
static int
create_table(const char *path, uint64_t cap, struct ix_table *t)
{
	char	 tmp[PATH_MAX], dir[PATH_MAX], hdr[IX_HEADER], *slash;
	off_t	 size = (off_t)(IX_HEADER + cap * IX_SLOT);
	int	 fd, rc;

	if (ut_path(tmp, sizeof(tmp), "%s.new", path) == -1 ||
	    ut_path(dir, sizeof(dir), "%s", path) == -1)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((fd = fio_open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, IX_MAGIC, 8);
	memcpy(hdr + H_CAP, &cap, sizeof(cap));
	if ((rc = posix_fallocate(fd, 0, size)) != 0) {
		errno = rc;
		goto fail;
	}
	if (fio_write(fd, hdr, sizeof(hdr)) == -1 || fio_datasync(fd) == -1 ||
	    fio_rename(tmp, path) == -1 || fio_sync_dir(slash ? dir : ".") == -1)
		goto fail;
	return map_table(t, fd);
fail:
	rc = errno;
	(void)fio_close(fd);
	(void)unlink(tmp);
	errno = rc;
	return -1;
}

static int
old_path(const struct ix *ix, char *buf, size_t len)
{
	return ut_path(buf, len, "%s.old", ix->path);
}

int
ix_open(struct ix *ix, const char *path, int today, int window)
{
	char	 oldp[PATH_MAX];
	int	 fd;

	memset(ix, 0, sizeof(*ix));
	ix->cur.fd = ix->old.fd = -1;
	ix->today = today;
	ix->window = window;
	if ((ix->path = strdup(path)) == NULL)
		return -1;
	if ((fd = fio_open(path, O_RDWR, 0)) != -1) {
		if (map_table(&ix->cur, fd) == -1)
			goto fail;
	} else if (errno != ENOENT || create_table(path, IX_MIN_CAP, &ix->cur) == -1)
		goto fail;
	if (old_path(ix, oldp, sizeof(oldp)) == -1)
		goto fail;
	if ((fd = fio_open(oldp, O_RDWR, 0)) != -1) {
		if (map_table(&ix->old, fd) == -1)
			goto fail;
	} else if (errno != ENOENT)
		goto fail;
	if (get_header(&ix->cur, H_BOOT) != boot_word()) {
		/* Copies after the last sync may be lost: drain again from there. */
		set_header(&ix->cur, H_CURSOR, get_header(&ix->cur, H_SYNCED));
		set_header(&ix->cur, H_BOOT, boot_word());
	}
	return 0;
fail:
	{
		int saved = errno;

		(void)ix_close(ix);
		errno = saved;
	}
	return -1;
}

/*
 * Find a key in a table: its slot, or NULL with *freep set to the first
 * slot that may take it (empty or expired).  Linear probing; the load
 * stays under three quarters, so chains are short.
 */
static struct slot *
find_slot(const struct ix *ix, const struct ix_table *t, uint64_t h0, uint64_t h1,
    struct slot **freep)
{
	uint64_t	 mask = t->cap - 1, i;
	struct slot	*s;

	*freep = NULL;
	for (i = h0 & mask;; i = (i + 1) & mask) {
		s = slot_at(t, i);
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
	if ((s = find_slot(ix, &ix->cur, h0, h1, &fr)) != NULL && slot_live(ix, s))
		return 1;
	return ix->old.map != NULL &&
	    (s = find_slot(ix, &ix->old, h0, h1, &fr)) != NULL && slot_live(ix, s);
}

/* Put a key in cur, keeping the later day when it is there.  1 when it took a new slot. */
static int
store_key(struct ix *ix, uint64_t h0, uint64_t h1, uint32_t day)
{
	struct slot	*s, *fr;
	int		 fresh;

	if ((s = find_slot(ix, &ix->cur, h0, h1, &fr)) != NULL) {
		if (s->day < day)
			s->day = day;
		return 0;
	}
	fresh = fr->h0 == 0 && fr->h1 == 0;
	/* Day last: a store cut short by a kill leaves a slot that reads as expired. */
	fr->day = 0;
	fr->h0 = h0;
	fr->h1 = h1;
	fr->day = day;
	if (fresh)
		set_header(&ix->cur, H_USED, get_header(&ix->cur, H_USED) + 1);
	return fresh;
}

/* Copy up to n more live slots of the old table into cur. */
static void
drain(struct ix *ix, uint64_t n)
{
	uint64_t	 i = get_header(&ix->cur, H_CURSOR), end;
	struct slot	*s;

	if (ix->old.map == NULL || i >= ix->old.cap)
		return;
	end = n > ix->old.cap - i ? ix->old.cap : i + n;
	for (; i < end; i++) {
		s = slot_at(&ix->old, i);
		if (slot_live(ix, s))
			(void)store_key(ix, s->h0, s->h1, s->day);
	}
	set_header(&ix->cur, H_CURSOR, end);
	ix->dirty = 1;
}

/*
 * Replace the full table by one four times its used slots; it becomes the
 * old table, drained from now on.  An unfinished drain is finished first
 * (rare: draining outpaces filling).
 */
static int
grow(struct ix *ix)
{
	char		 oldp[PATH_MAX];
	uint64_t	 cap = IX_MIN_CAP, used = get_header(&ix->cur, H_USED);

	if (ix->old.map != NULL) {
		drain(ix, ix->old.cap);
		if (ix_sync(ix) == -1)
			return -1;
	}
	while (cap < used * 4)
		cap *= 2;
	/* No sync: its keys are durable up to the last checkpoint, and replay covers the rest. */
	if (old_path(ix, oldp, sizeof(oldp)) == -1 || fio_rename(ix->path, oldp) == -1)
		return -1;
	ix->old = ix->cur;
	ix->cur.fd = -1;
	ix->cur.map = NULL;
	if (create_table(ix->path, cap, &ix->cur) == -1)
		return -1;
	set_header(&ix->cur, H_BOOT, boot_word());
	return 0;
}

int
ix_add(struct ix *ix, const struct ev_key *k, int day)
{
	struct slot	*s, *fr;
	uint64_t	 h0, h1;

	key_words(k, &h0, &h1);
	s = find_slot(ix, &ix->cur, h0, h1, &fr);
	if (s == NULL && fr->h0 == 0 && fr->h1 == 0 &&
	    (get_header(&ix->cur, H_USED) + 1) * 2 > ix->cur.cap && grow(ix) == -1)
		return -1;
	(void)store_key(ix, h0, h1, (uint32_t)day);
	drain(ix, IX_DRAIN);
	ix->dirty = 1;
	return 0;
}

int
ix_sync(struct ix *ix)
{
	char		 oldp[PATH_MAX];
	uint64_t	 cursor = get_header(&ix->cur, H_CURSOR);

	if (!ix->dirty)
		return 0;
	if (fio_datasync(ix->cur.fd) == -1)
		return -1;
	/* Written after the sync it describes, so never ahead of what is durable. */
	set_header(&ix->cur, H_SYNCED, cursor);
	if (ix->old.map != NULL && cursor >= ix->old.cap) {
		if (old_path(ix, oldp, sizeof(oldp)) == -1 || unlink(oldp) == -1)
			return -1;
		unmap_table(&ix->old);
		set_header(&ix->cur, H_CURSOR, 0);
		set_header(&ix->cur, H_SYNCED, 0);
	}
	ix->dirty = 0;
	return 0;
}

int
ix_close(struct ix *ix)
{
	int	 rc = 0;

	if (ix->cur.map != NULL && munmap(ix->cur.map, ix->cur.maplen) == -1)
		rc = -1;
	if (ix->cur.fd != -1 && fio_close(ix->cur.fd) == -1)
		rc = -1;
	unmap_table(&ix->old);
	free(ix->path);
	memset(ix, 0, sizeof(*ix));
	ix->cur.fd = ix->old.fd = -1;
	return rc;
}

int
ix_remove(const char *path)
{
	char	 oldp[PATH_MAX];

	if (ut_path(oldp, sizeof(oldp), "%s.old", path) == -1)
		return -1;
	if ((unlink(path) == -1 && errno != ENOENT) ||
	    (unlink(oldp) == -1 && errno != ENOENT))
		return -1;
	return 0;
}

/*
 * index.c: the dedup index files.
 *
 * Layout: a 64-byte header (magic, slot count, used slots, drain cursor,
 * synced drain cursor, boot), then slots of 24 bytes (two 64-bit hash
 * words, the day, padding).  An all-zero slot is empty.  Writers hold the
 * spool lock; tables are replaced by rename, so each batch opens them anew.
 *
 * Slots are read and written with pread and pwrite, not through a mapping:
 * a mapped lookup faults in the 64 KiB around it, so a worker's memory
 * would grow with the index instead of with the batch.  A table of up to
 * IX_CACHE_SLOTS slots (1.5 MiB) is read into memory a few blocks at a
 * time as it is used, and its changed blocks are written back in runs at
 * a sync, at close, before a growth and after a batch's keys are added:
 * a batch costs a few reads, not two reads and a write per key.  Of a
 * larger table only the pages a batch touches are kept, up to IX_PAGE_MAX:
 * a key costs one read, for its lookup and its insert together, and the
 * changed pages are written back in order, neighbours in one call.
 *
 * Draining survives a power cut: the old table is removed only after a
 * sync that followed its last slot's copy, and a cursor written after the
 * sync it describes restarts the drain when the boot has changed.
 */
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

#define IX_MAGIC	"YHIDX3\0\0"
#define IX_HEADER	64
#define IX_SLOT		24
#define IX_MIN_CAP	(1u << 14)
/* Slots read at once: a probe chain rarely runs past them at half load. */
#define IX_WINDOW	16
/*
 * Old slots drained per insert.  A new table has at least four times the
 * old one's used slots, so two per insert finish the drain before the new
 * table is half full; eight leave room to spare.
 */
#define IX_DRAIN	8
/* Tables cached whole, and the slots read at once into the cache. */
#define IX_CACHE_SLOTS	(1u << 16)
#define IX_BLOCK_SLOTS	512
#define IX_READ_BLOCKS	8
/*
 * A larger table's pages: 32 slots, so a probe chain rarely leaves its
 * page; at most IX_PAGE_MAX held (about 800 KiB, so a worker's memory stays
 * with its batch), and IX_PAGE_AHEAD read at once when a table is read in
 * order, as a drain does.
 */
#define IX_PAGE_SLOTS	32
#define IX_PAGE_MAX	1024
#define IX_PAGE_AHEAD	8

struct ix_slot {
	uint64_t	 h0, h1;
	uint32_t	 day;
	uint32_t	 pad;
};
_Static_assert(sizeof(struct ix_slot) == IX_SLOT, "a slot is read and written as IX_SLOT bytes");

struct ix_page {
	uint64_t	 no;		/* holds slots no * IX_PAGE_SLOTS on */
	int		 dirty;
	struct ix_slot	 s[IX_PAGE_SLOTS];
};

/* Where a key is, or may go, in one table. */
struct probe {
	uint64_t	 at;		/* its slot, when found */
	uint64_t	 free;		/* the first empty or expired slot met */
	struct ix_slot	 s;		/* the found slot's contents */
	int		 found;
	int		 free_empty;	/* free is empty, not merely expired */
};

static off_t
slot_off(uint64_t i)
{
	return (off_t)(IX_HEADER + i * IX_SLOT);
}

static int
slot_live(const struct ix *ix, const struct ix_slot *s)
{
	return s->day != 0 && (int)s->day + ix->window >= ix->today;
}

static int
slot_empty(const struct ix_slot *s)
{
	return s->h0 == 0 && s->h1 == 0;
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

/* Whether t is small enough to be cached whole. */
static int
cached(const struct ix_table *t)
{
	return t->cap <= IX_CACHE_SLOTS;
}

/* Read the block of a cached table holding slot i, unless it is in memory: 0, or -1. */
static int
load_block(struct ix_table *t, uint64_t i)
{
	uint64_t	 b = i / IX_BLOCK_SLOTS, first = b * IX_BLOCK_SLOTS;
	ssize_t		 got;
	size_t		 n;

	if (t->mem == NULL && ((t->mem = malloc(t->cap * IX_SLOT)) == NULL ||
	    (t->blk = calloc(t->cap / IX_BLOCK_SLOTS, 1)) == NULL)) {
		free(t->mem);
		t->mem = NULL;
		return -1;
	}
	if (t->blk[b] != 0)
		return 0;
	/* The unread blocks after it come along, up to IX_READ_BLOCKS in all. */
	for (n = 1; n < IX_READ_BLOCKS && b + n < t->cap / IX_BLOCK_SLOTS &&
	    t->blk[b + n] == 0; n++)
		;
	got = fio_pread(t->fd, &t->mem[first], n * IX_BLOCK_SLOTS * IX_SLOT, slot_off(first));
	if (got != (ssize_t)(n * IX_BLOCK_SLOTS * IX_SLOT)) {
		if (got >= 0)
			errno = EINVAL;
		return -1;
	}
	memset(&t->blk[b], 1, n);
	return 0;
}

/* Where page no would be in t->pgmap. */
static size_t
page_hash(uint64_t no, size_t mapcap)
{
	return (size_t)((no * 0x9e3779b97f4a7c15ULL) >> 32) & (mapcap - 1);
}

/* The place of page no in t->pg, or -1 when it is not held. */
static ssize_t
find_page(const struct ix_table *t, uint64_t no)
{
	size_t		 h;
	uint32_t	 v;

	if (t->pgmap == NULL)
		return -1;
	for (h = page_hash(no, t->mapcap); (v = t->pgmap[h]) != 0;
	    h = (h + 1) & (t->mapcap - 1))
		if (t->pg[v - 1].no == no)
			return (ssize_t)(v - 1);
	return -1;
}

static int
cmp_page(const void *a, const void *b)
{
	uint64_t	 x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];

	return x < y ? -1 : x > y;
}

/* Write t's changed pages back in order, a run of neighbours in one call: 0, or -1. */
static int
flush_pages(struct ix_table *t)
{
	struct ix_slot	 buf[IX_PAGE_AHEAD * IX_PAGE_SLOTS];
	uint64_t	(*d)[2];
	size_t		 i, k, n = 0, run;
	int		 rc = -1;

	for (i = 0; i < t->npg; i++)
		n += t->pg[i].dirty;
	if (n == 0)
		return 0;
	if ((d = calloc(n, sizeof(*d))) == NULL)
		return -1;
	for (i = 0, n = 0; i < t->npg; i++)
		if (t->pg[i].dirty) {
			d[n][0] = t->pg[i].no;
			d[n++][1] = i;
		}
	qsort(d, n, sizeof(*d), cmp_page);
	for (i = 0; i < n; i += run) {
		for (run = 0; i + run < n && run < IX_PAGE_AHEAD &&
		    d[i + run][0] == d[i][0] + run; run++)
			memcpy(&buf[run * IX_PAGE_SLOTS], t->pg[d[i + run][1]].s,
			    sizeof(t->pg->s));
		if (fio_pwrite(t->fd, buf, run * sizeof(t->pg->s),
		    slot_off(d[i][0] * IX_PAGE_SLOTS)) == -1)
			goto fail;
		/* Clean only once written: a failed write is tried again at the next flush. */
		for (k = 0; k < run; k++)
			t->pg[d[i + k][1]].dirty = 0;
	}
	rc = 0;
fail:
	free(d);
	return rc;
}

/* Write back and forget every page of t: 0, or -1. */
static int
drop_pages(struct ix_table *t)
{
	if (flush_pages(t) == -1)
		return -1;
	t->npg = 0;
	if (t->pgmap != NULL)
		memset(t->pgmap, 0, t->mapcap * sizeof(*t->pgmap));
	return 0;
}

/*
 * Page no of a large table, read unless held; the pages after it come
 * along while the table is read in order (t->ahead).  Returns its
 * place in t->pg, or -1 with errno (EINVAL: the file is short).
 */
static ssize_t
load_page(struct ix_table *t, uint64_t no)
{
	struct ix_slot	 buf[IX_PAGE_AHEAD * IX_PAGE_SLOTS];
	struct ix_page	*pg;
	ssize_t		 at, got;
	size_t		 n = 1, i, h;
	uint64_t	 last = t->cap / IX_PAGE_SLOTS;

	if ((at = find_page(t, no)) != -1)
		return at;
	if (t->npg + IX_PAGE_AHEAD > IX_PAGE_MAX && drop_pages(t) == -1)
		return -1;
	/* Allocated whole, never moved: only the pages used take memory. */
	if (t->pg == NULL) {
		t->mapcap = 2 * IX_PAGE_MAX;
		if ((t->pgmap = calloc(t->mapcap, sizeof(*t->pgmap))) == NULL ||
		    (t->pg = reallocarray(NULL, IX_PAGE_MAX, sizeof(*t->pg))) == NULL) {
			free(t->pgmap);
			t->pgmap = NULL;
			return -1;
		}
	}
	if (t->ahead)
		while (n < IX_PAGE_AHEAD && no + n < last && find_page(t, no + n) == -1)
			n++;
	got = fio_pread(t->fd, buf, n * sizeof(t->pg->s), slot_off(no * IX_PAGE_SLOTS));
	if (got != (ssize_t)(n * sizeof(t->pg->s))) {
		if (got >= 0)
			errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		pg = &t->pg[t->npg];
		pg->no = no + i;
		pg->dirty = 0;
		memcpy(pg->s, &buf[i * IX_PAGE_SLOTS], sizeof(pg->s));
		for (h = page_hash(pg->no, t->mapcap); t->pgmap[h] != 0;
		    h = (h + 1) & (t->mapcap - 1))
			;
		t->pgmap[h] = (uint32_t)++t->npg;
	}
	return (ssize_t)(t->npg - n);
}

/*
 * The slots from i to the end of their block or page, at most *n of them,
 * in memory (read when not yet): a pointer, with *n set to how many, or
 * NULL with errno (EINVAL: the file is shorter than its header says).
 */
static const struct ix_slot *
slots_at(struct ix_table *t, uint64_t i, size_t *n)
{
	size_t	 unit = cached(t) ? IX_BLOCK_SLOTS : IX_PAGE_SLOTS, left;
	ssize_t	 at;

	left = unit - (size_t)(i % unit);
	if (*n > left)
		*n = left;
	if (cached(t))
		return load_block(t, i) == -1 ? NULL : &t->mem[i];
	if ((at = load_page(t, i / IX_PAGE_SLOTS)) == -1)
		return NULL;
	return &t->pg[at].s[i % IX_PAGE_SLOTS];
}

/* Read n slots from i: 0, or -1 with errno (EINVAL: the file is shorter than its header says). */
static int
read_slots(struct ix_table *t, uint64_t i, struct ix_slot *s, size_t n)
{
	const struct ix_slot	*p;
	size_t			 k;

	for (; n > 0; n -= k, i += k, s += k) {
		k = n;
		if ((p = slots_at(t, i, &k)) == NULL)
			return -1;
		memcpy(s, p, k * IX_SLOT);
	}
	return 0;
}

static int
write_slot(struct ix_table *t, uint64_t i, const struct ix_slot *s)
{
	ssize_t	 at;

	if (!cached(t)) {
		if ((at = load_page(t, i / IX_PAGE_SLOTS)) == -1)
			return -1;
		t->pg[at].s[i % IX_PAGE_SLOTS] = *s;
		t->pg[at].dirty = 1;
		return 0;
	}
	if (load_block(t, i) == -1)
		return -1;
	t->mem[i] = *s;
	t->blk[i / IX_BLOCK_SLOTS] = 2;
	return 0;
}

/* Write a table's changed blocks or pages back, a run of them in one call: 0, or -1. */
static int
flush_table(struct ix_table *t)
{
	uint64_t	 b, e, nb = t->cap / IX_BLOCK_SLOTS;

	if (!cached(t))
		return flush_pages(t);
	for (b = 0; t->blk != NULL && b < nb; b = e) {
		for (e = b; e < nb && t->blk[e] == 2; e++)
			;
		if (e == b) {
			e++;
			continue;
		}
		if (fio_pwrite(t->fd, &t->mem[b * IX_BLOCK_SLOTS],
		    (size_t)(e - b) * IX_BLOCK_SLOTS * IX_SLOT, slot_off(b * IX_BLOCK_SLOTS)) == -1)
			return -1;
		memset(&t->blk[b], 1, (size_t)(e - b));
	}
	return 0;
}

static int
write_header(const struct ix_table *t)
{
	char	 hdr[IX_HEADER];

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, IX_MAGIC, 8);
	memcpy(hdr + 8, &t->cap, 8);
	memcpy(hdr + 16, &t->used, 8);
	memcpy(hdr + 24, &t->cursor, 8);
	memcpy(hdr + 32, &t->synced, 8);
	memcpy(hdr + 40, &t->boot, 8);
	return fio_pwrite(t->fd, hdr, sizeof(hdr), 0);
}

static void
close_table(struct ix_table *t)
{
	if (t->fd != -1)
		(void)fio_close(t->fd);
	t->fd = -1;
	free(t->mem);
	free(t->blk);
	free(t->pg);
	free(t->pgmap);
	t->mem = NULL;
	t->blk = NULL;
	t->pg = NULL;
	t->pgmap = NULL;
	t->npg = t->mapcap = 0;
}

/*
 * Read the header of the table open on fd; on error fd is closed.  0, or
 * -1 (EINVAL: not a table, or a header its file contradicts: damaged).
 */
static int
load_table(struct ix_table *t, int fd)
{
	struct stat	 st;
	char		 hdr[IX_HEADER];
	ssize_t		 got;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	if (fio_fstat(fd, &st) == -1 || (got = fio_pread(fd, hdr, sizeof(hdr), 0)) == -1)
		goto fail;
	memcpy(&t->cap, hdr + 8, 8);
	memcpy(&t->used, hdr + 16, 8);
	memcpy(&t->cursor, hdr + 24, 8);
	memcpy(&t->synced, hdr + 32, 8);
	memcpy(&t->boot, hdr + 40, 8);
	/* cap is checked before it is multiplied, so the size test cannot wrap. */
	if (got != (ssize_t)sizeof(hdr) || memcmp(hdr, IX_MAGIC, 8) != 0 ||
	    t->cap < IX_MIN_CAP || (t->cap & (t->cap - 1)) != 0 ||
	    t->cap > ((uint64_t)INT64_MAX - IX_HEADER) / IX_SLOT ||
	    (uint64_t)st.st_size < IX_HEADER + t->cap * IX_SLOT ||
	    t->used > t->cap || t->synced > t->cursor) {
		errno = EINVAL;
		goto fail;
	}
	return 0;
fail:
	{
		int saved = errno;

		close_table(t);
		errno = saved;
	}
	return -1;
}

/*
 * Make an empty table of cap slots at path, through a temporary name so a
 * crash never leaves half a table under the real one.  The space is
 * allocated now, so a full disk fails here rather than in a slot's write.
 */
static int
create_table(const char *path, uint64_t cap, struct ix_table *t)
{
	char	 tmp[PATH_MAX], dir[PATH_MAX], *slash;
	int	 fd, rc;

	if (ut_path(dir, sizeof(dir), "%s", path) == -1)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((fd = fio_mktemp(slash ? dir : ".", slash ? slash + 1 : dir, 0600,
	    tmp, sizeof(tmp))) == -1)
		return -1;
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->cap = cap;
	t->boot = boot_word();
	if (fio_allocate(fd, slot_off(cap)) == -1)
		goto fail;
	if (write_header(t) == -1 || fio_datasync(fd) == -1 ||
	    fio_rename(tmp, path) == -1 || fio_sync_dir(slash ? dir : ".") == -1)
		goto fail;
	return 0;
fail:
	rc = errno;
	close_table(t);
	(void)fio_unlink(tmp);
	errno = rc;
	return -1;
}

static int
old_path(const struct ix *ix, char *buf, size_t len)
{
	return ut_path(buf, len, "%s.old", ix->path);
}

/* The mark of an index being made anew, beside it: PATH.unfinished. */
static int
unfinished_path(const char *path, char *buf, size_t len)
{
	return ut_path(buf, len, "%s.unfinished", path);
}

/*
 * Leave the mark, durably, before an index is made from nothing: an index
 * is trusted only once a sync found it whole and removed the mark.  0, or -1.
 */
static int
mark_unfinished(const char *path)
{
	static const char	 text[] = "this index is being made anew from the archive\n";
	char			 mark[PATH_MAX], dir[PATH_MAX], *slash;

	if (unfinished_path(path, mark, sizeof(mark)) == -1 ||
	    ut_path(dir, sizeof(dir), "%s", mark) == -1)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL)
		return fio_replace(".", mark, text, sizeof(text) - 1, 0600, 1);
	*slash = '\0';
	return fio_replace(dir, slash + 1, text, sizeof(text) - 1, 0600, 1);
}

/* ix_open, or with ro set ix_inspect. */
static int
open_index(struct ix *ix, const char *path, int today, int window, int ro)
{
	struct stat	 st;
	char		 oldp[PATH_MAX], mark[PATH_MAX];
	uint64_t	 cap = IX_MIN_CAP;
	int		 fd;

	memset(ix, 0, sizeof(*ix));
	ix->cur.fd = ix->old.fd = -1;
	ix->today = today;
	ix->window = window;
	if ((ix->path = strdup(path)) == NULL || old_path(ix, oldp, sizeof(oldp)) == -1 ||
	    unfinished_path(path, mark, sizeof(mark)) == -1)
		goto fail;
	if (fio_stat(mark, &st) == 0)
		ix->unfinished = 1;
	else if (errno != ENOENT)
		goto fail;
	if ((fd = fio_open(oldp, O_RDONLY, 0)) != -1) {
		if (load_table(&ix->old, fd) == -1)
			goto fail;
	} else if (errno != ENOENT)
		goto fail;
	if ((fd = fio_open(path, ro ? O_RDONLY : O_RDWR, 0)) != -1) {
		if (load_table(&ix->cur, fd) == -1)
			goto fail;
	} else if (errno != ENOENT || ro)
		goto fail;
	else {
		/* A growth cut short between its rename and the new table: size it for the old one. */
		while (cap < ix->old.used * 4)
			cap *= 2;
		ix->created = ix->old.fd == -1;
		if (ix->created && !ix->unfinished) {
			if (mark_unfinished(path) == -1)
				goto fail;
			ix->unfinished = 1;
		}
		if (create_table(path, cap, &ix->cur) == -1)
			goto fail;
	}
	/* Left by a process stopped while it made the index: what it holds is not all. */
	if (ix->unfinished && !ix->created) {
		errno = EINVAL;
		goto fail;
	}
	/* A drain cannot be past the end of the table it drains. */
	if (ix->old.fd != -1 && ix->cur.cursor > ix->old.cap) {
		errno = EINVAL;
		goto fail;
	}
	if (ix->cur.boot != boot_word()) {
		/* Copies after the last sync may be lost: drain again from there. */
		ix->cur.cursor = ix->cur.synced;
		if (!ro) {
			ix->cur.boot = boot_word();
			ix->dirty = 1;
		}
	}
	return 0;
fail:
	{
		int saved = errno;

		close_table(&ix->cur);
		close_table(&ix->old);
		free(ix->path);
		ix->path = NULL;
		errno = saved;
	}
	return -1;
}

int
ix_open(struct ix *ix, const char *path, int today, int window)
{
	return open_index(ix, path, today, window, 0);
}

int
ix_inspect(struct ix *ix, const char *path, int today, int window)
{
	return open_index(ix, path, today, window, 1);
}

/*
 * Look a key up in a table by linear probing, a window of slots at a
 * time.  Returns 0 with p filled in, or -1 with errno.
 */
static int
probe(struct ix *ix, struct ix_table *t, uint64_t h0, uint64_t h1,
    struct probe *p)
{
	const struct ix_slot	*w;
	uint64_t		 mask = t->cap - 1, i = h0 & mask, seen = 0;
	size_t			 n, j;

	memset(p, 0, sizeof(*p));
	p->free = UINT64_MAX;
	for (;;) {
		/* Up to the end of its block or page: most chains end there, and none is read for nothing. */
		n = IX_WINDOW;
		if ((w = slots_at(t, i, &n)) == NULL) {
			ix->damaged = errno == EINVAL;
			return -1;
		}
		for (j = 0; j < n; j++, i = (i + 1) & mask) {
			if (slot_empty(&w[j])) {
				if (p->free == UINT64_MAX) {
					p->free = i;
					p->free_empty = 1;
				}
				return 0;
			}
			if (w[j].h0 == h0 && w[j].h1 == h1) {
				p->found = 1;
				p->at = i;
				p->s = w[j];
				return 0;
			}
			if (p->free == UINT64_MAX && !slot_live(ix, &w[j]))
				p->free = i;
		}
		/* A table is never full, but a damaged one must not loop for ever. */
		if ((seen += n) >= t->cap) {
			ix->damaged = 1;
			errno = EINVAL;
			return -1;
		}
	}
}

int
ix_has(struct ix *ix, const struct ev_key *k)
{
	struct probe	 p;
	uint64_t	 h0, h1;

	key_words(k, &h0, &h1);
	if (probe(ix, &ix->cur, h0, h1, &p) == -1)
		return -1;
	if (p.found && slot_live(ix, &p.s))
		return 1;
	/* A drained table's live keys are all in cur, though it stays until a sync. */
	if (ix->old.fd == -1 || ix->cur.cursor >= ix->old.cap)
		return 0;
	if (probe(ix, &ix->old, h0, h1, &p) == -1)
		return -1;
	return p.found && slot_live(ix, &p.s);
}

/* Put a key in cur, keeping the later day when it is there: 0, or -1. */
static int
store_key(struct ix *ix, uint64_t h0, uint64_t h1, uint32_t day)
{
	struct probe	 p;
	struct ix_slot	 s;

	if (probe(ix, &ix->cur, h0, h1, &p) == -1)
		return -1;
	if (p.found) {
		if (p.s.day >= day)
			return 0;
		p.s.day = day;
		return write_slot(&ix->cur, p.at, &p.s);
	}
	memset(&s, 0, sizeof(s));
	s.h0 = h0;
	s.h1 = h1;
	s.day = day;
	if (write_slot(&ix->cur, p.free, &s) == -1)
		return -1;
	if (p.free_empty)
		ix->cur.used++;
	return 0;
}

/* Copy up to n more live slots of the old table into cur: 0, or -1. */
static int
drain(struct ix *ix, uint64_t n)
{
	struct ix_slot	 w[IX_WINDOW];
	uint64_t	 i = ix->cur.cursor, end;
	size_t		 j, m;

	if (ix->old.fd == -1 || i >= ix->old.cap)
		return 0;
	end = n > ix->old.cap - i ? ix->old.cap : i + n;
	/*
	 * The old table is read in order, and its keys go to two runs of
	 * the new one (twice its size), each in order too: both are read
	 * ahead meanwhile.
	 */
	ix->old.ahead = ix->cur.ahead = 1;
	for (; i < end; i += m) {
		m = end - i > IX_WINDOW ? IX_WINDOW : (size_t)(end - i);
		if (read_slots(&ix->old, i, w, m) == -1) {
			ix->damaged = errno == EINVAL;
			goto fail;
		}
		for (j = 0; j < m; j++)
			if (slot_live(ix, &w[j]) &&
			    store_key(ix, w[j].h0, w[j].h1, w[j].day) == -1)
				goto fail;
		ix->cur.cursor = i + m;
	}
	ix->old.ahead = ix->cur.ahead = 0;
	return 0;
fail:
	ix->old.ahead = ix->cur.ahead = 0;
	return -1;
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
	uint64_t	 cap = IX_MIN_CAP;

	if (ix->old.fd != -1 && (drain(ix, ix->old.cap) == -1 || ix_sync(ix) == -1))
		return -1;
	while (cap < ix->cur.used * 4)
		cap *= 2;
	/* No sync: its keys are durable up to the last checkpoint, and replay covers the rest. */
	if (flush_table(&ix->cur) == -1 || write_header(&ix->cur) == -1 || old_path(ix, oldp, sizeof(oldp)) == -1 ||
	    fio_rename(ix->path, oldp) == -1)
		return -1;
	ix->old = ix->cur;
	ix->cur.fd = -1;
	return create_table(ix->path, cap, &ix->cur);
}

int
ix_add(struct ix *ix, const struct ev_key *k, int day)
{
	uint64_t	 h0, h1;

	key_words(k, &h0, &h1);
	ix->dirty = 1;
	if ((ix->cur.used + 1) * 2 > ix->cur.cap && grow(ix) == -1)
		return -1;
	if (store_key(ix, h0, h1, (uint32_t)day) == -1)
		return -1;
	return drain(ix, IX_DRAIN);
}

/* Buckets of the order ix_add_all adds keys in: the top bits of a home slot. */
#define IX_ORDER_BITS	12

/*
 * Reorder k by the top IX_ORDER_BITS bits of their home slots in a table
 * of cap slots: one counting pass, not a comparison sort, and close enough
 * to slot order for a block or page to be met in one run.  0, or -1 with
 * errno (out of memory: k is left as it was).
 */
static int
order_by_home(struct ev_key *k, size_t n, uint64_t cap)
{
	struct ev_key	*tmp;
	size_t		*at, i, b, sum = 0;
	unsigned	 bits = 0, shift;

	while (((uint64_t)1 << bits) < cap)
		bits++;
	shift = bits > IX_ORDER_BITS ? bits - IX_ORDER_BITS : 0;
	if ((at = calloc((size_t)1 << IX_ORDER_BITS, sizeof(*at))) == NULL)
		return -1;
	if ((tmp = reallocarray(NULL, n, sizeof(*tmp))) == NULL) {
		free(at);
		return -1;
	}
	for (i = 0; i < n; i++)
		at[(k[i].h[0] & (cap - 1)) >> shift]++;
	for (b = 0; b < (size_t)1 << IX_ORDER_BITS; b++) {
		i = at[b];
		at[b] = sum;
		sum += i;
	}
	for (i = 0; i < n; i++)
		tmp[at[(k[i].h[0] & (cap - 1)) >> shift]++] = k[i];
	memcpy(k, tmp, n * sizeof(*k));
	free(tmp);
	free(at);
	return 0;
}

int
ix_flush(struct ix *ix)
{
	return flush_table(&ix->cur);
}

int
ix_add_all(struct ix *ix, struct ev_key *k, size_t n, int day)
{
	size_t	 i;

	if (n > 1 && order_by_home(k, n, ix->cur.cap) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (ix_add(ix, &k[i], day) == -1)
			return -1;
	/* In the file before the views record that the index holds these keys. */
	return ix_flush(ix);
}

/* Walk one table's live slots, a window at a time. */
static int
each_slot(struct ix *ix, struct ix_table *t,
    int (*fn)(const struct ev_key *, void *), void *arg)
{
	struct ix_slot	 w[IX_WINDOW];
	struct ev_key	 k;
	uint64_t	 i;
	size_t		 j, m;
	int		 rc = 0;

	t->ahead = 1;
	for (i = 0; t->fd != -1 && i < t->cap && rc == 0; i += m) {
		m = t->cap - i > IX_WINDOW ? IX_WINDOW : (size_t)(t->cap - i);
		if (read_slots(t, i, w, m) == -1) {
			rc = -1;
			break;
		}
		for (j = 0; j < m && rc == 0; j++) {
			if (slot_empty(&w[j]) || !slot_live(ix, &w[j]))
				continue;
			k.h[0] = w[j].h0;
			k.h[1] = w[j].h1;
			rc = fn(&k, arg);
		}
	}
	t->ahead = 0;
	return rc;
}

int
ix_each(struct ix *ix, int (*fn)(const struct ev_key *, void *), void *arg)
{
	int	 rc;

	if ((rc = each_slot(ix, &ix->cur, fn, arg)) != 0)
		return rc;
	return each_slot(ix, &ix->old, fn, arg);
}

int
ix_sync(struct ix *ix)
{
	char		 oldp[PATH_MAX];
	uint64_t	 cursor = ix->cur.cursor;

	if (!ix->dirty && !ix->unfinished)
		return 0;
	if (flush_table(&ix->cur) == -1 || write_header(&ix->cur) == -1 ||
	    fio_datasync(ix->cur.fd) == -1)
		return -1;
	/* Recorded after the sync it describes, so never ahead of what is durable. */
	ix->cur.synced = cursor;
	/* The making is over once its caller syncs what it added. */
	if (ix->unfinished) {
		char	 mark[PATH_MAX];

		if (unfinished_path(ix->path, mark, sizeof(mark)) == -1 || fio_unlink(mark) == -1)
			return -1;
		ix->unfinished = 0;
	}
	if (ix->old.fd != -1 && cursor >= ix->old.cap) {
		if (old_path(ix, oldp, sizeof(oldp)) == -1 || fio_unlink(oldp) == -1)
			return -1;
		close_table(&ix->old);
		ix->cur.cursor = ix->cur.synced = 0;
	}
	/* The header reaches the file at the next sync or close. */
	return 0;
}

int
ix_close(struct ix *ix)
{
	int	 rc = 0;

	if (ix->cur.fd != -1 && ix->dirty &&
	    (flush_table(&ix->cur) == -1 || write_header(&ix->cur) == -1))
		rc = -1;
	if (ix->cur.fd != -1 && fio_close(ix->cur.fd) == -1)
		rc = -1;
	ix->cur.fd = -1;
	close_table(&ix->cur);
	close_table(&ix->old);
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
	if ((fio_unlink(path) == -1 && errno != ENOENT) ||
	    (fio_unlink(oldp) == -1 && errno != ENOENT))
		return -1;
	return 0;
}

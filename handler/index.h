/*
 * index.h: the dedup index, a view of the archive.
 *
 * A file of open-addressed slots: a lookup reads a block of them whatever
 * the number of keys, opening it reads only its header, and a worker's
 * memory does not grow with it.
 * Each slot holds a 128-bit key hash and the receipt day it was stored on;
 * a slot older than the dedup window counts as free, so expiring a day
 * costs nothing.  When the table fills, one of four times its used slots
 * takes its place and the old one is drained into it a few slots per insert,
 * looked up meanwhile too: growing never stalls a request.
 */
#ifndef YH_INDEX_H
#define YH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct ix_slot;
struct ix_page;

struct ix_table {
	int		 fd;		/* -1: no table */
	uint64_t	 cap;		/* slots, a power of two */
	uint64_t	 used;		/* slots ever filled (expired ones too) */
	uint64_t	 cursor;	/* old slots drained into this table */
	uint64_t	 synced;	/* the cursor at the last sync */
	uint64_t	 boot;		/* the boot that last wrote the header */
	struct ix_slot	*mem;		/* a small table's slots, read a block at a time */
	unsigned char	*blk;		/* per block: 0 not read, 1 read, 2 changed */
	struct ix_page	*pg;		/* a large table's pages read so far */
	uint32_t	*pgmap;		/* page number -> 1 + its place in pg, 0 none */
	size_t		 npg;		/* pages in pg */
	size_t		 mapcap;	/* slots in pgmap, a power of two */
	int		 ahead;		/* read in order now: read pages ahead */
};

struct ix {
	struct ix_table	 cur;		/* keys.idx: where keys are added */
	struct ix_table	 old;		/* keys.idx.old: being drained into cur */
	char		*path;
	int		 today;		/* receipt day of the current batch */
	int		 window;	/* dedup_window_days */
	int		 dirty;
	int		 created;	/* ix_open made an empty index: none was there */
	int		 unfinished;	/* being made anew: not trusted until ix_sync */
	int		 damaged;	/* a probe found no end: remove it, make it anew */
};

/*
 * Open (creating when absent) the index file at path for a batch received
 * on day today.  Returns 0, or -1 with errno (EINVAL: not an index file,
 * or one whose making from nothing was cut short before an ix_sync).  A
 * later failure that sets damaged means the same: remove the index and
 * make it anew from the archive.  An index created here stays marked
 * unfinished (PATH.unfinished) until an ix_sync: its caller fills it from
 * the archive first.
 */
int	 ix_open(struct ix *, const char *path, int today, int window);
/*
 * Open the index at path for lookups only: nothing is created or written,
 * not even at ix_close.  0, or -1 with errno (ENOENT: absent; EINVAL:
 * damaged).
 */
int	 ix_inspect(struct ix *, const char *path, int today, int window);
/* 1 when the key was stored within the window, 0 when not, -1 with errno. */
int	 ix_has(struct ix *, const struct ev_key *);
/* Remember a key as stored on day: 0, or -1 with errno (growing failed). */
int	 ix_add(struct ix *, const struct ev_key *, int day);
/*
 * Call fn with each key stored within the window (a key may come twice
 * while a table is drained); a non-zero return stops the walk and is
 * returned.  Returns 0, fn's value, or -1 with errno.
 */
int	 ix_each(struct ix *, int (*fn)(const struct ev_key *, void *), void *arg);
/*
 * Add keys in about slot order, so the blocks they fall in are read and
 * written once each: as ix_add of each, k reordered, then write the
 * changed slots to the file (not synced).  0, or -1 with errno.
 */
int	 ix_add_all(struct ix *, struct ev_key *k, size_t n, int day);
/*
 * Write the changed slots to the file, not synced, so that the next
 * process finds them: before the views record that the index holds them.
 * 0, or -1 with errno.
 */
int	 ix_flush(struct ix *);
/* Make every change durable, and an index made anew finished: 0, or -1 with errno. */
int	 ix_sync(struct ix *);
/* Unmap and close: 0, or -1 with errno. */
int	 ix_close(struct ix *);
/* Remove the index files at path, so the next ix_open starts empty: 0, or -1. */
int	 ix_remove(const char *path);

#endif

/*
 * erased.h: spool_dir/erased, the keys of events --erase removed, so that
 * Yespo's resend of one stays a duplicate, and the count of archive
 * rewrites so far (handler/DESIGN.md, "Erasure").  Below the index's
 * makers (replay.c, check.c), which add its keys; erase.c writes it.
 */
#ifndef YH_ERASED_H
#define YH_ERASED_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ix;
struct spool;

/* One erased key: the event key's hash and its receipt day. */
struct ek_key {
	uint64_t	 h[2];
	int		 day;
};

struct ek_keys {
	struct ek_key	*k;
	size_t		 n, cap;
	long long	 generation;	/* rewrites so far */
};

/* Append a key to ks: 0, or -1 with errno (ks stays as it was). */
int	 ek_push(struct ek_keys *ks, uint64_t h0, uint64_t h1, int day);

/*
 * Read spool_dir/erased into ks (emptied first; free ks->k): 0 (no file
 * yet: no keys, generation 0), or -1 with errno (EINVAL: not the keys file).
 */
int	 ek_read(const struct spool *, struct ek_keys *ks);

/*
 * Add the fresh keys, of the given receipt day, to spool_dir/erased,
 * durably, and count one more rewrite; keys older than window days before
 * today are dropped, each key kept once.  0, or -1 with errno.
 */
int	 ek_record(const struct spool *, const struct ek_keys *fresh, int day, int window);

/*
 * Add the erased keys within ix's window to ix: 0, or -1 with errno.  A
 * damaged file is logged and skipped: never a reason to stall the feed.
 */
int	 ek_add_keys(const struct spool *, struct ix *ix);

/*
 * --verify: every erased key within the window must be in the live index
 * ix (when open); seen learns them all, as they have no archive line.
 * Returns the findings, each told to msg.
 */
int	 ek_verify(const struct spool *, struct ix *ix, struct ix *seen, FILE *msg);

#endif

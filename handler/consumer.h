/*
 * consumer.h: named consumers of the archive with durable offsets, as
 * Kafka's consumer groups over a log.  A consumer's file,
 * <spool>/consumers/NAME, holds two places in the archive: committed (what
 * the consumer has safely stored) and pending (what the last --tail handed
 * out).  --tail hands out the events after committed and records where it
 * stopped as pending; --ack makes pending the committed place.  A loader
 * that dies before --ack gets the same events again; one that acks after
 * its own commit gets each event exactly once when its store ignores a
 * repeated event key.
 */
#ifndef YH_CONSUMER_H
#define YH_CONSUMER_H

#include <stdio.h>
#include <time.h>

#include "export.h"

struct conf;
struct spool;

/* Whether name can name a consumer: 1 to 64 of [A-Za-z0-9_-]. */
int	 cs_name_valid(const char *name);

/*
 * What finishes a rewrite of archive days left half done (a killed
 * --erase) and counts the rewrites so far into *erased: called under the
 * writer lock before a consumer's places are read, since such a rewrite
 * moves them.  The caller passes it, so this reader needs nothing of the
 * module that rewrites.  0, or -1 with errno.
 */
typedef int (*cs_settle_fn)(const struct conf *, const struct spool *, long long *erased);

/*
 * --tail: write the events after NAME's committed place to standard
 * output, at most max (max < 0: all there are), in format; a consumer met
 * for the first time starts at the oldest archived event.  Pending is set
 * to committed first and to the end of what was written only once all of
 * it was written, so an ack after an interrupted tail commits nothing new.
 * Returns 0, or -1 with the reason on stderr.
 */
int	 cs_tail(const struct conf *, const char *name, long long max, enum ex_format,
	    cs_settle_fn);

/* --ack: NAME's pending place becomes its committed one.  0, or -1 (stderr). */
int	 cs_ack(const struct conf *, const char *name, cs_settle_fn);

/* --consumers: one line per consumer: name, committed place, lag in events and age. */
int	 cs_list(const struct conf *, FILE *out);

/*
 * The consumers older than retention_days at now: a consumer's age runs
 * from its last ack (from its file's last change when it never acked).
 * Calls fn with each one's name and last ack (a UTC stamp, or "never"),
 * when fn is not NULL.  Returns how many there are (0 when retention_days is 0), or -1
 * with errno.  For --status's warning and for retention, which may remove
 * days such a consumer has not read.
 */
typedef void	(*cs_stale_fn)(const char *name, const char *last_ack, void *arg);
int	 cs_stale(const struct conf *, const struct spool *, time_t now,
	    cs_stale_fn fn, void *arg);

/*
 * Under the writer lock: the oldest archive day a consumer that is not
 * stale has not yet passed, into *day (INT_MIN: every day, INT_MAX: none).
 * 0, or -1 with errno.
 */
int	 cs_needed(const struct conf *, const struct spool *, time_t now, int *day);

/*
 * Under the writer lock, after retention removed every archive day before
 * first: a consumer whose committed or pending place is in a removed day
 * moves to the start of the next remaining day (to the place before every
 * event when none remains), logged.  0, or -1 with errno.
 */
int	 cs_move_past(const struct spool *, int first);

/*
 * --verify, reading only: each consumer's committed and pending places are
 * at a line boundary of a day of days (the archive's, ascending), or the
 * place before every event, and pending is not before committed.  Prints
 * each finding to msg.  Returns how many there are, or -1 with errno.
 */
int	 cs_verify(const struct spool *, const int *days, size_t n, FILE *msg);

/*
 * Call fn with each consumer's name, committed place (day INT_MIN: before
 * every event) and last ack (0: never), for --status.  Reads only.
 * Returns 0, fn's non-zero return, or -1 with errno.
 */
typedef int (*cs_inspect_fn)(const char *name, const struct ex_pos *committed,
    long long acked, void *arg);
int	 cs_inspect(const struct spool *, cs_inspect_fn fn, void *arg);

/*
 * Under the writer lock: call fn with each consumer's name and places;
 * when fn returns 1, the places it changed replace the consumer's file
 * durably.  0, or -1 with errno.
 */
int	 cs_each(const struct spool *, int (*fn)(const char *name, struct ex_pos *committed,
	    struct ex_pos *pending, void *arg), void *arg);

#endif

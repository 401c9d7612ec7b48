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

#include "export.h"

struct conf;
struct spool;

/* Whether name can name a consumer: 1 to 64 of [A-Za-z0-9_-]. */
int	 cs_name_valid(const char *name);

/*
 * --tail: write the events after NAME's committed place to standard
 * output, at most max (max < 0: all there are), in format; a consumer met
 * for the first time starts at the oldest archived event.  Pending is set
 * to committed first and to the end of what was written only once all of
 * it was written, so an ack after an interrupted tail commits nothing new.
 * Returns 0, or -1 with the reason on stderr.
 */
int	 cs_tail(const struct conf *, const char *name, long long max, enum ex_format);

/* --ack: NAME's pending place becomes its committed one.  0, or -1 (stderr). */
int	 cs_ack(const struct conf *, const char *name);

/* --consumers: one line per consumer: name, committed place, lag in events and age. */
int	 cs_list(const struct conf *, FILE *out);

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

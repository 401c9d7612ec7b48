/*
 * status.h: the health of a spool as one JSON object, for --status and
 * the authorised probe (yespo-hook(8), MONITORING), and the record of the
 * last 503 it reports.
 */
#ifndef YH_STATUS_H
#define YH_STATUS_H

#include <cjson/cJSON.h>

struct conf;

/*
 * The object: "status" first ("ok", or "unhealthy" when "problems" is not
 * empty), then the figures and "problems", a list of lines saying what is
 * wrong.  setup is NULL, or the probe's line on a setup that cannot work
 * (it becomes the first problem).  max_silence > 0: a problem when no
 * event was received for that many seconds.  Made of small files only
 * (the views' day states, directory entries, records, statvfs), never by
 * reading the archive through; reads only.  Sets *healthy to 1 or 0.
 * Returns the object, or NULL when memory ran out.
 */
cJSON	*ss_report(const struct conf *, const char *setup, long long max_silence,
	    int *healthy);

/*
 * Record that a POST was answered 503 now, and why (one line), in
 * views/last-503: a fixed-size record written in place and synced, so
 * that it needs no new block on a full disk once it exists.  Best effort:
 * a failure is logged, never returned.
 */
void	 ss_note_503(const struct conf *, const char *reason);

/*
 * Make views/last-503 when missing (--check), so a later 503 on a full
 * disk is recorded; only when the running user owns spool_dir, so that
 * the writers can rewrite it.
 */
void	 ss_prepare_503(const struct conf *);

#endif

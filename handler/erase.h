/*
 * erase.h: --erase, a person's events out of the archive and every view
 * (yespo-hook(8)), and what it leaves for others: the erased events' keys
 * (erased.h), so that Yespo's resend of one stays a duplicate, and the
 * journal of a day's rewrite, which the next holder of the writer lock
 * finishes when an --erase was killed (handler/DESIGN.md, "Erasure").
 */
#ifndef YH_ERASE_H
#define YH_ERASE_H

#include <stddef.h>
#include <stdio.h>

#include "event.h"

struct conf;
struct ix;
struct spool;

/* One FIELD=VALUE of the command line. */
struct er_match {
	enum ev_col	 col;		/* EV_EMAIL, EV_SMS, ... */
	const char	*value;		/* the value as given: points into the argument */
	size_t		 len;
};

/*
 * Parse FIELD=VALUE (FIELD one of email, sms, viber, contactId,
 * externalCustomerId, webpush, mobilepush; VALUE not empty) into m:
 * 0, or -1 after a line on stderr saying why.
 */
int	 er_parse(const char *arg, struct er_match *m);

/*
 * --erase: remove every archived event whose decoded value of a FIELD
 * equals its VALUE (any of the n), a day at a time under the writer lock;
 * keep their keys; move the consumers' offsets; make the changed days'
 * views, workbooks and the download page anew; redact each value in the
 * quarantine files, each file rewritten whole under its name.  What it
 * removed, per day, and redacted, per file, goes to out.  Returns 0,
 * or -1 with the reason on stderr (what is done stays done; run it again).
 */
int	 er_erase(const struct conf *, const struct er_match *m, size_t n, FILE *out);

/*
 * Under the writer lock: finish the day's rewrite a killed --erase left
 * (its journal in views/): the new file in place, the consumers' offsets
 * moved, the day's views made anew.  Idempotent; cheap when there is
 * nothing to finish.  With erased set, also the count of rewrites so far,
 * which changes whenever an archive day shrinks.  0, or -1 with errno.
 */
int	 er_settle(const struct conf *, const struct spool *, long long *erased);

/*
 * --verify: an unfinished rewrite is a finding, and so is what ek_verify
 * finds of the erased keys (ix, seen as there).  Returns the findings, each told to msg.
 */
int	 er_verify(const struct spool *, struct ix *ix, struct ix *seen, FILE *msg);

#endif

/*
 * check.h: the command-line jobs on a whole spool, --rebuild and --verify.
 */
#ifndef YH_CHECK_H
#define YH_CHECK_H

#include <stdio.h>

struct conf;

/* --rebuild: every view anew from the archive.  0, or -1 (reported to msg). */
int	 ck_rebuild(const struct conf *, FILE *msg);

/*
 * --verify: 0 when the views match the archive and no key repeats; 1
 * otherwise, each finding on msg; -1 on error.  Changes nothing in the
 * spool or csv_dir.
 */
int	 ck_verify(const struct conf *, FILE *msg);

#endif

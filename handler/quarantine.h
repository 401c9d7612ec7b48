/*
 * quarantine.h: bodies and elements that cannot be stored as events, kept
 * durably in <spool>/quarantine/ for a person to look at and replay with
 * --ingest.  Maildir-style: written under tmp/, fdatasync'd, renamed in.
 * A file is named by the hash of its bytes, so a resent body lands on the
 * same name and is kept once; no name comes from request data.
 */
#ifndef YH_QUARANTINE_H
#define YH_QUARANTINE_H

#include <stddef.h>
#include <stdint.h>

#include "spool.h"
#include "util.h"

struct qr {
	const struct spool	*sp;
	int			 fd;
	char			 tmp[PATH_MAX];
	struct ut_hash		 hash;
};

/* Start a file: 0, or -1 with errno. */
int	 qr_begin(struct qr *, const struct spool *);
/* Add bytes: 0, or -1 with errno. */
int	 qr_write(struct qr *, const void *, size_t);
/*
 * Make the file durable under quarantine/<hash>.<suffix> ("body" or
 * "elements"); the directory is synced by qr_sync.  0, or -1 with errno.
 */
int	 qr_end(struct qr *, const char *suffix);
/* Drop an unfinished file. */
void	 qr_abort(struct qr *);
/* Make the names of the files ended so far durable: 0, or -1 with errno. */
int	 qr_sync(const struct spool *);

/*
 * Append one valid JSON value to out as a line of JSON lines, for the
 * batch's one file of rejected elements: white space outside strings
 * dropped (a string holds no raw newline), an array inside [ ] because
 * --ingest reads an array line as a batch of its elements.  At most n + 3
 * bytes.  0, or -1 when memory ran out.
 */
int	 qr_add_line(struct ut_buf *out, const char *p, size_t n);

/*
 * The bytes of the files in the quarantine directory dir (none when it is
 * missing), for quarantine_max_bytes: 0, or -1 with errno.  Reads only.
 */
int	 qr_held(const char *dir, uint64_t *bytes);
/* The same, with the number of files: 0, or -1 with errno. */
int	 qr_count(const char *dir, uint64_t *files, uint64_t *bytes);

/* One whole buffer as a quarantine file: qr_begin, qr_write, qr_end. */
int	 qr_store(const struct spool *, const void *, size_t, const char *suffix);

#endif

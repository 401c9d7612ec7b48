/*
 * ingest.h: one batch, from its bytes to durable storage.  Shared by the
 * FastCGI and CGI front ends and by --ingest, so all three behave alike.
 */
#ifndef YH_INGEST_H
#define YH_INGEST_H

#include <sys/types.h>
#include <stddef.h>

struct conf;

struct ing_counts {
	size_t	 received;	/* top-level elements, or 1 for a body kept whole */
	size_t	 stored;
	size_t	 duplicates;
	size_t	 quarantined;
	int	 degraded;	/* committed, but a view could not be updated: restart */
};

enum ing_result {
	ING_OK,		/* every event is durable: answer 200 */
	ING_SHORT,	/* fewer bytes than CONTENT_LENGTH arrived: 400, nothing written */
	ING_TOO_LARGE,	/* past ING_CAP x max_body_bytes: 413, nothing kept, rest unread */
	ING_FAIL,	/* a local fault (disk, I/O, lock wait): 503, nothing acknowledged */
	ING_FULL	/* quarantine_max_bytes leaves no room for its rejects: 503, nothing written */
};

/* Reads up to len body bytes: the count, 0 at end of input, -1 on error. */
typedef ssize_t	(*ing_reader)(void *ctx, void *buf, size_t len);

/*
 * Read a body (exactly length bytes; to end of input when length < 0) and
 * store it: events to the archive and views, duplicates counted, the rest
 * to quarantine, a body over max_body_bytes streamed whole to quarantine,
 * one over ING_CAP x max_body_bytes refused (read no further than that).
 * With lines set, a body that is not one JSON text may be JSON lines
 * (--ingest).  Errors are logged to stderr.
 */
enum ing_result	 ing_receive(const struct conf *, ing_reader, void *ctx,
		    long long length, int lines, struct ing_counts *);



/*
 * The work a storing batch leaves for after its answer: start on_commit,
 * write a closed day's workbook when one is due, and bring the download
 * page (<csv_dir>/index.html) up to date when it is older than a minute or
 * than today, under the writer lock (a writer that holds it now does so
 * after its own answer).  Never on a request's answer path, and only
 * after ing_receive stored a batch with the same config, which made and
 * checked the spool.  Returns 0, or -1 with errno (logged).
 */
int		 ing_after(const struct conf *);

#endif

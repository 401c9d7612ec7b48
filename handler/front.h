/*
 * front.h: the HTTP front end (RFC 3875 meta-variables and responses),
 * shared by FastCGI and plain CGI.
 */
#ifndef YH_FRONT_H
#define YH_FRONT_H

#include <stddef.h>

#include "conf.h"
#include "ingest.h"

struct fe_request {
	void		*ctx;
	/* A meta-variable (RFC 3875 section 4.1), or NULL when unset. */
	const char	*(*param)(void *ctx, const char *name);
	ing_reader	 read;
	/* Write response bytes: 0, or -1. */
	int		(*write)(void *ctx, const void *, size_t);
	/* Set by fe_serve when the rest of the body must not be read: it may be endless. */
	int		 unread;
	const char	*argv0;		/* how the program was started */
	/* Set by fe_serve: work for fe_after, with the request's config. */
	int		 after;
	struct conf	 cf;
};

/*
 * Answer one request as yespo-hook(8), HTTP, says.  Returns 1 when the process
 * should exit after it (a local fault: a fresh process is the safe retry),
 * else 0.
 */
int	 fe_serve(struct fe_request *);

/*
 * The work a request leaves for after its answer has gone out (the
 * download page), when fe_serve set r->after.  Call it once the response
 * is complete: after FCGX_Finish_r, or once a CGI's output is closed.
 */
void	 fe_after(struct fe_request *);

/* The counts as the JSON object a POST answers with; buf holds 160 bytes. */
void	 fe_counts_json(const struct ing_counts *, char *buf, size_t len);

#endif

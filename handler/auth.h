/*
 * auth.h: request authorisation, as yespo-hook.conf(5) describes it.
 */
#ifndef YH_AUTH_H
#define YH_AUTH_H

#include <stddef.h>

struct conf;

/* What a request presents; each member may be NULL when absent. */
struct auth_request {
	const char	*query;		/* QUERY_STRING */
	const char	*x_token;	/* HTTP_X_WEBHOOK_TOKEN */
	const char	*authorization;	/* HTTP_AUTHORIZATION */
	const char	*remote_addr;	/* REMOTE_ADDR */
};

enum auth_result {
	AUTH_OK,
	AUTH_CHALLENGE,	/* refused, Basic auth configured: 401 + WWW-Authenticate */
	AUTH_FORBIDDEN	/* refused otherwise: 403 */
};

/*
 * Authorise a request: every configured check (token, basic_auth,
 * allow_from) must pass; with none configured, only allow_anonymous lets it
 * through.  Secrets are compared in constant time.
 */
enum auth_result auth_check(const struct conf *, const struct auth_request *);

/* 1 when the two byte strings are equal; time depends only on the lengths. */
int	 auth_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif

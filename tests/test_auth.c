/*
 * test_auth.c: request authorisation, yespo-hook.conf(5).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>

#include "auth.h"
#include "conf.h"
#include "test.h"

static struct conf_net	 nets[4];

static char		*tokens[2];
static struct conf_basic basics[2];

/* Make t c's only token. */
static void
set_token(struct conf *c, const char *t)
{
	tokens[0] = (char *)t;
	c->token = tokens;
	c->ntoken = 1;
}

/* Make user and password c's only basic_auth group. */
static void
set_basic(struct conf *c, const char *user, const char *password)
{
	basics[0].user = (char *)user;
	basics[0].password = (char *)password;
	c->basic_auth = basics;
	c->nbasic_auth = 1;
}

/* A conf with no check configured, built by hand: no file needed. */
static struct conf
bare(void)
{
	struct conf	 c;

	memset(&c, 0, sizeof(c));
	return c;
}

static struct conf
with_token(void)
{
	struct conf	 c = bare();

	set_token(&c, "s3cret");
	return c;
}

/* user "yespo", password "pa:ss" ("eWVzcG86cGE6c3M=" in base64). */
static struct conf
with_basic(void)
{
	struct conf	 c = bare();

	set_basic(&c, "yespo", "pa:ss");
	return c;
}

/* Adds network ADDR/prefix to c's allow_from. */
static int
allow(struct conf *c, const char *addr, int prefix)
{
	struct conf_net	*n = &nets[c->nallow_from];

	n->family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	n->prefix = prefix;
	if (inet_pton(n->family, addr, n->addr) != 1)
		return -1;
	c->allow_from = nets;
	c->nallow_from++;
	return 0;
}

static enum auth_result
check(const struct conf *c, const char *query, const char *x_token,
    const char *authorization, const char *remote_addr)
{
	struct auth_request	 r;

	r.query = query;
	r.x_token = x_token;
	r.authorization = authorization;
	r.remote_addr = remote_addr;
	return auth_check(c, &r);
}

static int
token_in_query(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, "token=s3cret", NULL, NULL, NULL) == AUTH_OK);
	return 0;
}

static int
token_among_other_params(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, "a=1&xtoken=no&token=s3cret&b", NULL, NULL, NULL) ==
	    AUTH_OK);
	return 0;
}

static int
token_percent_encoded(void)
{
	struct conf	 c = with_token();

	set_token(&c, "a b+c/d");
	CHECK(check(&c, "token=a+b%2Bc%2fd", NULL, NULL, NULL) == AUTH_OK);
	return 0;
}

static int
token_broken_escape(void)
{
	struct conf	 c = with_token();

	set_token(&c, "ab");
	CHECK(check(&c, "token=ab%2", NULL, NULL, NULL) == AUTH_FORBIDDEN);
	CHECK(check(&c, "token=a%g1", NULL, NULL, NULL) == AUTH_FORBIDDEN);
	return 0;
}

static int
token_name_exact(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, "tokens=s3cret&Token=s3cret", NULL, NULL, NULL) ==
	    AUTH_FORBIDDEN);
	return 0;
}

static int
token_first_wins(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, "token=wrong&token=s3cret", NULL, NULL, NULL) ==
	    AUTH_FORBIDDEN);
	return 0;
}

static int
token_in_header(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, "x=1", "s3cret", NULL, NULL) == AUTH_OK);
	return 0;
}

static int
token_wrong(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, "token=s3creT", "s3cre", NULL, NULL) == AUTH_FORBIDDEN);
	return 0;
}

static int
token_missing(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, NULL, NULL, NULL, "192.0.2.1") == AUTH_FORBIDDEN);
	CHECK(check(&c, "", NULL, NULL, NULL) == AUTH_FORBIDDEN);
	return 0;
}

/* Over 8 KiB is refused unread, even when the token is in it. */
static int
token_query_too_long(void)
{
	struct conf	 c = with_token();
	static char	 q[9000];

	memset(q, 'a', sizeof(q) - 1);
	memcpy(q, "token=s3cret&", 13);
	CHECK(check(&c, q, NULL, NULL, NULL) == AUTH_FORBIDDEN);
	q[8192] = '\0';
	CHECK(check(&c, q, NULL, NULL, NULL) == AUTH_OK);
	return 0;
}

static int
token_header_too_long(void)
{
	struct conf	 c = with_token();
	static char	 t[8194];

	memset(t, 't', sizeof(t) - 1);
	set_token(&c, t);
	CHECK(check(&c, NULL, t, NULL, NULL) == AUTH_FORBIDDEN);
	t[8192] = '\0';
	CHECK(check(&c, NULL, t, NULL, NULL) == AUTH_OK);
	return 0;
}

static int
basic_right(void)
{
	struct conf	 c = with_basic();

	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86cGE6c3M=", NULL) == AUTH_OK);
	return 0;
}

static int
basic_scheme_any_case(void)
{
	struct conf	 c = with_basic();

	CHECK(check(&c, NULL, NULL, "  bASIC   eWVzcG86cGE6c3M= ", NULL) ==
	    AUTH_OK);
	return 0;
}

/* "yespo:pass" */
static int
basic_wrong_password(void)
{
	struct conf	 c = with_basic();

	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86cGFzcw==", NULL) ==
	    AUTH_CHALLENGE);
	return 0;
}

/* "yesp:pa:ss" */
static int
basic_wrong_user(void)
{
	struct conf	 c = with_basic();

	CHECK(check(&c, NULL, NULL, "Basic eWVzcDpwYTpzcw==", NULL) ==
	    AUTH_CHALLENGE);
	return 0;
}

static int
basic_malformed_base64(void)
{
	struct conf	 c = with_basic();

	/* No padding, a stray character, stray bits under the padding. */
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86cGE6c3M", NULL) ==
	    AUTH_CHALLENGE);
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86c*E6c3M=", NULL) ==
	    AUTH_CHALLENGE);
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86cGE6c3N=", NULL) ==
	    AUTH_CHALLENGE);
	CHECK(check(&c, NULL, NULL, "Basic eWVz=G86cGE6c3M=", NULL) ==
	    AUTH_CHALLENGE);
	return 0;
}

/* "yespopa:ss" has its first ':' elsewhere. */
static int
basic_split_at_first_colon(void)
{
	struct conf	 c = with_basic();

	set_basic(&c, "yespopa", "ss");
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG9wYTpzcw==", NULL) == AUTH_OK);
	set_basic(&c, "yespo", "pa:ss");
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG9wYTpzcw==", NULL) ==
	    AUTH_CHALLENGE);
	return 0;
}

/*
 * Credentials "u" and "p" then "ppp" k times: in base64 "dTpw" then "cHBw"
 * k times, written to h.
 */
static void
long_basic(struct conf *c, char *h, size_t k)
{
	static char	 pw[3 * 2100];
	size_t		 i;

	memset(pw, 'p', 1 + 3 * k);
	pw[1 + 3 * k] = '\0';
	set_basic(c, "u", pw);
	strcpy(h, "Basic dTpw");
	for (i = 0; i < k; i++)
		memcpy(h + 10 + 4 * i, "cHBw", 4);
	h[10 + 4 * k] = '\0';
}

static int
basic_too_long(void)
{
	struct conf	 c = bare();
	static char	 h[9000];

	long_basic(&c, h, 2050);
	CHECK(strlen(h) > 8192);
	CHECK(check(&c, NULL, NULL, h, NULL) == AUTH_CHALLENGE);
	long_basic(&c, h, 2040);
	CHECK(strlen(h) <= 8192);
	CHECK(check(&c, NULL, NULL, h, NULL) == AUTH_OK);
	return 0;
}

static int
basic_other_scheme(void)
{
	struct conf	 c = with_basic();

	CHECK(check(&c, NULL, NULL, "Bearer eWVzcG86cGE6c3M=", NULL) ==
	    AUTH_CHALLENGE);
	CHECK(check(&c, NULL, NULL, "BasicX eWVzcG86cGE6c3M=", NULL) ==
	    AUTH_CHALLENGE);
	CHECK(check(&c, NULL, NULL, "BasiceWVzcG86cGE6c3M=", NULL) ==
	    AUTH_CHALLENGE);
	return 0;
}

/* 401 only when Basic auth could help; 403 otherwise. */
static int
challenge_only_with_basic(void)
{
	struct conf	 c = with_token();

	CHECK(check(&c, NULL, NULL, NULL, NULL) == AUTH_FORBIDDEN);
	set_basic(&c, "yespo", "pa:ss");
	CHECK(check(&c, NULL, NULL, NULL, NULL) == AUTH_CHALLENGE);
	return 0;
}

static int
allow_ipv4_in_out(void)
{
	struct conf	 c = bare();

	CHECK(allow(&c, "192.0.2.0", 25) == 0);
	CHECK(check(&c, NULL, NULL, NULL, "192.0.2.127") == AUTH_OK);
	CHECK(check(&c, NULL, NULL, NULL, "192.0.2.128") == AUTH_FORBIDDEN);
	CHECK(check(&c, NULL, NULL, NULL, NULL) == AUTH_FORBIDDEN);
	CHECK(check(&c, NULL, NULL, NULL, "not an address") == AUTH_FORBIDDEN);
	return 0;
}

static int
allow_any_block(void)
{
	struct conf	 c = bare();

	CHECK(allow(&c, "10.0.0.0", 8) == 0);
	CHECK(allow(&c, "203.0.113.7", 32) == 0);
	CHECK(check(&c, NULL, NULL, NULL, "203.0.113.7") == AUTH_OK);
	CHECK(check(&c, NULL, NULL, NULL, "203.0.113.8") == AUTH_FORBIDDEN);
	return 0;
}

static int
allow_ipv6(void)
{
	struct conf	 c = bare();

	CHECK(allow(&c, "2001:db8::", 33) == 0);
	CHECK(check(&c, NULL, NULL, NULL, "2001:db8:7fff::1") == AUTH_OK);
	CHECK(check(&c, NULL, NULL, NULL, "2001:db8:8000::1") ==
	    AUTH_FORBIDDEN);
	CHECK(check(&c, NULL, NULL, NULL, "192.0.2.1") == AUTH_FORBIDDEN);
	return 0;
}

static int
allow_ipv4_mapped(void)
{
	struct conf	 c = bare();

	CHECK(allow(&c, "192.0.2.0", 24) == 0);
	CHECK(check(&c, NULL, NULL, NULL, "::ffff:192.0.2.9") == AUTH_OK);
	CHECK(check(&c, NULL, NULL, NULL, "::ffff:192.0.3.9") ==
	    AUTH_FORBIDDEN);
	/* Not mapped: ::192.0.2.9 is an IPv6 address of its own. */
	CHECK(check(&c, NULL, NULL, NULL, "::192.0.2.9") == AUTH_FORBIDDEN);
	return 0;
}

static int
all_three_needed(void)
{
	struct conf	 c = with_basic();
	const char	*b = "Basic eWVzcG86cGE6c3M=";

	set_token(&c, "s3cret");
	CHECK(allow(&c, "192.0.2.0", 24) == 0);
	CHECK(check(&c, "token=s3cret", NULL, b, "192.0.2.1") == AUTH_OK);
	CHECK(check(&c, "token=s3cre", NULL, b, "192.0.2.1") ==
	    AUTH_CHALLENGE);
	CHECK(check(&c, "token=s3cret", NULL, NULL, "192.0.2.1") ==
	    AUTH_CHALLENGE);
	CHECK(check(&c, "token=s3cret", NULL, b, "198.51.100.1") ==
	    AUTH_CHALLENGE);
	return 0;
}

static int
anonymous(void)
{
	struct conf	 c = bare();

	CHECK(check(&c, NULL, NULL, NULL, NULL) == AUTH_FORBIDDEN);
	c.allow_anonymous = 1;
	CHECK(check(&c, NULL, NULL, NULL, NULL) == AUTH_OK);
	/* With a check configured, allow_anonymous does not bypass it. */
	set_token(&c, "s3cret");
	CHECK(check(&c, NULL, NULL, NULL, NULL) == AUTH_FORBIDDEN);
	return 0;
}

/* Key rotation: with two tokens either passes, in the query or the header. */
static int
token_list_any_passes(void)
{
	struct conf	 c = with_token();

	tokens[1] = "n3w-secret";
	c.ntoken = 2;
	CHECK(check(&c, "token=s3cret", NULL, NULL, NULL) == AUTH_OK);
	CHECK(check(&c, "token=n3w-secret", NULL, NULL, NULL) == AUTH_OK);
	CHECK(check(&c, NULL, "n3w-secret", NULL, NULL) == AUTH_OK);
	CHECK(check(&c, "token=n3w-secre", NULL, NULL, NULL) == AUTH_FORBIDDEN);
	c.ntoken = 1;
	CHECK(check(&c, "token=n3w-secret", NULL, NULL, NULL) == AUTH_FORBIDDEN);
	return 0;
}

/* Key rotation: any group passes, but only with its own password. */
static int
basic_list_any_passes(void)
{
	struct conf	 c = with_basic();

	basics[1].user = "yespo";
	basics[1].password = "ss";	/* "eWVzcG86c3M=" */
	c.nbasic_auth = 2;
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86cGE6c3M=", NULL) == AUTH_OK);
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86c3M=", NULL) == AUTH_OK);
	/* User of one group, password of none. */
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86cGE=", NULL) == AUTH_CHALLENGE);
	basics[1].user = "other";
	CHECK(check(&c, NULL, NULL, "Basic eWVzcG86c3M=", NULL) == AUTH_CHALLENGE);
	return 0;
}

static int
equal_same(void)
{
	CHECK(auth_equal("secret", 6, "secret", 6) == 1);
	return 0;
}

static int
equal_different(void)
{
	CHECK(auth_equal("secret", 6, "secreT", 6) == 0);
	CHECK(auth_equal("Secret", 6, "secret", 6) == 0);
	return 0;
}

static int
equal_different_lengths(void)
{
	CHECK(auth_equal("secret", 6, "secret\0", 7) == 0);
	CHECK(auth_equal("secret", 6, "secre", 5) == 0);
	return 0;
}

static int
equal_empty(void)
{
	CHECK(auth_equal("", 0, "", 0) == 1);
	CHECK(auth_equal("", 0, "x", 1) == 0);
	CHECK(auth_equal("x", 1, "", 0) == 0);
	return 0;
}

static const struct test tests[] = {
	T(token_in_query),
	T(token_among_other_params),
	T(token_percent_encoded),
	T(token_broken_escape),
	T(token_name_exact),
	T(token_first_wins),
	T(token_in_header),
	T(token_wrong),
	T(token_missing),
	T(token_query_too_long),
	T(token_header_too_long),
	T(basic_right),
	T(basic_scheme_any_case),
	T(basic_wrong_password),
	T(basic_wrong_user),
	T(basic_malformed_base64),
	T(basic_split_at_first_colon),
	T(token_list_any_passes),
	T(basic_list_any_passes),
	T(basic_too_long),
	T(basic_other_scheme),
	T(challenge_only_with_basic),
	T(allow_ipv4_in_out),
	T(allow_any_block),
	T(allow_ipv6),
	T(allow_ipv4_mapped),
	T(all_three_needed),
	T(anonymous),
	T(equal_same),
	T(equal_different),
	T(equal_different_lengths),
	T(equal_empty),
};

TEST_MAIN(tests)

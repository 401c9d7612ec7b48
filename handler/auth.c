/*
 * auth.c: request authorisation (yespo-hook.conf(5): token, basic_auth, allow_from).  Works in fixed buffers:
 * inputs longer than AUTH_MAX are refused, not read.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "conf.h"

#define AUTH_MAX	8192	/* longest query string or header looked at */

/* The value of hex digit ch, or -1. */
static int
hex_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..len) ('+' is a space) into buf, which holds len
 * bytes.  Returns the decoded length, or -1 on a broken escape.
 */
static int
decode_percent(const char *s, size_t len, unsigned char *buf)
{
	size_t	 i;
	int	 n = 0, hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			buf[n++] = ' ';
		else if (s[i] != '%')
			buf[n++] = (unsigned char)s[i];
		else {
			if (len - i < 3 || (hi = hex_value(s[i + 1])) == -1 ||
			    (lo = hex_value(s[i + 2])) == -1)
				return -1;
			buf[n++] = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
	}
	return n;
}

/*
 * Find the first "token=" parameter of query and decode its value into buf
 * (AUTH_MAX bytes).  Returns the value's length, or -1 when there is none
 * or it cannot be decoded.
 */
static int
find_token(const char *query, unsigned char *buf)
{
	const char	*p, *end, *eq;

	if (query == NULL || strnlen(query, AUTH_MAX + 1) > AUTH_MAX)
		return -1;
	for (p = query; ; p = end + 1) {
		if ((end = strchr(p, '&')) == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', end - p);
		if (eq != NULL && eq - p == 5 && memcmp(p, "token", 5) == 0)
			return decode_percent(eq + 1, end - eq - 1, buf);
		if (*end == '\0')
			return -1;
	}
}

/* Whether token t came in the query or the header (tok: the query's, n < 0 when none). */
static int
token_matches(const char *t, const unsigned char *tok, int n, const char *x_token)
{
	size_t	 tlen = strlen(t);
	int	 ok = 0;

	/* Either place may carry it; a wrong one in the other does no harm. */
	if (n != -1)
		ok |= auth_equal(tok, n, t, tlen);
	if (x_token != NULL)
		ok |= auth_equal(x_token, strlen(x_token), t, tlen);
	return ok;
}

static int
check_token(const struct conf *c, const struct auth_request *r)
{
	unsigned char	 buf[AUTH_MAX];
	const char	*x = r->x_token;
	size_t		 i;
	int		 n, ok = 0;

	n = find_token(r->query, buf);
	if (x != NULL && strnlen(x, AUTH_MAX + 1) > AUTH_MAX)
		x = NULL;
	/* Every entry is compared, so the time does not tell which one passed. */
	for (i = 0; i < c->ntoken; i++)
		ok |= token_matches(c->token[i], buf, n, x);
	return ok;
}

/*
 * Strict base64 (RFC 4648, padded, no stray bits) of s[0..len) into buf,
 * which holds len / 4 * 3 bytes.  Returns the decoded length, or -1.
 */
static int
decode_base64(const char *s, size_t len, unsigned char *buf)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;
	uint32_t		 v = 0;
	size_t			 i, j, pad;
	int			 n = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	pad = s[len - 1] != '=' ? 0 : s[len - 2] != '=' ? 1 : 2;
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (j = 0; j < 4; j++) {
			v <<= 6;
			if (i + j >= len - pad)
				continue;
			if (s[i + j] == '\0' ||
			    (p = strchr(b64, s[i + j])) == NULL)
				return -1;
			v |= (uint32_t)(p - b64);
		}
		buf[n++] = (unsigned char)(v >> 16);
		if (i + 4 < len || pad < 2)
			buf[n++] = (unsigned char)(v >> 8);
		if (i + 4 < len || pad < 1)
			buf[n++] = (unsigned char)v;
	}
	/* The bits the padding drops must be zero: one encoding per value. */
	if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0))
		return -1;
	return n;
}

static int
check_basic(const struct conf *c, const struct auth_request *r)
{
	unsigned char	 buf[AUTH_MAX / 4 * 3];
	const char	*p, *end;
	unsigned char	*colon;
	size_t		 i;
	int		 n, ok, user;

	p = r->authorization;
	if (p == NULL || strnlen(p, AUTH_MAX + 1) > AUTH_MAX)
		return 0;
	p += strspn(p, " \t");
	if (strncasecmp(p, "Basic", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
		return 0;
	p += 5;
	p += strspn(p, " \t");
	for (end = p + strlen(p); end > p && (end[-1] == ' ' ||
	    end[-1] == '\t'); end--)
		continue;
	if ((n = decode_base64(p, end - p, buf)) == -1 ||
	    (colon = memchr(buf, ':', n)) == NULL)
		return 0;
	/* Every group, user and password both, so timing tells nothing of which failed. */
	for (i = 0, ok = 0; i < c->nbasic_auth; i++) {
		user = auth_equal(buf, colon - buf, c->basic_auth[i].user,
		    strlen(c->basic_auth[i].user));
		ok |= user & auth_equal(colon + 1, n - (colon + 1 - buf),
		    c->basic_auth[i].password, strlen(c->basic_auth[i].password));
	}
	return ok;
}

/* 1 when the first prefix bits of a and b agree. */
static int
match_prefix(const unsigned char *a, const unsigned char *b, int prefix)
{
	int	 full = prefix / 8, rest = prefix % 8;

	if (memcmp(a, b, full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ b[full]) & (0xff00 >> rest) & 0xff) == 0;
}

static int
check_addr(const struct conf *c, const struct auth_request *r)
{
	static const unsigned char	 mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	unsigned char			 a6[16];
	const unsigned char		*a4 = NULL;
	const struct conf_net		*net;
	size_t				 i;

	if (r->remote_addr == NULL || strnlen(r->remote_addr, 64) >= 64)
		return 0;
	/* Keep both forms, so ::ffff:192.0.2.1 and 192.0.2.1 are one host. */
	if (inet_pton(AF_INET, r->remote_addr, a6 + 12) == 1)
		memcpy(a6, mapped, sizeof(mapped));
	else if (inet_pton(AF_INET6, r->remote_addr, a6) != 1)
		return 0;
	if (memcmp(a6, mapped, sizeof(mapped)) == 0)
		a4 = a6 + 12;
	for (i = 0; i < c->nallow_from; i++) {
		net = &c->allow_from[i];
		if (net->family == AF_INET6 &&
		    match_prefix(a6, net->addr, net->prefix))
			return 1;
		if (net->family == AF_INET && a4 != NULL &&
		    match_prefix(a4, net->addr, net->prefix))
			return 1;
	}
	return 0;
}

/*
 * Returns AUTH_OK when every configured check passes (or none is configured
 * and allow_anonymous says so); else AUTH_CHALLENGE when basic_auth is
 * configured, AUTH_FORBIDDEN otherwise.
 */
enum auth_result
auth_check(const struct conf *c, const struct auth_request *r)
{
	int	 ok = 1, any = 0;

	if (c->ntoken > 0) {
		any = 1;
		ok &= check_token(c, r);
	}
	if (c->nbasic_auth > 0) {
		any = 1;
		ok &= check_basic(c, r);
	}
	if (c->nallow_from > 0) {
		any = 1;
		ok &= check_addr(c, r);
	}
	if (any ? ok : c->allow_anonymous)
		return AUTH_OK;
	return c->nbasic_auth > 0 ? AUTH_CHALLENGE : AUTH_FORBIDDEN;
}

/*
 * Returns 1 when a[0..alen) equals b[0..blen).  Reads max(alen, blen) bytes
 * whatever the contents, so the time tells only the lengths.
 */
int
auth_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	const unsigned char	*pa = a, *pb = b;
	size_t			 i, n = alen > blen ? alen : blen;
	unsigned		 acc = 0;

	for (i = 0; i < n; i++)
		acc |= (i < alen ? pa[i] : 0) ^ (i < blen ? pb[i] : 0);
	return (acc | (alen ^ blen)) == 0;
}

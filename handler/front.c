/*
 * front.c: one HTTP request, from meta-variables to the answer.
 *
 * Order of checks (RFC 3875; yespo-hook(8), HTTP): config or spool unusable (503), then method
 * (405), then authorisation (401/403), then the body.
 */
#include <cjson/cJSON.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "conf.h"
#include "front.h"
#include "fsio.h"
#include "health.h"
#include "status.h"
#include "util.h"

#define RETRY_AFTER	"60"

static const char *
param(struct fe_request *r, const char *name)
{
	return r->param(r->ctx, name);
}

/*
 * Send a CGI response (RFC 3875 section 6.2): Status and headers, then the
 * body unless the method was HEAD.
 */
static void
respond(struct fe_request *r, const char *status, const char *headers,
    const char *body, int head_only)
{
	char	 buf[1024];
	int	 n;

	n = snprintf(buf, sizeof(buf), "Status: %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Length: %zu\r\n%s\r\n",
	    status, strlen(body), headers ? headers : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	/* A client gone away cannot be told anything more; the data is safe either way. */
	if (r->write(r->ctx, buf, (size_t)n) == 0 && !head_only)
		(void)r->write(r->ctx, body, strlen(body));
}

void
fe_counts_json(const struct ing_counts *c, char *buf, size_t len)
{
	cJSON	*o;
	char	*s = NULL;

	if ((o = cJSON_CreateObject()) != NULL &&
	    cJSON_AddNumberToObject(o, "received", (double)c->received) &&
	    cJSON_AddNumberToObject(o, "stored", (double)c->stored) &&
	    cJSON_AddNumberToObject(o, "duplicates", (double)c->duplicates) &&
	    cJSON_AddNumberToObject(o, "quarantined", (double)c->quarantined))
		s = cJSON_PrintUnformatted(o);
	snprintf(buf, len, "%s", s ? s : "{}");
	cJSON_free(s);
	cJSON_Delete(o);
}

/* Load the config this request names; logs why not. */
static int
load_config(struct fe_request *r, struct conf *cf)
{
	char		 err[1024];
	const char	*env, *program;

	/* SetEnv in .htaccess arrives as a request parameter, not in the environment. */
	if ((env = param(r, "YESPO_HOOK_CONFIG")) == NULL)
		env = getenv("YESPO_HOOK_CONFIG");
	/* Where /proc is not mounted, the script's own path tells the binary's folder. */
	if ((program = param(r, "SCRIPT_FILENAME")) == NULL &&
	    (program = getenv("SCRIPT_FILENAME")) == NULL)
		program = r->argv0;
	if (conf_open(NULL, env, program, cf, err, sizeof(err)) == -1) {
		ut_log("%s", err);
		return -1;
	}
	return 0;
}

/* CONTENT_LENGTH: -1 when absent (read to end of input), -2 when malformed. */
static long long
content_length(struct fe_request *r)
{
	const char	*s = param(r, "CONTENT_LENGTH"), *why;
	long long	 n;

	if (s == NULL || *s == '\0')
		return -1;
	n = ut_strtonum(s, 0, LLONG_MAX, &why);
	return why ? -2 : n;
}

/* A 503 to a POST: answered, logged, and recorded with its cause for --status. */
static void
refuse_post(struct fe_request *r, const struct conf *cf, const char *body)
{
	const char	*why = ut_log_first();

	respond(r, "503 Service Unavailable", "Retry-After: " RETRY_AFTER "\r\n", body, 0);
	ss_note_503(cf, *why != '\0' ? why : body);
}

static int
serve_post(struct fe_request *r, const struct conf *cf)
{
	struct ing_counts	 c;
	char			 body[160];
	long long		 len;

	if ((len = content_length(r)) == -2) {
		respond(r, "400 Bad Request", NULL,
		    "{\"error\":\"CONTENT_LENGTH is not a decimal number\"}", 0);
		return 0;
	}
	ut_log_mark();
	switch (ing_receive(cf, r->read, r->ctx, len, 0, &c)) {
	case ING_OK:
		fe_counts_json(&c, body, sizeof(body));
		respond(r, "200 OK", NULL, body, 0);
		r->after = c.stored > 0;
		return c.degraded;
	case ING_SHORT:
		respond(r, "400 Bad Request", NULL,
		    "{\"error\":\"the body is shorter than CONTENT_LENGTH\"}", 0);
		return 0;
	case ING_TOO_LARGE:
		r->unread = 1;
		respond(r, "413 Content Too Large", NULL,
		    "{\"error\":\"the body is longer than any Yespo batch can be\"}", 0);
		return 0;
	case ING_FULL:
		refuse_post(r, cf,
		    "{\"error\":\"not stored: the quarantine is full (quarantine_max_bytes)\"}");
		return 0;
	case ING_FAIL:
		break;
	}
	refuse_post(r, cf, "{\"error\":\"not stored: local fault, retry later\"}");
	return 1;
}

/*
 * The max_silence=DURATION parameter of the probe's query string (an
 * external monitor's --max-silence) in seconds; 0 when absent or not a
 * duration.
 */
static long long
max_silence(const char *query)
{
	const char	*p, *end;
	char		 v[32];
	long long	 s;

	for (p = query; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (strncmp(p, "max_silence=", 12) != 0 || end - p - 12 >= (long)sizeof(v))
			continue;
		memcpy(v, p + 12, end - p - 12);
		v[end - p - 12] = '\0';
		return (s = ut_parse_duration(v)) > 0 ? s : 0;
	}
	return 0;
}

/*
 * The probe (yespo-hook(8), HTTP): 200 {"status":"ok"} when a batch could
 * be stored and its views written, else 503 {"status":"unhealthy"}, so that
 * a wrong setup fails at Save.  A caller that passes a configured check
 * gets the object of --status instead (its "status" says "unhealthy" for
 * any problem, the answer's code only for the setup); an anonymous spool
 * tells nobody more.
 */
static void
answer_probe(struct fe_request *r, const struct conf *cf,
    const struct auth_request *ar, int head)
{
	cJSON			*o = NULL;
	char			 err[1024];
	char			*body = NULL;
	int			 ok, told, healthy;

	if (!(ok = hl_setup_ok(cf, err, sizeof(err)) == 0))
		ut_log("%s: %s", cf->path, err);
	told = (cf->ntoken > 0 || cf->nbasic_auth > 0 || cf->allow_from) &&
	    auth_check(cf, ar) == AUTH_OK;
	if (told && (o = ss_report(cf, ok ? NULL : err, max_silence(ar->query),
	    &healthy)) != NULL)
		body = cJSON_PrintUnformatted(o);
	if (ok)
		respond(r, "200 OK", NULL, body ? body : "{\"status\":\"ok\"}", head);
	else
		respond(r, "503 Service Unavailable", "Retry-After: " RETRY_AFTER "\r\n",
		    body ? body : "{\"status\":\"unhealthy\"}", head);
	cJSON_free(body);
	cJSON_Delete(o);
}

int
fe_serve(struct fe_request *r)
{
	struct auth_request	 ar;
	struct conf		 cf;
	const char		*method = param(r, "REQUEST_METHOD");
	char			 err[1024];
	int			 head, probe, restart = 0;

	r->after = 0;
	/* Nothing stays open from an earlier request: the spool may have moved since. */
	fio_forget(FIO_SPOOL);
	fio_forget(FIO_CSV);
	if (method == NULL)
		method = "";
	r->unread = 0;
	head = strcmp(method, "HEAD") == 0;
	probe = head || strcmp(method, "GET") == 0;
	if (load_config(r, &cf) == -1) {
		respond(r, "503 Service Unavailable", "Retry-After: " RETRY_AFTER "\r\n",
		    probe ? "{\"status\":\"unhealthy\"}" : "{\"status\":\"unavailable\"}", head);
		return 0;
	}
	ar.query = param(r, "QUERY_STRING");
	ar.x_token = param(r, "HTTP_X_WEBHOOK_TOKEN");
	ar.authorization = param(r, "HTTP_AUTHORIZATION");
	ar.remote_addr = param(r, "REMOTE_ADDR");
	if (probe)
		answer_probe(r, &cf, &ar, head);
	else if (hl_spool_ready(&cf, err, sizeof(err)) == -1) {
		ut_log("%s: %s", cf.path, err);
		respond(r, "503 Service Unavailable", "Retry-After: " RETRY_AFTER "\r\n",
		    "{\"status\":\"unavailable\"}", 0);
	} else if (strcmp(method, "POST") != 0)
		respond(r, "405 Method Not Allowed", "Allow: GET, HEAD, POST\r\n",
		    "{\"error\":\"method not allowed\"}", 0);
	else {
		switch (auth_check(&cf, &ar)) {
		case AUTH_OK:
			restart = serve_post(r, &cf);
			break;
		case AUTH_CHALLENGE:
			respond(r, "401 Unauthorized",
			    "WWW-Authenticate: Basic realm=\"yespo-hook\", charset=\"UTF-8\"\r\n",
			    "{\"error\":\"unauthorised\"}", 0);
			break;
		case AUTH_FORBIDDEN:
			respond(r, "403 Forbidden", NULL, "{\"error\":\"forbidden\"}", 0);
			break;
		}
	}
	if (r->after)
		r->cf = cf;
	else
		conf_free(&cf);
	return restart;
}

void
fe_after(struct fe_request *r)
{
	if (!r->after)
		return;
	(void)ing_after(&r->cf);
	conf_free(&r->cf);
	r->after = 0;
}

/*
 * test_front.c: one request through fe_serve, in process, with the
 * meta-variables (RFC 3875 section 4.1), the body and the answer held in
 * memory.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <stdio.h>
#include <unistd.h>

#include "front.h"
#include "test.h"

struct fake {
	const char	*vars[16];	/* NAME=value */
	const char	*body;
	size_t		 off;
	char		 out[8192];
	size_t		 outlen;
};

static const char *
fake_param(void *ctx, const char *name)
{
	struct fake	*f = ctx;
	size_t		 i, n = strlen(name);

	for (i = 0; f->vars[i] != NULL; i++)
		if (strncmp(f->vars[i], name, n) == 0 && f->vars[i][n] == '=')
			return f->vars[i] + n + 1;
	return NULL;
}

static ssize_t
fake_read(void *ctx, void *buf, size_t len)
{
	struct fake	*f = ctx;
	size_t		 left = f->body ? strlen(f->body) - f->off : 0;

	if (len > left)
		len = left;
	memcpy(buf, f->body + f->off, len);
	f->off += len;
	return (ssize_t)len;
}

static int
fake_write(void *ctx, const void *buf, size_t len)
{
	struct fake	*f = ctx;

	if (len > sizeof(f->out) - 1 - f->outlen)
		return -1;
	memcpy(f->out + f->outlen, buf, len);
	f->outlen += len;
	f->out[f->outlen] = '\0';
	return 0;
}

static char	 conf_path[4200];

/* A spool and a config with a token, named by YESPO_HOOK_CONFIG. */
static int
make_config(void)
{
	const char	*dir = test_tmpdir();
	char		 spool[4200];
	FILE		*fp;

	if (dir == NULL)
		return -1;
	snprintf(spool, sizeof(spool), "%s/spool", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/yespo-hook.conf", dir);
	if (mkdir(spool, 0700) == -1 || (fp = fopen(conf_path, "w")) == NULL)
		return -1;
	fprintf(fp, "spool_dir = \"%s\";\ntoken = \"0123456789abcdef\";\n", spool);
	return fclose(fp);
}

/* Serve one request; its answer is in f->out. */
static int
serve(struct fake *f, const char *method, const char *query, const char *body)
{
	static char	 cfg[4300], meth[64], qs[256], len[48];
	struct fe_request r;
	size_t		 n = 0;

	memset(&r, 0, sizeof(r));
	snprintf(cfg, sizeof(cfg), "YESPO_HOOK_CONFIG=%s", conf_path);
	snprintf(meth, sizeof(meth), "REQUEST_METHOD=%s", method);
	f->vars[n++] = cfg;
	f->vars[n++] = meth;
	if (query != NULL) {
		snprintf(qs, sizeof(qs), "QUERY_STRING=%s", query);
		f->vars[n++] = qs;
	}
	if (body != NULL) {
		snprintf(len, sizeof(len), "CONTENT_LENGTH=%zu", strlen(body));
		f->vars[n++] = len;
	}
	f->vars[n] = NULL;
	f->body = body;
	r.ctx = f;
	r.param = fake_param;
	r.read = fake_read;
	r.write = fake_write;
	r.argv0 = "test_front";
	(void)fe_serve(&r);
	fe_after(&r);
	return 0;
}

/* Any method but GET, HEAD and POST: 405 naming the allowed ones. */
static int
other_method_405(void)
{
	struct fake	 f;

	memset(&f, 0, sizeof(f));
	CHECK(make_config() == 0);
	serve(&f, "PUT", NULL, NULL);
	CHECK(strncmp(f.out, "Status: 405", 11) == 0);
	CHECK(strstr(f.out, "\r\nAllow: GET, HEAD, POST\r\n") != NULL);
	return 0;
}

/* A POST without the token: 403, and nothing stored. */
static int
post_without_token_403(void)
{
	struct fake	 f;

	memset(&f, 0, sizeof(f));
	CHECK(make_config() == 0);
	serve(&f, "POST", NULL, "[{\"iid\":\"a\"}]");
	CHECK(strncmp(f.out, "Status: 403", 11) == 0);
	return 0;
}

/* The probe, without credentials: 200 and only the status. */
static int
probe_says_only_ok(void)
{
	struct fake	 f;
	const char	*body;

	memset(&f, 0, sizeof(f));
	CHECK(make_config() == 0);
	serve(&f, "GET", NULL, NULL);
	CHECK(strncmp(f.out, "Status: 200", 11) == 0);
	CHECK((body = strstr(f.out, "\r\n\r\n")) != NULL);
	CHECK_STR(body + 4, "{\"status\":\"ok\"}");
	return 0;
}

/* An authorised POST: 200 with the counts; the same again: duplicates. */
static int
post_stored_then_duplicate(void)
{
	struct fake	 f;
	const char	*batch = "[{\"iid\":\"a\",\"activityStatus\":\"READ\"}]", *body;

	memset(&f, 0, sizeof(f));
	CHECK(make_config() == 0);
	serve(&f, "POST", "token=0123456789abcdef", batch);
	CHECK(strncmp(f.out, "Status: 200", 11) == 0);
	CHECK((body = strstr(f.out, "\r\n\r\n")) != NULL);
	CHECK_STR(body + 4, "{\"received\":1,\"stored\":1,\"duplicates\":0,\"quarantined\":0}");
	memset(&f, 0, sizeof(f));
	serve(&f, "POST", "token=0123456789abcdef", batch);
	CHECK((body = strstr(f.out, "\r\n\r\n")) != NULL);
	CHECK_STR(body + 4, "{\"received\":1,\"stored\":0,\"duplicates\":1,\"quarantined\":0}");
	return 0;
}

/* HEAD: the probe's status and headers, no body. */
static int
head_has_no_body(void)
{
	struct fake	 f;
	const char	*body;

	memset(&f, 0, sizeof(f));
	CHECK(make_config() == 0);
	serve(&f, "HEAD", NULL, NULL);
	CHECK(strncmp(f.out, "Status: 200", 11) == 0);
	CHECK((body = strstr(f.out, "\r\n\r\n")) != NULL && body[4] == '\0');
	return 0;
}

static const struct test tests[] = {
	T(other_method_405),
	T(post_without_token_403),
	T(probe_says_only_ok),
	T(post_stored_then_duplicate),
	T(head_has_no_body),
};

TEST_MAIN(tests)

/*
 * main.c: choose the mode.  Started by a FastCGI server (fd 0 a listening
 * socket): a responder loop.  Started by a CGI server (GATEWAY_INTERFACE
 * set): one request.  Otherwise: the command line of yespo-hook(8).
 */
#include <fcgiapp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fsio.h"
#include "front.h"
#include "health.h"
#include "ingest.h"
#include "check.h"
#include "spool.h"

#ifndef YH_VERSION
#define YH_VERSION "unknown"
#endif

static const char usage[] =
    "usage: yespo-hook --version | --help\n"
    "       yespo-hook --check   [--config FILE]\n"
    "       yespo-hook --ingest  [--config FILE] FILE...\n"
    "       yespo-hook --rebuild [--config FILE]\n"
    "       yespo-hook --verify  [--config FILE]\n";

static const char help[] =
    "Receives Yespo activity webhooks as a FastCGI or CGI program and keeps\n"
    "them as daily JSON-lines archives and per-status CSV files.\n"
    "\n"
    "  --check    validate the config, make csv_dir when missing, and check\n"
    "             that spool and csv_dir are writable by this user; exit 0 or 1\n"
    "  --ingest   store files (a JSON array or object, or JSON lines; '-' for\n"
    "             standard input) exactly as a POST would; print the counts\n"
    "  --rebuild  make the index, CSVs and summaries anew from the archive\n"
    "  --verify   check that they match the archive and no key repeats\n"
    "             within dedup_window_days; exit 0 or 1\n"
    "  --config FILE  the config file; else $YESPO_HOOK_CONFIG; else\n"
    "             yespo-hook.conf in the parent of the binary's directory\n"
    "\n"
    "See yespo-hook(8) and yespo-hook.conf(5).\n";

static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static ssize_t
fcgi_read(void *ctx, void *buf, size_t len)
{
	FCGX_Stream	*in = ((FCGX_Request *)ctx)->in;
	int		 n;

	if (len > INT_MAX)
		len = INT_MAX;
	n = FCGX_GetStr(buf, (int)len, in);
	if (n < 0 || (n == 0 && FCGX_GetError(in) != 0))
		return -1;
	return n;
}

static int
fcgi_write(void *ctx, const void *buf, size_t len)
{
	FCGX_Stream	*out = ((FCGX_Request *)ctx)->out;

	return len <= INT_MAX && FCGX_PutStr(buf, (int)len, out) == (int)len ? 0 : -1;
}

static int
serve_fastcgi(const char *argv0)
{
	FCGX_Request		 req;
	struct fe_request	 r = { &req, fcgi_param, fcgi_read, fcgi_write, 0, argv0 };
	int			 restart = 0;

	if (FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	while (!restart && FCGX_Accept_r(&req) >= 0) {
		restart = fe_serve(&r);
		FCGX_Finish_r(&req);
	}
	return 0;
}

static const char *
cgi_param(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static ssize_t
cgi_read(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	return fio_read(STDIN_FILENO, buf, len);
}

static int
cgi_write(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	return fio_write(STDOUT_FILENO, buf, len);
}

static ssize_t
fd_read(void *ctx, void *buf, size_t len)
{
	return fio_read(*(int *)ctx, buf, len);
}

static int
run_check(const struct conf *cf)
{
	struct spool	 sp;
	char		 err[1024];

	if (hl_setup_ok(cf, err, sizeof(err)) == -1) {
		fprintf(stderr, "yespo-hook: %s\n", err);
		return 1;
	}
	if (sp_open(&sp, cf->spool_dir, err, sizeof(err)) == -1) {
		fprintf(stderr, "yespo-hook: %s: %s\n", cf->path, err);
		return 1;
	}
	if (sp_lock(&sp, 5000) == -1) {
		fprintf(stderr, "yespo-hook: %s/lock: %s\n", cf->spool_dir, strerror(errno));
		return 1;
	}
	sp_unlock(&sp);
	if (sp_check_format(&sp, err, sizeof(err)) == -1) {
		fprintf(stderr, "yespo-hook: %s\n", err);
		return 1;
	}
	if (conf_advice(cf, err, sizeof(err)))
		fprintf(stderr, "yespo-hook: warning: %s\n", err);
	printf("%s: config valid; spool %s usable; CSVs go to %s\n",
	    cf->path, cf->spool_dir, cf->csv_dir);
	return 0;
}

static int
run_ingest(const struct conf *cf, char **files, int nfiles)
{
	struct ing_counts	 c;
	char			 out[160];
	int			 i, fd, failed = 0;

	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0)
			fd = STDIN_FILENO;
		else if ((fd = fio_open(files[i], O_RDONLY, 0)) == -1) {
			fprintf(stderr, "yespo-hook: %s: %s\n", files[i], strerror(errno));
			failed = 1;
			continue;
		}
		switch (ing_receive(cf, fd_read, &fd, -1, 1, &c)) {
		case ING_OK:
			fe_counts_json(&c, out, sizeof(out));
			printf("%s\n", out);
			break;
		case ING_TOO_LARGE:
			fprintf(stderr, "yespo-hook: %s: not stored: longer than %d x "
			    "max_body_bytes\n", files[i], ING_CAP);
			failed = 1;
			break;
		default:
			fprintf(stderr, "yespo-hook: %s: not stored; fix the fault "
			    "logged above and run --ingest again\n", files[i]);
			failed = 1;
		}
		if (fd != STDIN_FILENO)
			(void)fio_close(fd);
	}
	return failed;
}

static int
run_command(int argc, char **argv)
{
	struct conf	 cf;
	const char	*cmd = NULL, *config = NULL;
	char		**files, err[1024];
	int		 i, nfiles = 0, rc;

	if ((files = calloc((size_t)argc, sizeof(*files))) == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config = argv[++i];
		else if (strncmp(argv[i], "--", 2) == 0 && cmd == NULL &&
		    strcmp(argv[i], "--config") != 0)
			cmd = argv[i];
		else if (cmd != NULL && strcmp(cmd, "--ingest") == 0)
			files[nfiles++] = argv[i];
		else
			cmd = "";
	}
	rc = 2;
	if (cmd == NULL || *cmd == '\0')
		fputs(usage, stderr);
	else if (strcmp(cmd, "--version") == 0) {
		printf("yespo-hook %s\n", YH_VERSION);
		rc = 0;
	} else if (strcmp(cmd, "--help") == 0) {
		printf("%s\n%s", usage, help);
		rc = 0;
	} else if (strcmp(cmd, "--ingest") == 0 && nfiles == 0)
		fprintf(stderr, "yespo-hook: --ingest needs at least one FILE ('-' for standard input)\n%s", usage);
	else if (strcmp(cmd, "--check") != 0 && strcmp(cmd, "--ingest") != 0 &&
	    strcmp(cmd, "--rebuild") != 0 && strcmp(cmd, "--verify") != 0)
		fprintf(stderr, "yespo-hook: unknown option %s\n%s", cmd, usage);
	else if (conf_open(config, getenv("YESPO_HOOK_CONFIG"), argv[0], &cf, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "yespo-hook: %s\n", err);
		rc = 1;
	} else {
		if (strcmp(cmd, "--check") == 0)
			rc = run_check(&cf);
		else if (strcmp(cmd, "--ingest") == 0)
			rc = run_ingest(&cf, files, nfiles);
		else if (strcmp(cmd, "--rebuild") == 0)
			rc = ck_rebuild(&cf, stderr) == 0 ? 0 : 1;
		else
			rc = ck_verify(&cf, stdout) == 0 ? 0 : 1;
		conf_free(&cf);
	}
	free(files);
	return rc;
}

int
main(int argc, char **argv)
{
	struct fe_request	 r = { NULL, cgi_param, cgi_read, cgi_write, 0, argv[0] };

	if (FCGX_Init() != 0)
		return 1;
	if (!FCGX_IsCGI()) {
		/*
		 * A fixed threshold keeps every large buffer in its own mapping,
		 * given back when freed; glibc's sliding one would move a big
		 * batch's buffers onto the heap, where a long-lived worker keeps
		 * them after the batch.  musl (the static drop-in) has no
		 * mallopt: its malloc maps large buffers on its own.
		 */
#ifdef M_MMAP_THRESHOLD
		(void)mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
		return serve_fastcgi(argv[0]);
	}
	/* A CGI server may pass a query string as argv (RFC 3875 4.4): ignore it. */
	if (getenv("GATEWAY_INTERFACE") != NULL) {
		const char	*method = getenv("REQUEST_METHOD");
		char		 sink[65536];

		(void)fe_serve(&r);
		/* A body left unread (a refused POST) makes mod_cgid cut the answer short. */
		if (method != NULL && strcmp(method, "POST") == 0 && !r.unread)
			while (fio_read(STDIN_FILENO, sink, sizeof(sink)) > 0)
				;
		return 0;
	}
	return run_command(argc, argv);
}

/*
 * main.c: choose the mode.  Started by a FastCGI server (fd 0 a listening
 * socket): a responder loop.  Started by a CGI server (GATEWAY_INTERFACE
 * set): one request.  Otherwise: the command line of yespo-hook(8).
 */
#include <fcgiapp.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "conf.h"
#include "consumer.h"
#include "erase.h"
#include "event.h"
#include "export.h"
#include "front.h"
#include "fsio.h"
#include "health.h"
#include "ingest.h"
#include "spool.h"
#include "status.h"
#include "util.h"

#ifndef YH_VERSION
#define YH_VERSION "unknown"
#endif

static const char usage[] =
    "usage: yespo-hook --version | --help\n"
    "       yespo-hook --check   [--config FILE]\n"
    "       yespo-hook --ingest  [--config FILE] FILE...\n"
    "       yespo-hook --rebuild [--config FILE]\n"
    "       yespo-hook --verify  [--config FILE]\n"
    "       yespo-hook --export  [--config FILE] [--from DAY] [--to DAY] [--status S]...\n"
    "                            [--format csv|jsonl|xlsx] [--output FILE]\n"
    "       yespo-hook --tail    [--config FILE] --consumer NAME [--max-events N]\n"
    "                            [--format jsonl|csv]\n"
    "       yespo-hook --ack     [--config FILE] --consumer NAME\n"
    "       yespo-hook --consumers [--config FILE]\n"
    "       yespo-hook --status  [--config FILE] [--max-silence DURATION]\n"
    "       yespo-hook --erase   [--config FILE] FIELD=VALUE...\n";

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
    "  --export   one file of the archived events of a range of days (all\n"
    "             by default; DAY is YYYY-MM-DD), of some STATUS files only\n"
    "             with --status, as CSV (a first column day, then the columns\n"
    "             of the STATUS files), JSON lines as archived, or a workbook\n"
    "             (xlsx: a sheet per STATUS); to standard output, or whole to\n"
    "             --output FILE\n"
    "  --tail     the archived events after NAME's committed offset (a new\n"
    "             consumer starts at the oldest), at most N; they stay pending\n"
    "  --ack      commit NAME's pending offset: run it once they are stored\n"
    "  --consumers  each consumer, its committed offset and its lag\n"
    "  --status   the spool's health as one JSON object; exit 0 healthy, 1 not\n"
    "             (with --max-silence 30m, 6h, 2d...: also when no event came\n"
    "             for that long); with --export, --status S is a STATUS filter\n"
    "  --erase    remove every archived event whose FIELD (email, sms, viber,\n"
    "             contactId, externalCustomerId, webpush, mobilepush) is VALUE,\n"
    "             and its rows everywhere; the keys stay, so a resend is a\n"
    "             duplicate; quarantine files holding it are redacted\n"
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
	struct fe_request	 r = { .ctx = &req, .param = fcgi_param,
				    .read = fcgi_read, .write = fcgi_write, .argv0 = argv0 };
	int			 restart = 0;

	if (FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	while (!restart && FCGX_Accept_r(&req) >= 0) {
		restart = fe_serve(&r);
		FCGX_Finish_r(&req);
		fe_after(&r);
	}
	return 0;
}

/*
 * The answer is complete when its output closes (RFC 3875 6): the web
 * server gets its end now, and /dev/null takes the descriptor's place, so
 * that no file the rest opens becomes standard output by its number.
 */
static void
end_output(void)
{
	int	 nul;

	if ((nul = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1 ||
	    dup2(nul, STDOUT_FILENO) == -1)
		(void)fio_close(STDOUT_FILENO);
	if (nul > STDOUT_FILENO)
		(void)fio_close(nul);
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
	size_t		 at = 0;

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
	ss_prepare_503(cf);
	if (sp_check_format(&sp, err, sizeof(err)) == SP_FORMAT_REFUSED) {
		fprintf(stderr, "yespo-hook: %s\n", err);
		return 1;
	}
	while (conf_advice(cf, &at, err, sizeof(err)))
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

/* --status: the object on stdout; 0 healthy, 1 not. */
static int
run_status(const struct conf *cf, long long silence)
{
	cJSON	*o;
	char	*text = NULL;
	int	 healthy;

	if ((o = ss_report(cf, NULL, silence, &healthy)) == NULL ||
	    (text = cJSON_Print(o)) == NULL) {
		fprintf(stderr, "yespo-hook: --status: out of memory\n");
		cJSON_Delete(o);
		return 1;
	}
	printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(o);
	return healthy ? 0 : 1;
}

/* What the command line asks for; set by parse_args. */
struct args {
	const char	 *cmd;		/* "--check", ...: the option given, in full */
	char		  cmdbuf[32];
	const char	 *config;
	char		**files;	/* --ingest's operands */
	int		  nfiles;
	struct ex_opts	  ex;
	struct er_match	 *erase;	/* --erase's operands */
	const char	 *consumer;
	long long	  max_events;	/* < 0: no limit */
	long long	  max_silence;	/* --status: seconds; 0: not checked */
	int		 *given;	/* the options given that not every command takes */
	int		  ngiven;
	int		  format_given;
};

/* A day option's value into *day: 0, or -1 after saying why. */
static int
parse_day(const char *opt, const char *s, int *day)
{
	if ((*day = ut_parse_day(s)) == -1) {
		fprintf(stderr, "yespo-hook: %s %s: not a day; use YYYY-MM-DD\n", opt, s);
		return -1;
	}
	return 0;
}

/* One option's value into a: 0, or -1 after saying why. */
static int
take_value(struct args *a, int ch, const char *opt, const char *v)
{
	const char	*why;

	switch (ch) {
	case 'f':
		return parse_day(opt, v, &a->ex.from);
	case 't':
		return parse_day(opt, v, &a->ex.to);
	case 's':
		if (!ev_status_valid(v, strlen(v))) {
			fprintf(stderr, "yespo-hook: --status %s: not a STATUS name "
			    "(DELIVERED, OTHER, ...)\n", v);
			return -1;
		}
		a->ex.status[a->ex.nstatus++] = v;
		return 0;
	case 'F':
		if (strcmp(v, "csv") == 0)
			a->ex.format = EX_CSV;
		else if (strcmp(v, "jsonl") == 0)
			a->ex.format = EX_JSONL;
		else if (strcmp(v, "xlsx") == 0)
			a->ex.format = EX_XLSX;
		else {
			fprintf(stderr, "yespo-hook: --format %s: use csv, jsonl or xlsx "
			    "(xlsx with --export only)\n", v);
			return -1;
		}
		a->format_given = 1;
		return 0;
	case 'o':
		a->ex.output = v;
		return 0;
	case 'n':
		if (!cs_name_valid(v)) {
			fprintf(stderr, "yespo-hook: --consumer %s: use 1 to 64 letters, "
			    "digits, '_' or '-'\n", v);
			return -1;
		}
		a->consumer = v;
		return 0;
	case 'M':
		if ((a->max_silence = ut_parse_duration(v)) == -1) {
			fprintf(stderr, "yespo-hook: --max-silence %s: not a duration; use "
			    "a number and s, m, h or d (30m, 6h, 2d)\n", v);
			return -1;
		}
		return 0;
	case 'm':
		a->max_events = ut_strtonum(v, 1, LLONG_MAX, &why);
		if (why != NULL) {
			fprintf(stderr, "yespo-hook: --max-events %s: %s; give a "
			    "positive number\n", v, why);
			return -1;
		}
		return 0;
	}
	return 0;
}

/* The commands that take an option (by its short code), or NULL for all. */
static const char *
option_commands(int ch)
{
	switch (ch) {
	case 'f': case 't': case 's': case 'S': case 'o':
		return "--export";
	case 'F':
		return "--export --tail";
	case 'n':
		return "--tail --ack";
	case 'm':
		return "--tail";
	case 'M':
		return "--status";
	}
	return NULL;
}

/* The options: a command (no value), the config, or a value some commands take. */
static const struct option opts[] = {
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "check", no_argument, NULL, 'c' },
	{ "ingest", no_argument, NULL, 'i' },
	{ "rebuild", no_argument, NULL, 'r' },
	{ "verify", no_argument, NULL, 'V' },
	{ "export", no_argument, NULL, 'e' },
	{ "tail", no_argument, NULL, 'T' },
	{ "ack", no_argument, NULL, 'A' },
	{ "consumers", no_argument, NULL, 'L' },
	{ "status", no_argument, NULL, 'S' },	/* without --export: see parse_args */
	{ "erase", no_argument, NULL, 'E' },
	{ "config", required_argument, NULL, 'C' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "format", required_argument, NULL, 'F' },
	{ "output", required_argument, NULL, 'o' },
	{ "consumer", required_argument, NULL, 'n' },
	{ "max-events", required_argument, NULL, 'm' },
	{ "max-silence", required_argument, NULL, 'M' },
	{ NULL, 0, NULL, 0 }
};

/* Whether a's command and options fit together: 0, or -1 after saying why. */
static int
check_args(struct args *a)
{
	int	 i;

	if (a->cmd == NULL) {
		fprintf(stderr, "yespo-hook: say what to do\n");
		return -1;
	}
	if (strcmp(a->cmd, "--ingest") == 0 && a->nfiles == 0) {
		fprintf(stderr, "yespo-hook: --ingest needs at least one FILE "
		    "('-' for standard input)\n");
		return -1;
	}
	if (strcmp(a->cmd, "--erase") == 0) {
		if (a->nfiles == 0) {
			fprintf(stderr, "yespo-hook: --erase needs at least one FIELD=VALUE\n");
			return -1;
		}
		for (i = 0; i < a->nfiles; i++)
			if (er_parse(a->files[i], &a->erase[i]) == -1)
				return -1;
	} else if (strcmp(a->cmd, "--ingest") != 0 && a->nfiles > 0) {
		fprintf(stderr, "yespo-hook: %s: unexpected for %s\n", a->files[0], a->cmd);
		return -1;
	}
	for (i = 0; i < a->ngiven; i++) {
		const struct option *o = &opts[a->given[i]];

		if (strstr(option_commands(o->val), a->cmd) == NULL) {
			fprintf(stderr, "yespo-hook: --%s goes with %s, not %s\n",
			    o->name, option_commands(o->val), a->cmd);
			return -1;
		}
	}
	/* A loader takes lines as archived unless it asks otherwise. */
	if (strcmp(a->cmd, "--tail") == 0 && !a->format_given)
		a->ex.format = EX_JSONL;
	if (strcmp(a->cmd, "--tail") == 0 && a->ex.format == EX_XLSX) {
		fprintf(stderr, "yespo-hook: --tail writes jsonl or csv, not xlsx\n");
		return -1;
	}
	if ((strcmp(a->cmd, "--tail") == 0 || strcmp(a->cmd, "--ack") == 0) &&
	    a->consumer == NULL) {
		fprintf(stderr, "yespo-hook: %s needs --consumer NAME\n", a->cmd);
		return -1;
	}
	return 0;
}

/*
 * Whether --export is among the arguments, as getopt_long reads them
 * (abbreviations too), read from a copy: getopt_long reorders what it
 * reads.  1, 0, or -1 when memory ran out.
 */
static int
exporting(int argc, char **argv)
{
	char	**copy;
	int	  ch, found = 0;

	if ((copy = calloc((size_t)argc + 1, sizeof(*copy))) == NULL)
		return -1;
	memcpy(copy, argv, (size_t)argc * sizeof(*copy));
	opterr = 0;
	while ((ch = getopt_long(argc, copy, "", opts, NULL)) != -1)
		found |= ch == 'e';
	optind = 0;	/* glibc: start afresh */
	free(copy);
	return found;
}

/* Fill a from argv: 0, or -1 after a usage message (exit 2). */
static int
parse_args(int argc, char **argv, struct args *a)
{
	struct option	 table[sizeof(opts) / sizeof(opts[0])];
	const char	*opt;
	size_t		 i;
	int		 ch, idx, ex;

	memset(a, 0, sizeof(*a));
	a->ex.to = INT_MAX;
	a->max_events = -1;
	if ((a->ex.status = calloc((size_t)argc, sizeof(*a->ex.status))) == NULL ||
	    (a->given = calloc((size_t)argc, sizeof(*a->given))) == NULL ||
	    (a->erase = calloc((size_t)argc, sizeof(*a->erase))) == NULL)
		return -1;
	/* --status S filters --export; --status alone is the command. */
	if ((ex = exporting(argc, argv)) == -1)
		return -1;
	memcpy(table, opts, sizeof(table));
	for (i = 0; table[i].name != NULL; i++)
		if (ex && table[i].val == 'S') {
			table[i].has_arg = required_argument;
			table[i].val = 's';
		}
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", table, &idx)) != -1) {
		opt = argv[optind - 1];
		if (ch == '?') {
			fprintf(stderr, "yespo-hook: %s: unknown option, or its value "
			    "is missing\n", opt);
			return -1;
		}
		if (ch == 'C')
			a->config = optarg;
		else if (optarg != NULL) {
			if (take_value(a, ch, opts[idx].name, optarg) == -1)
				return -1;
			a->given[a->ngiven++] = idx;
		} else if (a->cmd != NULL) {
			fprintf(stderr, "yespo-hook: %s and %s: one at a time\n", a->cmd, opt);
			return -1;
		} else {
			/* getopt_long takes abbreviations: keep the full name. */
			snprintf(a->cmdbuf, sizeof(a->cmdbuf), "--%s", opts[idx].name);
			a->cmd = a->cmdbuf;
		}
	}
	a->files = argv + optind;
	a->nfiles = argc - optind;
	return check_args(a);
}

static int
run_command(int argc, char **argv)
{
	struct args	 a;
	struct conf	 cf;
	char		 err[1024];
	int		 rc = 2;

	if (parse_args(argc, argv, &a) == -1)
		fputs(usage, stderr);
	else if (strcmp(a.cmd, "--version") == 0) {
		printf("yespo-hook %s\n", YH_VERSION);
		rc = 0;
	} else if (strcmp(a.cmd, "--help") == 0) {
		printf("%s\n%s", usage, help);
		rc = 0;
	} else if (conf_open(a.config, getenv("YESPO_HOOK_CONFIG"), argv[0], &cf, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "yespo-hook: %s\n", err);
		rc = 1;
	} else {
		if (strcmp(a.cmd, "--check") == 0)
			rc = run_check(&cf);
		else if (strcmp(a.cmd, "--ingest") == 0)
			rc = run_ingest(&cf, a.files, a.nfiles);
		else if (strcmp(a.cmd, "--rebuild") == 0)
			rc = ck_rebuild(&cf, stderr) == 0 ? 0 : 1;
		else if (strcmp(a.cmd, "--export") == 0)
			rc = ex_export(&cf, &a.ex) == 0 ? 0 : 1;
		else if (strcmp(a.cmd, "--tail") == 0)
			rc = cs_tail(&cf, a.consumer, a.max_events, a.ex.format, er_settle) == 0 ? 0 : 1;
		else if (strcmp(a.cmd, "--ack") == 0)
			rc = cs_ack(&cf, a.consumer, er_settle) == 0 ? 0 : 1;
		else if (strcmp(a.cmd, "--consumers") == 0)
			rc = cs_list(&cf, stdout) == 0 ? 0 : 1;
		else if (strcmp(a.cmd, "--status") == 0)
			rc = run_status(&cf, a.max_silence);
		else if (strcmp(a.cmd, "--erase") == 0)
			rc = er_erase(&cf, a.erase, (size_t)a.nfiles, stdout) == 0 ? 0 : 1;
		else
			rc = ck_verify(&cf, stdout) == 0 ? 0 : 1;
		conf_free(&cf);
	}
	/* A report that did not reach its reader is a failure (a full disk, a closed pipe). */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "yespo-hook: standard output: %s\n", strerror(errno));
		if (rc == 0)
			rc = 1;
	}
	free(a.ex.status);
	free(a.given);
	free(a.erase);
	return rc;
}

int
main(int argc, char **argv)
{
	struct fe_request	 r = { .param = cgi_param, .read = cgi_read,
				    .write = cgi_write, .argv0 = argv[0] };

	if (FCGX_Init() != 0)
		return 1;
	if (!FCGX_IsCGI()) {
		/*
		 * Fixed thresholds: buffers of up to 768 KiB (a batch of a
		 * thousand events: its body, text and lines) stay on the heap
		 * for the next batch to reuse, instead of being mapped and
		 * zeroed anew for each one; larger ones (a big batch's, the
		 * index's page table) get a mapping of their own, given back
		 * when freed, and at most 4 MiB of free heap is kept, so a
		 * long-lived worker does not hold on to a big batch's memory,
		 * as glibc's sliding threshold would have it.  musl (the static
		 * drop-in) has no mallopt: its malloc maps large buffers on its
		 * own.
		 */
#ifdef M_MMAP_THRESHOLD
		(void)mallopt(M_MMAP_THRESHOLD, 768 * 1024);
		(void)mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
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
		end_output();
		fe_after(&r);
		return 0;
	}
	return run_command(argc, argv);
}

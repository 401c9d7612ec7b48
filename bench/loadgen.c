/*
 * loadgen.c: the benchmark's sender.
 *
 *   loadgen http -p PORT -u PATH -s SIZE -n BATCHES [-c SENDERS] [-r PCT]
 *                [-S SEED] [-a 127.0.0.1] [-L LABEL]
 *       POST n batches of SIZE events (gen.h), split over SENDERS threads,
 *       each a sender that waits for its answer before the next batch as
 *       Yespo does; PCT percent of the batches are sent a second time a
 *       few sends later.  One connection per POST (Connection: close).
 *       Every answer must be 200 with received = SIZE and, for a first
 *       send, stored = SIZE, for a resend, duplicates = SIZE; anything else
 *       stops the run with exit status 1.  Prints one RESULT line.
 *
 *   loadgen cgi -x BINARY -C CONF [-C CONF ...] -n N [-s SIZE] [-S SEED]
 *                [-L LABEL] [-t TOKEN]
 *       Run BINARY as plain CGI N times per CONF (interleaved), each a POST
 *       of a new batch, and time each process from fork to exit; the peak
 *       RSS of each is wait4's ru_maxrss (what /usr/bin/time -f %M shows).
 *       Prints one RESULT line per CONF.
 *
 *   loadgen dump -s SIZE [-S SEED] [-w SENDER] [-b BATCH] [-m MESSAGES]
 *       Write one batch body to stdout; its number of distinct statuses
 *       and its size to stderr.  -m: the messages events come from
 *       (default 40; about 4 summary rows each over a day).
 *
 * Only loopback addresses are accepted as targets.
 */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#define TOOL_NAME "loadgen"
#include "tool.h"

#define MAX_SENDERS	64
#define MAX_CONFS	4
#define RESP_MAX	65536
#define IO_TIMEOUT_S	300

static const char	*opt_addr = "127.0.0.1", *opt_path = "/", *opt_label = "run";
static const char	*opt_bin, *opt_token = "bench-token";
static const char	*opt_conf[MAX_CONFS];
static int		 opt_nconf;
static unsigned		 opt_port, opt_size = 1, opt_batches = 1, opt_senders = 1;
static unsigned		 opt_resend = 10, opt_sender_id, opt_batch_id;
static uint64_t		 opt_seed = 20250101;

static atomic_int	 stop_all;
static pthread_mutex_t	 err_mu = PTHREAD_MUTEX_INITIALIZER;
static char		 first_err[512];

/* Record the first failure of any sender and make them all stop. */
static void
fail(const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&err_mu);
	if (first_err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(first_err, sizeof(first_err), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&err_mu);
	atomic_store(&stop_all, 1);
}

/* Find "name":NUMBER in s; -1 when absent. */
static long long
json_count(const char *s, const char *name)
{
	char		 pat[64];
	const char	*p;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	if ((p = strstr(s, pat)) == NULL)
		return -1;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	return strtoll(p, NULL, 10);
}

/* ---- HTTP ---- */

static struct sockaddr_in	 target;

static void
resolve_target(void)
{
	memset(&target, 0, sizeof(target));
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)opt_port);
	if (inet_pton(AF_INET, opt_addr, &target.sin_addr) != 1)
		die("-a %s: not an IPv4 address", opt_addr);
	/* Loopback only: 127.0.0.0/8. */
	if ((ntohl(target.sin_addr.s_addr) >> 24) != 127)
		die("-a %s: only loopback addresses (127.0.0.0/8) are allowed", opt_addr);
	if (opt_port == 0 || opt_port > 65535)
		die("bad port %u", opt_port);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * One request on a new connection; the whole response (up to RESP_MAX) in
 * resp.  Returns the status code, or -1 with a reason in err.
 */
static int
http_request(const char *method, const char *body, size_t len, char *resp,
    size_t *resplen, char *err, size_t errlen)
{
	struct timeval	 tv = { IO_TIMEOUT_S, 0 };
	char		 hdr[1024];
	size_t		 got = 0;
	ssize_t		 r;
	int		 fd, n, code = -1, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1) {
		snprintf(err, errlen, "setsockopt: %s", strerror(errno));
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) == -1) {
		snprintf(err, errlen, "connect: %s", strerror(errno));
		goto out;
	}
	n = snprintf(hdr, sizeof(hdr), "%s %s HTTP/1.1\r\nHost: %s:%u\r\n"
	    "User-Agent: yespo-hook-bench\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	    method, opt_path, opt_addr, opt_port, len);
	if (n < 0 || (size_t)n >= sizeof(hdr)) {
		snprintf(err, errlen, "request header too long");
		goto out;
	}
	if (write_all(fd, hdr, (size_t)n) == -1 || write_all(fd, body, len) == -1) {
		snprintf(err, errlen, "send: %s", strerror(errno));
		goto out;
	}
	for (;;) {
		if (got == RESP_MAX - 1) {
			snprintf(err, errlen, "response longer than %d bytes", RESP_MAX);
			goto out;
		}
		r = recv(fd, resp + got, RESP_MAX - 1 - got, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "recv: %s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	resp[got] = '\0';
	*resplen = got;
	if (got < 12 || strncmp(resp, "HTTP/1.", 7) != 0) {
		snprintf(err, errlen, "not an HTTP response: %.60s", resp);
		goto out;
	}
	code = atoi(resp + 9);
out:
	if (close(fd) == -1 && code != -1) {
		snprintf(err, errlen, "close: %s", strerror(errno));
		code = -1;
	}
	return code;
}

struct body {
	char	*p;
	size_t	 len;
};

struct sender {
	pthread_t	 th;
	unsigned	 id;
	struct gsend	*sched;
	size_t		 nsched;
	struct body	*bodies;	/* by batch / senders */
	double		*lat;		/* seconds, per send */
	size_t		 nlat;
	unsigned long long stored, dups, received;
};

static pthread_barrier_t	 start_barrier;

static void *
sender_main(void *arg)
{
	struct sender	*s = arg;
	char		*resp, err[256];
	size_t		 i, rlen;
	double		 t0, t1;
	long long	 rec, sto, dup, qua;
	int		 code;

	if ((resp = malloc(RESP_MAX)) == NULL)
		die("out of memory");
	/* Warm-up: a GET (the setup probe), so worker start-up is not timed. */
	code = http_request("GET", "", 0, resp, &rlen, err, sizeof(err));
	if (code != 200)
		fail("sender %u: warm-up GET %s: %s", s->id, opt_path,
		    code == -1 ? err : resp);
	(void)pthread_barrier_wait(&start_barrier);
	for (i = 0; i < s->nsched && !atomic_load(&stop_all); i++) {
		const struct gsend *g = &s->sched[i];
		const struct body *b = &s->bodies[g->batch / opt_senders];

		t0 = now_s();
		code = http_request("POST", b->p, b->len, resp, &rlen, err, sizeof(err));
		t1 = now_s();
		if (code == -1) {
			fail("sender %u batch %u: %s", s->id, g->batch, err);
			break;
		}
		if (code != 200) {
			fail("sender %u batch %u: status %d: %.300s", s->id, g->batch, code, resp);
			break;
		}
		rec = json_count(resp, "received");
		sto = json_count(resp, "stored");
		dup = json_count(resp, "duplicates");
		qua = json_count(resp, "quarantined");
		if (rec != (long long)opt_size || sto < 0 || dup < 0 || qua != 0 ||
		    sto + dup != rec ||
		    (!g->resend && sto != rec) || (g->resend && dup != rec)) {
			fail("sender %u batch %u (%s): counts do not add up: sent %u "
			    "events, answer %.300s", s->id, g->batch,
			    g->resend ? "resend" : "first send", opt_size,
			    strstr(resp, "\r\n\r\n") ? strstr(resp, "\r\n\r\n") + 4 : resp);
			break;
		}
		s->received += (unsigned long long)rec;
		s->stored += (unsigned long long)sto;
		s->dups += (unsigned long long)dup;
		s->lat[s->nlat++] = t1 - t0;
	}
	free(resp);
	return NULL;
}

static int
run_http(void)
{
	struct sender	 snd[MAX_SENDERS];
	struct gbuf	 gb;
	double		 t0, t1, *all;
	size_t		 nall = 0, i, k, nmine;
	unsigned long long received = 0, stored = 0, dups = 0, sends_expected = 0;
	unsigned	 t;
	int		 rc;

	resolve_target();
	if (opt_senders < 1 || opt_senders > MAX_SENDERS)
		die("-c must be 1 to %d", MAX_SENDERS);
	memset(snd, 0, sizeof(snd));
	for (t = 0; t < opt_senders; t++) {
		snd[t].id = t;
		snd[t].sched = gen_schedule(opt_seed, t, opt_senders, opt_batches,
		    opt_resend, &snd[t].nsched);
		sends_expected += snd[t].nsched;
		nmine = (opt_batches + opt_senders - 1) / opt_senders;
		if ((snd[t].bodies = calloc(nmine + 1, sizeof(struct body))) == NULL ||
		    (snd[t].lat = calloc(snd[t].nsched + 1, sizeof(double))) == NULL)
			die("out of memory");
		/* Bodies made before the clock starts: generation is not timed. */
		for (k = 0; k * opt_senders + t < opt_batches; k++) {
			memset(&gb, 0, sizeof(gb));
			gen_body(&gb, opt_seed, t, (unsigned)(k * opt_senders + t), opt_size, NULL);
			snd[t].bodies[k].p = gb.p;
			snd[t].bodies[k].len = gb.len;
		}
	}
	if ((rc = pthread_barrier_init(&start_barrier, NULL, opt_senders + 1)) != 0)
		die("pthread_barrier_init: %s", strerror(rc));
	for (t = 0; t < opt_senders; t++)
		if ((rc = pthread_create(&snd[t].th, NULL, sender_main, &snd[t])) != 0)
			die("pthread_create: %s", strerror(rc));
	(void)pthread_barrier_wait(&start_barrier);
	t0 = now_s();
	for (t = 0; t < opt_senders; t++)
		if ((rc = pthread_join(snd[t].th, NULL)) != 0)
			die("pthread_join: %s", strerror(rc));
	t1 = now_s();
	if (first_err[0] != '\0') {
		fprintf(stderr, "loadgen: %s: FAILED: %s\n", opt_label, first_err);
		return 1;
	}
	if ((all = calloc(sends_expected + 1, sizeof(double))) == NULL)
		die("out of memory");
	for (t = 0; t < opt_senders; t++) {
		for (i = 0; i < snd[t].nlat; i++)
			all[nall++] = snd[t].lat[i];
		received += snd[t].received;
		stored += snd[t].stored;
		dups += snd[t].dups;
	}
	if (nall != sends_expected || stored + dups != received) {
		fprintf(stderr, "loadgen: %s: FAILED: %zu of %llu sends answered; "
		    "stored %llu + duplicates %llu != received %llu\n", opt_label,
		    nall, sends_expected, stored, dups, received);
		return 1;
	}
	qsort(all, nall, sizeof(double), cmp_double);
	printf("RESULT label=%s size=%u senders=%u batches=%u sends=%zu events=%llu "
	    "stored=%llu duplicates=%llu wall_s=%.3f ev_per_s=%.0f p50_ms=%.2f "
	    "p99_ms=%.2f max_ms=%.2f\n", opt_label, opt_size, opt_senders,
	    opt_batches, nall, received, stored, dups, t1 - t0,
	    (double)received / (t1 - t0), pct(all, nall, 50) * 1e3,
	    pct(all, nall, 99) * 1e3, all[nall - 1] * 1e3);
	for (t = 0; t < opt_senders; t++) {
		for (k = 0; k * opt_senders + t < opt_batches; k++)
			free(snd[t].bodies[k].p);
		free(snd[t].bodies);
		free(snd[t].lat);
		free(snd[t].sched);
	}
	free(all);
	return 0;
}

/* ---- CGI ---- */

struct cgi_stat {
	double	*lat;
	long	*rss;
	long	*flt;
	double	*cpu;
	size_t	 n;
};

/* Run the binary once as CGI with the body in bodyfd; check its answer. */
static void
cgi_once(const char *conf, int bodyfd, size_t bodylen, double *secs, long *rss_kib,
    long *faults, double *cpu)
{
	char		 env_conf[4096], env_len[64], env_qs[256], out[8192];
	char		*envp[16], *argv[2];
	struct rusage	 ru;
	int		 pfd[2], st, e = 0;
	size_t		 got = 0;
	ssize_t		 r;
	pid_t		 pid;
	double		 t0, t1;
	long long	 rec, sto;

	snprintf(env_conf, sizeof(env_conf), "YESPO_HOOK_CONFIG=%s", conf);
	snprintf(env_len, sizeof(env_len), "CONTENT_LENGTH=%zu", bodylen);
	snprintf(env_qs, sizeof(env_qs), "QUERY_STRING=token=%s", opt_token);
	envp[e++] = "PATH=/usr/bin:/bin";
	envp[e++] = "GATEWAY_INTERFACE=CGI/1.1";
	envp[e++] = "REQUEST_METHOD=POST";
	envp[e++] = "SERVER_PROTOCOL=HTTP/1.1";
	envp[e++] = "SERVER_NAME=127.0.0.1";
	envp[e++] = "SERVER_PORT=80";
	envp[e++] = "REMOTE_ADDR=127.0.0.1";
	envp[e++] = "SCRIPT_NAME=/hook.cgi";
	envp[e++] = "CONTENT_TYPE=application/json";
	envp[e++] = env_len;
	envp[e++] = env_qs;
	envp[e++] = env_conf;
	envp[e] = NULL;
	argv[0] = (char *)opt_bin;
	argv[1] = NULL;
	if (lseek(bodyfd, 0, SEEK_SET) == -1)
		die("lseek: %s", strerror(errno));
	if (pipe2(pfd, O_CLOEXEC) == -1)
		die("pipe: %s", strerror(errno));
	t0 = now_s();
	if ((pid = fork()) == -1)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(bodyfd, 0) == -1 || dup2(pfd[1], 1) == -1)
			_exit(126);
		execve(opt_bin, argv, envp);
		_exit(127);
	}
	if (close(pfd[1]) == -1)
		die("close: %s", strerror(errno));
	for (;;) {
		if (got == sizeof(out) - 1)
			die("CGI answer longer than %zu bytes", sizeof(out));
		r = read(pfd[0], out + got, sizeof(out) - 1 - got);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			die("read: %s", strerror(errno));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	out[got] = '\0';
	while (wait4(pid, &st, 0, &ru) == -1)
		if (errno != EINTR)
			die("wait4: %s", strerror(errno));
	t1 = now_s();
	if (close(pfd[0]) == -1)
		die("close: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("CGI %s (config %s) exited with status %d", opt_bin, conf, st);
	rec = json_count(out, "received");
	sto = json_count(out, "stored");
	if (strstr(out, "Status: 200") == NULL || rec != (long long)opt_size || sto != rec)
		die("CGI %s (config %s): unexpected answer: %.300s", opt_bin, conf, out);
	*secs = t1 - t0;
	*rss_kib = ru.ru_maxrss;
	*faults = ru.ru_minflt + ru.ru_majflt;
	/* User + system time: less moved by other load on the host than wall time. */
	*cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
cmp_long(const void *a, const void *b)
{
	long	 x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int
run_cgi(void)
{
	struct cgi_stat	 st[MAX_CONFS];
	struct gbuf	 gb;
	FILE		*tmp;
	unsigned	 i;
	int		 c, fd;

	if (opt_bin == NULL || opt_nconf == 0)
		die("cgi needs -x BINARY and -C CONF");
	memset(st, 0, sizeof(st));
	for (c = 0; c < opt_nconf; c++)
		if ((st[c].lat = calloc(opt_batches, sizeof(double))) == NULL ||
		    (st[c].rss = calloc(opt_batches, sizeof(long))) == NULL ||
		    (st[c].flt = calloc(opt_batches, sizeof(long))) == NULL ||
		    (st[c].cpu = calloc(opt_batches, sizeof(double))) == NULL)
			die("out of memory");
	for (i = 0; i < opt_batches; i++)
		for (c = 0; c < opt_nconf; c++) {
			/* A new batch every time, so each request stores its events. */
			memset(&gb, 0, sizeof(gb));
			gen_body(&gb, opt_seed, 1000 + (unsigned)c, i, opt_size, NULL);
			if ((tmp = tmpfile()) == NULL)
				die("tmpfile: %s", strerror(errno));
			fd = fileno(tmp);
			if (write(fd, gb.p, gb.len) != (ssize_t)gb.len)
				die("write: %s", strerror(errno));
			cgi_once(opt_conf[c], fd, gb.len, &st[c].lat[i], &st[c].rss[i],
			    &st[c].flt[i], &st[c].cpu[i]);
			if (fclose(tmp) == EOF)
				die("fclose: %s", strerror(errno));
			gb_free(&gb);
			st[c].n++;
		}
	for (c = 0; c < opt_nconf; c++) {
		qsort(st[c].lat, st[c].n, sizeof(double), cmp_double);
		qsort(st[c].rss, st[c].n, sizeof(long), cmp_long);
		qsort(st[c].flt, st[c].n, sizeof(long), cmp_long);
		qsort(st[c].cpu, st[c].n, sizeof(double), cmp_double);
		printf("RESULT label=%s conf=%d size=%u requests=%zu median_ms=%.3f "
		    "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f peak_rss_kib=%ld "
		    "median_page_faults=%ld median_cpu_ms=%.3f\n", opt_label, c,
		    opt_size, st[c].n, pct(st[c].lat, st[c].n, 50) * 1e3,
		    pct(st[c].lat, st[c].n, 90) * 1e3, pct(st[c].lat, st[c].n, 99) * 1e3,
		    st[c].lat[st[c].n - 1] * 1e3, st[c].rss[st[c].n - 1],
		    st[c].flt[st[c].n / 2], pct(st[c].cpu, st[c].n, 50) * 1e3);
		free(st[c].lat);
		free(st[c].flt);
		free(st[c].cpu);
		free(st[c].rss);
	}
	return 0;
}

static int
run_dump(void)
{
	struct gbuf	 gb;
	unsigned	 statuses, k = 0, i;

	memset(&gb, 0, sizeof(gb));
	gen_body(&gb, opt_seed, opt_sender_id, opt_batch_id, opt_size, &statuses);
	if (fwrite(gb.p, 1, gb.len, stdout) != gb.len || fflush(stdout) == EOF)
		die("writing the body: %s", strerror(errno));
	for (i = 0; i < GEN_NSTATUS; i++)
		if (statuses & (1u << i))
			k++;
	fprintf(stderr, "statuses=%u bytes=%zu\n", k, gb.len);
	gb_free(&gb);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: loadgen http -p PORT -u PATH -s SIZE -n BATCHES [-c SENDERS] [-r PCT] [-S SEED] [-a ADDR] [-L LABEL]\n"
	    "       loadgen cgi -x BINARY -C CONF [-C CONF...] -n N [-s SIZE] [-S SEED] [-t TOKEN] [-L LABEL]\n"
	    "       loadgen dump -s SIZE [-S SEED] [-w SENDER] [-b BATCH] [-m MESSAGES]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char	*mode;
	int		 ch;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((ch = getopt(argc, argv, "a:b:c:C:L:m:n:p:r:s:S:t:u:w:x:")) != -1) {
		switch (ch) {
		case 'a': opt_addr = optarg; break;
		case 'b': opt_batch_id = num_arg(optarg, "-b", 1u << 27); break;
		case 'c': opt_senders = num_arg(optarg, "-c", MAX_SENDERS); break;
		case 'C':
			if (opt_nconf == MAX_CONFS)
				die("at most %d -C", MAX_CONFS);
			opt_conf[opt_nconf++] = optarg;
			break;
		case 'L': opt_label = optarg; break;
		case 'm': gen_nmessages = num_arg(optarg, "-m", 1u << 24); break;
		case 'n': opt_batches = num_arg(optarg, "-n", 1000000); break;
		case 'p': opt_port = num_arg(optarg, "-p", 65535); break;
		case 'r': opt_resend = num_arg(optarg, "-r", 100); break;
		case 's': opt_size = num_arg(optarg, "-s", 1000000); break;
		case 'S': opt_seed = strtoull(optarg, NULL, 10); break;
		case 't': opt_token = optarg; break;
		case 'u': opt_path = optarg; break;
		case 'w': opt_sender_id = num_arg(optarg, "-w", 65535); break;
		case 'x': opt_bin = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || opt_size == 0 || opt_batches == 0)
		usage();
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die("signal: %s", strerror(errno));
	if (strcmp(mode, "http") == 0)
		return run_http();
	if (strcmp(mode, "cgi") == 0)
		return run_cgi();
	if (strcmp(mode, "dump") == 0)
		return run_dump();
	usage();
	return 2;
}

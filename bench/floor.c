/*
 * floor.c: the floor of the benchmark.
 *
 *   floor -d DIR -s SIZE -n BATCHES [-c SENDERS] [-r PCT] [-S SEED]
 *         (-y SYNCS | -e EXTRA) [-L LABEL]
 *
 * The same batches and sending order as "loadgen http" with the same
 * options (gen.h), but no HTTP and no parsing: the output bytes of each
 * batch (the archive's JSON lines and the per-status CSV rows, formatted
 * before the clock starts) are appended to DIR/archive.jsonl and
 * DIR/STATUS.csv under an flock, with as many fdatasyncs per batch as
 * yespo-hook makes for it (counted with strace by bench/run): with -y,
 * SYNCS in all; with -e, one per file written plus EXTRA.  The syncs go to
 * the archive first, then to each CSV file written, and any left over each
 * follow a 64-byte append to DIR/meta (standing for the index, summaries
 * and checkpoints), so every fdatasync has data to flush.  A resent batch
 * writes nothing, as yespo-hook writes nothing for a batch of duplicates.
 * SENDERS threads each take their share of the batches as loadgen does.
 * Prints one RESULT line.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#define TOOL_NAME "floor"
#include "tool.h"

#define MAX_SENDERS	64

static const char	*opt_dir, *opt_label = "floor";
static unsigned		 opt_size = 1, opt_batches = 1, opt_senders = 1, opt_resend = 10;
static int		 opt_extra = -1, opt_syncs = -1;
static uint64_t		 opt_seed = 20250101;
static char		 stamp[32];

static void
write_all(int fd, const char *p, size_t n, const char *what)
{
	ssize_t	 w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			die("write %s: %s", what, strerror(errno));
		}
		if (w == 0)
			die("write %s: wrote nothing", what);
		p += w;
		n -= (size_t)w;
	}
}

static void
datasync(int fd, const char *what)
{
	while (fdatasync(fd) == -1)
		if (errno != EINTR)
			die("fdatasync %s: %s", what, strerror(errno));
}

static int
open_file(const char *name, int flags)
{
	char	 path[PATH_MAX];
	int	 fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", opt_dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		die("path too long: %s/%s", opt_dir, name);
	if ((fd = open(path, flags | O_CLOEXEC, 0600)) == -1)
		die("open %s: %s", path, strerror(errno));
	return fd;
}

/* The formatted output of one batch. */
struct out {
	struct gbuf	 lines;
	struct gbuf	 rows[GEN_NSTATUS];
};

struct sender {
	pthread_t	 th;
	unsigned	 id;
	struct gsend	*sched;
	size_t		 nsched;
	struct out	*outs;
	double		*lat;
	size_t		 nlat;
	unsigned long long events, syncs, bytes;
	int		 lockfd, arcfd, metafd, csvfd[GEN_NSTATUS];
};

static pthread_barrier_t	 start_barrier;

static void *
sender_main(void *arg)
{
	static const char	 meta[64] = "floor meta record: stands for index, summary, checkpoint\n";
	struct sender		*s = arg;
	size_t			 i;
	double			 t0;
	int			 k, x;

	(void)pthread_barrier_wait(&start_barrier);
	for (i = 0; i < s->nsched; i++) {
		const struct gsend *g = &s->sched[i];
		const struct out *o = &s->outs[g->batch / opt_senders];

		t0 = now_s();
		s->events += opt_size;
		if (!g->resend) {
			int budget = opt_syncs;

			if (budget < 0) {
				budget = 1 + opt_extra;
				for (k = 0; k < GEN_NSTATUS; k++)
					budget += o->rows[k].len > 0;
			}
			while (flock(s->lockfd, LOCK_EX) == -1)
				if (errno != EINTR)
					die("flock: %s", strerror(errno));
			write_all(s->arcfd, o->lines.p, o->lines.len, "archive.jsonl");
			s->bytes += o->lines.len;
			if (budget > 0) {
				datasync(s->arcfd, "archive.jsonl");
				s->syncs++;
				budget--;
			}
			for (k = 0; k < GEN_NSTATUS; k++) {
				if (o->rows[k].len == 0)
					continue;
				write_all(s->csvfd[k], o->rows[k].p, o->rows[k].len, gen_status[k]);
				s->bytes += o->rows[k].len;
				if (budget > 0) {
					datasync(s->csvfd[k], gen_status[k]);
					s->syncs++;
					budget--;
				}
			}
			for (x = 0; x < budget; x++) {
				write_all(s->metafd, meta, sizeof(meta), "meta");
				datasync(s->metafd, "meta");
				s->syncs++;
				s->bytes += sizeof(meta);
			}
			if (flock(s->lockfd, LOCK_UN) == -1)
				die("flock: %s", strerror(errno));
		}
		s->lat[s->nlat++] = now_s() - t0;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct sender	 snd[MAX_SENDERS];
	struct gev	 e;
	char		 name[64];
	double		 t0, t1, *all;
	size_t		 nall = 0, i, k, nmine, total = 0;
	unsigned long long events = 0, syncs = 0, bytes = 0, firsts = 0;
	unsigned	 t, j;
	time_t		 now;
	struct tm	 tm;
	int		 ch, rc, st, fd;

	while ((ch = getopt(argc, argv, "c:d:e:L:n:r:s:S:y:")) != -1) {
		switch (ch) {
		case 'c': opt_senders = num_arg(optarg, "-c", MAX_SENDERS); break;
		case 'd': opt_dir = optarg; break;
		case 'e': opt_extra = (int)num_arg(optarg, "-e", 1000); break;
		case 'y': opt_syncs = (int)num_arg(optarg, "-y", 1000); break;
		case 'L': opt_label = optarg; break;
		case 'n': opt_batches = num_arg(optarg, "-n", 1000000); break;
		case 'r': opt_resend = num_arg(optarg, "-r", 100); break;
		case 's': opt_size = num_arg(optarg, "-s", 1000000); break;
		case 'S': opt_seed = strtoull(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: floor -d DIR -s SIZE -n BATCHES (-y SYNCS | -e EXTRA) "
			    "[-c SENDERS] [-r PCT] [-S SEED] [-L LABEL]\n");
			return 2;
		}
	}
	if (opt_dir == NULL || (opt_extra < 0) == (opt_syncs < 0) || optind != argc ||
	    opt_senders < 1)
		die("need -d DIR and one of -y SYNCS, -e EXTRA (see the comment at the top)");
	if (mkdir(opt_dir, 0700) == -1 && errno != EEXIST)
		die("mkdir %s: %s", opt_dir, strerror(errno));
	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		die("cannot format the time");
	/* Headers first, as yespo-hook's first batch of the day writes them. */
	for (st = 0; st < GEN_NSTATUS; st++) {
		snprintf(name, sizeof(name), "%s.csv", gen_status[st]);
		fd = open_file(name, O_WRONLY | O_CREAT | O_TRUNC);
		write_all(fd, "receivedAt,...header...\r\n", 25, name);
		if (close(fd) == -1)
			die("close: %s", strerror(errno));
	}
	memset(snd, 0, sizeof(snd));
	for (t = 0; t < opt_senders; t++) {
		snd[t].id = t;
		snd[t].sched = gen_schedule(opt_seed, t, opt_senders, opt_batches,
		    opt_resend, &snd[t].nsched);
		nmine = (opt_batches + opt_senders - 1) / opt_senders;
		if ((snd[t].outs = calloc(nmine + 1, sizeof(struct out))) == NULL ||
		    (snd[t].lat = calloc(snd[t].nsched + 1, sizeof(double))) == NULL)
			die("out of memory");
		for (k = 0; k * opt_senders + t < opt_batches; k++) {
			for (j = 0; j < opt_size; j++) {
				gen_event(&e, opt_seed, t, (unsigned)(k * opt_senders + t), j);
				gen_line(&snd[t].outs[k].lines, &e, stamp);
				gen_row(&snd[t].outs[k].rows[e.status], &e, stamp);
			}
		}
		for (i = 0; i < snd[t].nsched; i++)
			if (!snd[t].sched[i].resend)
				firsts++;
		snd[t].lockfd = open_file("lock", O_RDWR | O_CREAT);
		snd[t].arcfd = open_file("archive.jsonl", O_WRONLY | O_APPEND | O_CREAT);
		snd[t].metafd = open_file("meta", O_WRONLY | O_APPEND | O_CREAT);
		for (st = 0; st < GEN_NSTATUS; st++) {
			snprintf(name, sizeof(name), "%s.csv", gen_status[st]);
			snd[t].csvfd[st] = open_file(name, O_WRONLY | O_APPEND);
		}
		total += snd[t].nsched;
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
	if ((all = calloc(total + 1, sizeof(double))) == NULL)
		die("out of memory");
	for (t = 0; t < opt_senders; t++) {
		for (i = 0; i < snd[t].nlat; i++)
			all[nall++] = snd[t].lat[i];
		events += snd[t].events;
		syncs += snd[t].syncs;
		bytes += snd[t].bytes;
		if (close(snd[t].lockfd) == -1 || close(snd[t].arcfd) == -1 ||
		    close(snd[t].metafd) == -1)
			die("close: %s", strerror(errno));
		for (st = 0; st < GEN_NSTATUS; st++)
			if (close(snd[t].csvfd[st]) == -1)
				die("close: %s", strerror(errno));
	}
	qsort(all, nall, sizeof(double), cmp_double);
	printf("RESULT label=%s size=%u senders=%u batches=%u sends=%zu events=%llu "
	    "wall_s=%.3f ev_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
	    "syncs_per_batch=%.2f bytes_per_batch=%.0f\n", opt_label, opt_size,
	    opt_senders, opt_batches, nall, events, t1 - t0,
	    (double)events / (t1 - t0), pct(all, nall, 50) * 1e3,
	    pct(all, nall, 99) * 1e3, all[nall - 1] * 1e3,
	    firsts ? (double)syncs / (double)firsts : 0.0,
	    firsts ? (double)bytes / (double)firsts : 0.0);
	free(all);
	return 0;
}

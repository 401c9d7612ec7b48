/*
 * hook.c: on_commit.  The worker forks a supervisor and goes back to its
 * requests; the supervisor holds the hook lock (an OFD lock, so it stays
 * with the open file description the supervisor inherited) while it runs
 * the command in a process group of its own, kills the group at the
 * time-out, and runs it again while starts arrived meanwhile.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "fsio.h"
#include "hook.h"
#include "spool.h"
#include "util.h"

extern char **environ;

static char path_default[] = "PATH=/usr/local/bin:/usr/bin:/bin";

/* Runs in a row at most, however many starts arrive meanwhile. */
#define MAX_RUNS	100

struct hook {
	const struct conf	*cf;
	char			 again[PATH_MAX];	/* a start arrived meanwhile */
	char			 failed[PATH_MAX];	/* the last failure */
};

static void
record_failure(const struct hook *h, const char *why)
{
	char	 line[512], stamp[21];
	int	 n;

	ut_utc_stamp(time(NULL), stamp);
	ut_log("on_commit \"%s\": %s", h->cf->on_commit, why);
	n = snprintf(line, sizeof(line), "%s %s\n", stamp, why);
	(void)fio_unlink(h->failed);
	if (n > 0 && (size_t)n < sizeof(line)) {
		int fd = fio_open(h->failed, O_WRONLY | O_CREAT | O_EXCL, 0600);

		if (fd != -1) {
			(void)fio_write(fd, line, (size_t)n);
			(void)fio_close(fd);
		}
	}
}

/*
 * After a run that worked, mark the last failure as past ("ok STAMP"
 * after its line), once, so --status stops calling it current.  Costs a
 * failed open when nothing ever failed.
 */
static void
record_success(const struct hook *h)
{
	char	*text, line[32], stamp[21];
	size_t	 len;
	int	 fd, n;

	if (fio_slurp(h->failed, &text, &len) == -1)
		return;
	if (strstr(text, "\nok ") == NULL) {
		ut_utc_stamp(time(NULL), stamp);
		n = snprintf(line, sizeof(line), "ok %s\n", stamp);
		if ((fd = fio_open(h->failed, O_WRONLY | O_APPEND, 0)) == -1 ||
		    fio_write(fd, line, (size_t)n) == -1)
			ut_log_errno("on_commit: recording its success", h->failed);
		if (fd != -1 && fio_close(fd) == -1)
			ut_log_errno("on_commit: recording its success", h->failed);
	}
	free(text);
}

/*
 * The command's environment: a few of the worker's own variables and the
 * config, never the request's meta-variables (RFC 3875 section 4.1): they
 * hold its credentials, and GATEWAY_INTERFACE would make yespo-hook in the
 * command take itself for a CGI program.
 */
static void
make_env(const struct hook *h, char **env, char *cfg, size_t cfglen)
{
	static const char *const keep[] = { "PATH=", "HOME=", "LANG=", "LC_ALL=", "TMPDIR=", "TZ=" };
	char	**e;
	size_t	  i, n = 0;

	for (e = environ; *e != NULL; e++)
		for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (strncmp(*e, keep[i], strlen(keep[i])) == 0)
				env[n++] = *e;
	if (getenv("PATH") == NULL)
		env[n++] = path_default;
	snprintf(cfg, cfglen, "YESPO_HOOK_CONFIG=%s", h->cf->path);
	env[n++] = cfg;
	env[n] = NULL;
}

/* In the child: the command, with nothing of the worker's but stderr. */
static void
exec_command(const struct hook *h)
{
	struct rlimit	 rl;
	char		*env[8], cfg[PATH_MAX + 32];
	int		 fd, nul;

	(void)setpgid(0, 0);
	if ((nul = open("/dev/null", O_RDWR)) == -1 ||
	    dup2(nul, STDIN_FILENO) == -1 || dup2(nul, STDOUT_FILENO) == -1)
		_exit(127);
	/* The FastCGI socket, the lock and the rest stay with yespo-hook. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (fd = STDERR_FILENO + 1; fd < (int)rl.rlim_cur; fd++)
		(void)close(fd);
	(void)signal(SIGPIPE, SIG_DFL);
	make_env(h, env, cfg, sizeof(cfg));
	execle("/bin/sh", "sh", "-c", h->cf->on_commit, (char *)NULL, env);
	_exit(127);
}

/* Run the command once, killing its group at the time-out: 0, or -1 (recorded). */
static int
run_once(const struct hook *h)
{
	struct timespec	 nap = { 0, 100000000L };
	char		 why[128];
	pid_t		 pid, r;
	long		 waited = 0;
	int		 status;

	if ((pid = fork()) == -1) {
		record_failure(h, "fork failed");
		return -1;
	}
	if (pid == 0)
		exec_command(h);
	(void)setpgid(pid, pid);
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 &&
	    waited < HK_TIMEOUT_SECONDS * 10L) {
		(void)nanosleep(&nap, NULL);
		waited++;
	}
	if (r == 0) {
		(void)kill(-pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		snprintf(why, sizeof(why), "killed after %d s", HK_TIMEOUT_SECONDS);
		record_failure(h, why);
		return -1;
	}
	if (r == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (r != -1 && WIFEXITED(status))
			snprintf(why, sizeof(why), "exited %d", WEXITSTATUS(status));
		else if (r != -1 && WIFSIGNALED(status))
			snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
		else
			snprintf(why, sizeof(why), "lost: %s", strerror(errno));
		record_failure(h, why);
		return -1;
	}
	record_success(h);
	return 0;
}

/*
 * The supervisor: run while starts keep arriving.  A start that found the
 * lock held left the again mark; one that came after the last look but
 * before the lock went is caught by a look after letting go.
 */
static void
supervise(const struct hook *h, const char *lock, int fd)
{
	int	 runs, nul, high;

	(void)setsid();
	/* A lock on a standard descriptor's number would go with it below. */
	if (fd <= STDERR_FILENO) {
		if ((high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) == -1)
			_exit(1);
		(void)close(fd);
		fd = high;
	}
	/*
	 * Standard input is a FastCGI worker's listening socket, standard
	 * output a CGI's answer: neither stays open here.  A CGI's standard
	 * error is a pipe the web server reads to its end, so it goes too;
	 * failures are in hook.failed either way.
	 */
	if ((nul = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(nul, STDIN_FILENO);
		(void)dup2(nul, STDOUT_FILENO);
		if (getenv("GATEWAY_INTERFACE") != NULL)
			(void)dup2(nul, STDERR_FILENO);
		if (nul > STDERR_FILENO)
			(void)close(nul);
	}
	for (runs = 0; runs < MAX_RUNS; runs++) {
		(void)fio_unlink(h->again);
		(void)run_once(h);
		if (access(h->again, F_OK) == 0)
			continue;
		(void)close(fd);
		if (access(h->again, F_OK) == -1 ||
		    (fd = fio_open(lock, O_RDWR | O_CLOEXEC, 0)) == -1 ||
		    fio_trylock(fd, 0) == -1)
			break;
	}
	_exit(0);
}

int
hk_start(const struct conf *cf, const struct spool *sp)
{
	struct hook	 h;
	char		 lock[PATH_MAX];
	pid_t		 pid;
	int		 fd, status, rc = -1;

	if (cf->on_commit == NULL)
		return 0;
	h.cf = cf;
	if (ut_path(lock, sizeof(lock), "%s/hook.lock", sp->views) == -1 ||
	    ut_path(h.again, sizeof(h.again), "%s/hook.again", sp->views) == -1 ||
	    ut_path(h.failed, sizeof(h.failed), "%s/hook.failed", sp->views) == -1 ||
	    (fd = fio_open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (fio_trylock(fd, 0) == -1) {
		if (errno != EAGAIN && errno != EACCES)
			goto out;
		/* One runs: it runs the command once more when it ends. */
		if ((status = fio_open(h.again, O_WRONLY | O_CREAT, 0600)) == -1)
			goto out;
		rc = fio_close(status);
		goto out;
	}
	/* Twice forked, so the worker reaps at once and the supervisor has no parent to wait for it. */
	if ((pid = fork()) == -1)
		goto out;
	if (pid == 0) {
		if (fork() == 0)
			supervise(&h, lock, fd);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	rc = 0;
out:
	/* The supervisor holds the lock through its own descriptor. */
	(void)fio_close(fd);
	return rc;
}

/*
 * test_spool.c: the spool's layout and its writer lock.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "spool.h"
#include "test.h"

/* sp_open makes the subdirectories, 0700. */
static int
open_makes_subdirectories(void)
{
	struct spool	 sp;
	struct stat	 st;
	const char	*dir = test_tmpdir();
	char		 err[256], path[4200];
	size_t		 i;

	CHECK(dir != NULL);
	CHECK(sp_open(&sp, dir, err, sizeof(err)) == 0);
	for (i = 0; sp_subdirs[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sp_subdirs[i]);
		CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
		CHECK((st.st_mode & 0777) == 0700);
	}
	return 0;
}

/* A spool_dir that is no directory is refused with a line that says what to do. */
static int
open_refuses_missing_spool(void)
{
	struct spool	 sp;
	char		 err[256];

	CHECK(sp_open(&sp, "/nonexistent/yh-spool", err, sizeof(err)) == -1);
	CHECK(strstr(err, "/nonexistent/yh-spool") != NULL);
	CHECK(strstr(err, "mkdir") != NULL);
	return 0;
}

/* A held lock makes a second taker wait its time out, then ETIMEDOUT. */
static int
lock_wait_times_out(void)
{
	struct spool	 a, b;
	const char	*dir = test_tmpdir();
	char		 err[256];

	CHECK(dir != NULL);
	CHECK(sp_open(&a, dir, err, sizeof(err)) == 0);
	CHECK(sp_open(&b, dir, err, sizeof(err)) == 0);
	CHECK(sp_lock(&a, 1000) == 0);
	CHECK(sp_lock(&b, 50) == -1 && errno == ETIMEDOUT);
	sp_unlock(&a);
	CHECK(sp_lock(&b, 50) == 0);
	sp_unlock(&b);
	return 0;
}

/* A waiter gets the lock when its holder lets go, long before its time-out. */
static int
lock_passes_on_release(void)
{
	struct spool	 a, b;
	const char	*dir = test_tmpdir();
	char		 err[256];
	pid_t		 pid;
	int		 status, ready[2];
	char		 c;

	CHECK(dir != NULL && pipe(ready) == 0);
	CHECK(sp_open(&a, dir, err, sizeof(err)) == 0);
	if ((pid = fork()) == 0) {
		/* The holder: takes the lock, says so, dies (the kernel lets go). */
		if (sp_lock(&a, 1000) != 0)
			_exit(1);
		(void)write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	CHECK(pid > 0 && read(ready[0], &c, 1) == 1);
	CHECK(sp_open(&b, dir, err, sizeof(err)) == 0);
	CHECK(sp_lock(&b, 1) == -1 && errno == ETIMEDOUT);
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid);
	/* Far longer than the wait needs; the holder is gone. */
	CHECK(sp_lock(&b, 60000) == 0);
	sp_unlock(&b);
	return 0;
}

/* A shared lock on a spool no writer ever ran in takes nothing and makes nothing. */
static int
read_lock_without_lock_file(void)
{
	struct spool	 sp;
	struct stat	 st;
	const char	*dir = test_tmpdir();
	char		 err[256], path[4200];

	CHECK(dir != NULL);
	CHECK(sp_look(&sp, dir, err, sizeof(err)) == 0);
	CHECK(sp_lock_read(&sp, 50) == 0);
	sp_unlock(&sp);
	snprintf(path, sizeof(path), "%s/lock", dir);
	CHECK(stat(path, &st) == -1 && errno == ENOENT);
	return 0;
}

/* views/current: none at first, then the day written last. */
static int
current_day_round_trip(void)
{
	struct spool	 sp;
	const char	*dir = test_tmpdir();
	char		 err[256];
	int		 day;

	CHECK(dir != NULL);
	CHECK(sp_open(&sp, dir, err, sizeof(err)) == 0);
	CHECK(sp_current_day(&sp, &day) == 0 && day == -1);
	CHECK(sp_set_current_day(&sp, 20000) == 0);
	CHECK(sp_current_day(&sp, &day) == 0 && day == 20000);
	return 0;
}

static const struct test tests[] = {
	T(open_makes_subdirectories),
	T(open_refuses_missing_spool),
	T(lock_wait_times_out),
	T(lock_passes_on_release),
	T(read_lock_without_lock_file),
	T(current_day_round_trip),
};

TEST_MAIN(tests)

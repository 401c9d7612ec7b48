/*
 * hook.h: on_commit, the command run after a batch's answer has gone out,
 * for a loader that feeds the events on with --tail and --ack.
 */
#ifndef YH_HOOK_H
#define YH_HOOK_H

struct conf;
struct spool;

/* How long the command may run before it is killed. */
#define HK_TIMEOUT_SECONDS	600

/*
 * Start cf->on_commit in the background, detached, and return at once: at
 * most one runs per spool; a start while one runs makes that one run the
 * command once more when it ends, so no commit goes unseen.  The command
 * runs with YESPO_HOOK_CONFIG set, standard input from /dev/null and
 * standard error where the process's goes; a failure or a time-out is
 * logged and recorded in views/hook.failed (time and reason), and the
 * next run that works adds "ok" and its time after it (--status).
 * Returns 0, or -1 with errno when it could not be started.
 */
int	 hk_start(const struct conf *, const struct spool *);

#endif

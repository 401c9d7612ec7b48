/*
 * conf.h: the configuration file (libconfig syntax), yespo-hook.conf(5).
 */
#ifndef YH_CONF_H
#define YH_CONF_H

#include <stddef.h>
#include <stdint.h>

struct conf_net {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 addr[16];	/* network address, host bits cleared */
	int		 prefix;	/* prefix length in bits */
};

/* One basic_auth group: a user and password that pass. */
struct conf_basic {
	char		*user;
	char		*password;
};

struct conf {
	char		*path;		/* the file it came from */
	char		*spool_dir;
	char		*csv_dir;	/* default <spool_dir>/csv */
	char		**token;	/* the tokens that pass (rotation: any one) */
	size_t		 ntoken;	/* 0 when token is not configured */
	struct conf_basic *basic_auth;	/* the groups that pass (rotation: any one) */
	size_t		 nbasic_auth;	/* 0 when basic_auth is not configured */
	struct conf_net	*allow_from;	/* NULL when not configured */
	size_t		 nallow_from;
	int		 allow_anonymous;
	int64_t		 max_body_bytes;	/* default 64 MiB */
	int		 dedup_window_days;	/* default 45 */
	char		*timezone;	/* "UTC" or an IANA name */
	int		 csv_formula_guard;	/* default 1 */
	int		 max_status_files;	/* STATUS files a day before OTHER; default 64 */
	int64_t		 quarantine_max_bytes;	/* default 1 GiB */
	int		 xlsx;		/* default 1: a workbook per closed day */
	char		*on_commit;	/* NULL, or a command run after a batch's answer */
	int		 archive_compress;	/* default 1: closed days become .jsonl.gz */
	int		 retention_days;	/* default 0: keep for ever */
	long long	 summary_refresh_seconds;	/* default 60; 0: every batch */
	int		 lock_wait_ms;	/* not a file key: a writer's wait for the spool lock */
};

/*
 * Load and validate the file at path.  Returns 0, or -1 with a one-line
 * message in err naming the file, the key and its line, and what to do.
 * On error c holds nothing to free.
 */
int	 conf_load(const char *path, struct conf *c, char *err, size_t errlen);
void	 conf_free(struct conf *);

/*
 * A body longer than this many times max_body_bytes is no Yespo batch
 * (endless input, a stream from elsewhere): it is refused, not quarantined.
 */
#define ING_CAP		4

/*
 * Advice on a loaded config that works but is weak: a token shorter than
 * CONF_TOKEN_MIN characters, or holding a character that must be escaped
 * in a URL.  Looks at the tokens from *at on: returns 1 with one line
 * about the first weak one (the token not in it) in msg and *at past it,
 * or 0 when none is left.  Call it until it returns 0.
 */
#define CONF_TOKEN_MIN	16
int	 conf_advice(const struct conf *, size_t *at, char *msg, size_t msglen);

/*
 * Choose the config file (yespo-hook(8), ENVIRONMENT): cli when not NULL, else env when not NULL
 * and not empty, else "yespo-hook.conf" in the parent of the directory that
 * holds the running binary.  The binary is found by /proc/self/exe, or
 * where /proc is not mounted by program (SCRIPT_FILENAME, else argv[0];
 * NULL when unknown).  Writes the path to buf; returns buf, or NULL when
 * no path could be made (err says why and what to do).
 */
char	*conf_locate(const char *cli, const char *env, const char *program,
	    char *buf, size_t len, char *err, size_t errlen);

/*
 * Locate (as conf_locate), load and check the config, and set the
 * process's zone to its timezone for receipt days.  Returns 0, or -1 with
 * one line in err; on error c holds nothing to free.
 */
int	 conf_open(const char *cli, const char *env, const char *program,
	    struct conf *c, char *err, size_t errlen);

/* Set the process's zone to the configured one, for receipt days. */
void	 conf_use_timezone(const struct conf *);

#endif

/*
 * util.h: numbers, days and hashing shared by every layer.
 */
#ifndef YH_UTIL_H
#define YH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Parse a decimal integer in [min, max], the whole string and nothing else
 * (no sign unless min < 0, no spaces).  Returns the value; on error returns 0
 * and sets *why to "invalid", "too small" or "too large", else *why = NULL.
 */
long long	 ut_strtonum(const char *s, long long min, long long max,
		    const char **why);

/*
 * snprintf for paths: 0, or -1 with errno ENAMETOOLONG instead of a
 * truncated name.
 */
int		 ut_path(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

/* Days since 1970-01-01 of a civil date, and back. */
int		 ut_days_from_civil(int y, int m, int d);
void		 ut_civil_from_days(int days, int *y, int *m, int *d);

/* "YYYY-MM-DD" for a day number; buf holds at least 11 bytes. */
void		 ut_format_day(int day, char *buf);
/* The day number of "YYYY-MM-DD" (exactly), or -1. */
int		 ut_parse_day(const char *s);

/*
 * The receipt day of t in the process's zone, as a day number.  The front
 * end sets TZ from the config first, never leaving the host's own zone.
 */
int		 ut_local_day(time_t t);
/* qsort/bsearch order of two ints: <0, 0 or >0. */
int		 ut_cmp_int(const void *a, const void *b);

/* "YYYY-MM-DDTHH:MM:SSZ" in UTC; buf holds at least 21 bytes. */
void		 ut_utc_stamp(time_t t, char *buf);

/*
 * This boot's id (/proc/sys/kernel/random/boot_id), read once; "" when the
 * kernel does not say.
 */
const char	*ut_boot_id(void);

/*
 * The effective user, as messages name it: uid 1001 "anna", and with group
 * set also gid 1001 "anna".  Names come from /etc/passwd and /etc/group
 * (no NSS module is loaded); a name not found there is left out.
 */
void		 ut_whoami(char *buf, size_t len, int group);

/* SipHash-2-4 with a 128-bit result, fed in pieces. */
struct ut_hash {
	uint64_t	 v[4];
	uint64_t	 tail;
	size_t		 total;
};
void		 ut_hash_init(struct ut_hash *);
void		 ut_hash_update(struct ut_hash *, const void *, size_t);
void		 ut_hash_final(struct ut_hash *, uint64_t out[2]);

/*
 * A growable byte buffer; on allocation failure it stays as it was and
 * ut_buf_add returns -1.  ut_buf_add with NULL data only reserves the bytes.
 */
struct ut_buf {
	char	*p;
	size_t	 len, cap;
};
int		 ut_buf_add(struct ut_buf *, const void *, size_t);
int		 ut_buf_addc(struct ut_buf *, char);
void		 ut_buf_free(struct ut_buf *);

/*
 * One line to the log (standard error: the web server's error log, or the
 * terminal), "yespo-hook: " first and a newline added.  Messages name the
 * operation, the path and the error, and a day as YYYY-MM-DD.
 */
void		 ut_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ut_log of "OP[ PATH]: the error in errno". */
void		 ut_log_errno(const char *op, const char *path);
/*
 * Forget the first line logged; ut_log_first then returns the first line
 * ut_log wrote since (at most 255 bytes, "" when none): the cause of a
 * failure, for a record such as the last 503 (yespo-hook(8), --status).
 */
void		 ut_log_mark(void);
const char	*ut_log_first(void);

/*
 * A duration such as "90s", "30m", "6h" or "2d" (a positive number and
 * one unit, at most ten years) in seconds, or -1 when s is no such thing.
 */
long long	 ut_parse_duration(const char *s);

/*
 * The progress line of long work on stderr (--rebuild, --verify,
 * --export, --erase): days done of all and events per second, rewritten
 * in place with \r, and only when stderr is a terminal: nothing at all
 * goes to a file or a pipe.
 */
struct ut_progress {
	const char	*what;		/* the command, as the line names it */
	size_t		 days;		/* all the days of the work */
	double		 start, last;	/* monotonic seconds: begun, last shown */
	int		 on;		/* stderr is a terminal */
	int		 shown;		/* a line is on the screen */
};
void		 ut_progress_start(struct ut_progress *, const char *what, size_t days);
/* done days of all are done, events events so far: show it (a few times a second at most). */
void		 ut_progress_show(struct ut_progress *, size_t done, unsigned long long events);
/* End the line shown, if any, with a newline. */
void		 ut_progress_end(struct ut_progress *);
/* Wipe the line shown, if any, so other output starts in its place; the next show draws it again. */
void		 ut_progress_clear(struct ut_progress *);

/*
 * One RFC 4180 field at *pp (before end): sets f and n to its text with
 * the enclosing quotes removed (doubled quotes inside stay doubled) and
 * moves *pp past its separator.  Returns ',' or '\n' for what ended it,
 * 0 at the end of the text.
 */
int		 ut_csv_field(const char **pp, const char *end, const char **f, size_t *n);

#endif

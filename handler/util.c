/*
 * util.c: numbers, days and hashing.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

long long
ut_strtonum(const char *s, long long min, long long max, const char **why)
{
	long long	 v = 0;
	int		 neg = 0, digits = 0;

	*why = "invalid";
	if (*s == '-' && min < 0) {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		int d = *s - '0';

		if (v > (LLONG_MAX - d) / 10) {
			*why = neg ? "too small" : "too large";
			return 0;
		}
		v = v * 10 + d;
	}
	if (digits == 0 || *s != '\0')
		return 0;
	if (neg)
		v = -v;
	if (v < min) {
		*why = "too small";
		return 0;
	}
	if (v > max) {
		*why = "too large";
		return 0;
	}
	*why = NULL;
	return v;
}

/* Howard Hinnant's civil-day algorithms: exact for the proleptic Gregorian calendar. */
int
ut_days_from_civil(int y, int m, int d)
{
	int		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int)doe - 719468;
}

void
ut_civil_from_days(int z, int *y, int *m, int *d)
{
	int		 era;
	unsigned	 doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

int
ut_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Write v as exactly n decimal digits. */
static char *
put_digits(char *p, unsigned v, int n)
{
	int	 i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void
ut_format_day(int day, char *buf)
{
	int	 y, m, d;
	char	*p = buf;

	ut_civil_from_days(day, &y, &m, &d);
	p = put_digits(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)m, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)d, 2);
	*p = '\0';
}

int
ut_parse_day(const char *s)
{
	int	 y, m, d, i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return -1;
		} else if (s[i] < '0' || s[i] > '9')
			return -1;
	}
	if (s[10] != '\0')
		return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return ut_days_from_civil(y, m, d);
}

int
ut_local_day(time_t t)
{
	struct tm	 tm;

	if (localtime_r(&t, &tm) == NULL)
		return ut_days_from_civil(1970, 1, 1);
	return ut_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int
ut_cmp_int(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

void
ut_utc_stamp(time_t t, char *buf)
{
	struct tm	 tm;

	char		*p;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	ut_format_day(ut_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday), buf);
	p = buf + 10;
	*p++ = 'T';
	p = put_digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = 'Z';
	*p = '\0';
}

const char *
ut_boot_id(void)
{
	static char	 id[40];
	static int	 done;
	FILE		*f;
	size_t		 n;

	if (!done) {
		done = 1;
		if ((f = fopen("/proc/sys/kernel/random/boot_id", "re")) != NULL) {
			n = fread(id, 1, sizeof(id) - 1, f);
			id[n] = '\0';
			id[strcspn(id, "\n")] = '\0';
			if (strlen(id) != 36)
				id[0] = '\0';
			fclose(f);
		}
	}
	return id;
}

/* The name of id in a file of "name:x:id:..." lines (/etc/passwd, /etc/group), or "". */
static void
name_of(const char *file, unsigned long id, char *buf, size_t len)
{
	FILE		*f;
	char		 line[1024], *p, *q, *end;

	buf[0] = '\0';
	if ((f = fopen(file, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((p = strchr(line, ':')) == NULL || (q = strchr(p + 1, ':')) == NULL)
			continue;
		if (strtoul(q + 1, &end, 10) != id || end == q + 1 || *end != ':')
			continue;
		/* A name longer than buf is cut short; it only labels a message. */
		if ((size_t)(p - line) + 4 > len)
			p = line + len - 4;
		*p = '\0';
		snprintf(buf, len, " \"%.*s\"", (int)(len - 4), line);
		break;
	}
	fclose(f);
}

void
ut_whoami(char *buf, size_t len, int group)
{
	char		 user[80], grp[80];
	unsigned long	 uid = (unsigned long)geteuid(), gid = (unsigned long)getegid();

	name_of("/etc/passwd", uid, user, sizeof(user));
	if (!group) {
		snprintf(buf, len, "uid %lu%s", uid, user);
		return;
	}
	name_of("/etc/group", gid, grp, sizeof(grp));
	snprintf(buf, len, "uid %lu%s, gid %lu%s", uid, user, gid, grp);
}

/*
 * SipHash-2-4, 128-bit output (Aumasson and Bernstein).  The key is fixed:
 * the index must be rebuildable from the archive alone, and senders are
 * authorised, so collision resistance against chosen input is not needed.
 */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v) do {						\
	v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];		\
	v[0] = ROTL(v[0], 32);						\
	v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];		\
	v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];		\
	v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];		\
	v[2] = ROTL(v[2], 32);						\
} while (0)

static const uint64_t hash_k0 = 0x796573706f2d686fULL;	/* "yespo-ho" */
static const uint64_t hash_k1 = 0x6f6b2d6576656e74ULL;	/* "ok-event" */

static void
compress_word(struct ut_hash *h, uint64_t m)
{
	h->v[3] ^= m;
	SIPROUND(h->v);
	SIPROUND(h->v);
	h->v[0] ^= m;
}

void
ut_hash_init(struct ut_hash *h)
{
	h->v[0] = hash_k0 ^ 0x736f6d6570736575ULL;
	h->v[1] = hash_k1 ^ 0x646f72616e646f6dULL ^ 0xee;
	h->v[2] = hash_k0 ^ 0x6c7967656e657261ULL;
	h->v[3] = hash_k1 ^ 0x7465646279746573ULL;
	h->tail = 0;
	h->total = 0;
}

/* The n < 8 bytes at p as the low bytes of a word. */
static uint64_t
load_tail(const unsigned char *p, size_t n)
{
	uint64_t	 m = 0;

	while (n-- > 0)
		m = m << 8 | p[n];
	return m;
}

void
ut_hash_update(struct ut_hash *h, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 off = h->total & 7, k;
	uint64_t		 m;

	h->total += len;
	/* The tail holds off bytes: fill it to a word before whole words. */
	if (off != 0) {
		k = len < 8 - off ? len : 8 - off;
		h->tail |= load_tail(p, k) << (8 * off);
		if (off + k < 8)
			return;
		compress_word(h, h->tail);
		p += k;
		len -= k;
	}
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&m, p, 8);	/* little-endian hosts only, as Debian amd64/arm64 */
		compress_word(h, m);
	}
	h->tail = load_tail(p, len);
}

void
ut_hash_final(struct ut_hash *h, uint64_t out[2])
{
	int	 i;

	compress_word(h, h->tail | ((uint64_t)h->total << 56));
	h->v[2] ^= 0xee;
	for (i = 0; i < 4; i++)
		SIPROUND(h->v);
	out[0] = h->v[0] ^ h->v[1] ^ h->v[2] ^ h->v[3];
	h->v[1] ^= 0xdd;
	for (i = 0; i < 4; i++)
		SIPROUND(h->v);
	out[1] = h->v[0] ^ h->v[1] ^ h->v[2] ^ h->v[3];
}

int
ut_buf_add(struct ut_buf *b, const void *p, size_t n)
{
	char	*np;
	size_t	 cap;

	if (n > SIZE_MAX / 2 - b->len) {
		errno = ENOMEM;
		return -1;
	}
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	if (p != NULL && n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int
ut_buf_addc(struct ut_buf *b, char c)
{
	if (b->len < b->cap) {
		b->p[b->len++] = c;
		return 0;
	}
	return ut_buf_add(b, &c, 1);
}

void
ut_buf_free(struct ut_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int
ut_csv_field(const char **pp, const char *end, const char **f, size_t *n)
{
	const char	*p = *pp;

	if (p < end && *p == '"') {
		*f = ++p;
		while (p < end && !(*p == '"' && (p + 1 >= end || p[1] != '"')))
			p += *p == '"' ? 2 : 1;
		*n = (size_t)(p - *f);
		if (p < end)
			p++;
	} else {
		*f = p;
		while (p < end && *p != ',' && *p != '\r' && *p != '\n')
			p++;
		*n = (size_t)(p - *f);
	}
	if (p < end && *p == '\r')
		p++;
	*pp = p < end ? p + 1 : end;
	return p < end ? *p : 0;
}

/* The first line logged since ut_log_mark, and whether one was. */
static char	 first_line[256];
static int	 first_taken;

void
ut_log_mark(void)
{
	first_line[0] = '\0';
	first_taken = 0;
}

const char *
ut_log_first(void)
{
	return first_line;
}

void
ut_log(const char *fmt, ...)
{
	va_list	 ap;
	char	 line[2048];

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!first_taken) {
		size_t n = strnlen(line, sizeof(first_line) - 1);

		memcpy(first_line, line, n);
		first_line[n] = '\0';
		first_taken = 1;
	}
	/* One write, so lines of several workers do not interleave. */
	fprintf(stderr, "yespo-hook: %s\n", line);
}

void
ut_log_errno(const char *op, const char *path)
{
	const char	*why = strerror(errno);

	if (path != NULL)
		ut_log("%s %s: %s", op, path, why);
	else
		ut_log("%s: %s", op, why);
}

long long
ut_parse_duration(const char *s)
{
	static const struct {
		char		 unit;
		long long	 seconds;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char		 num[24];
	const char	*why;
	long long	 v;
	size_t		 n = strlen(s), i;

	if (n < 2 || n - 1 >= sizeof(num))
		return -1;
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	/* Ten years at most: a bound no one means to exceed, far from overflow. */
	v = ut_strtonum(num, 1, 3650LL * 86400, &why);
	for (i = 0; why == NULL && i < sizeof(units) / sizeof(units[0]); i++)
		if (s[n - 1] == units[i].unit)
			return v <= 3650LL * 86400 / units[i].seconds ? v * units[i].seconds : -1;
	return -1;
}

/* Seconds of the monotonic clock. */
static double
now_seconds(void)
{
	struct timespec	 ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
ut_progress_start(struct ut_progress *p, const char *what, size_t days)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->days = days;
	p->on = isatty(STDERR_FILENO);
	p->start = now_seconds();
}

void
ut_progress_show(struct ut_progress *p, size_t done, unsigned long long events)
{
	double	 now, took;

	if (!p->on)
		return;
	now = now_seconds();
	/* A few times a second is enough for the eye, and costs nothing. */
	if (p->shown && done < p->days && now - p->last < 0.2)
		return;
	took = now - p->start;
	/* "\033[K" clears what a longer line before left at its end. */
	fprintf(stderr, "\ryespo-hook: %s: day %zu of %zu, %llu events, %.0f events/s\033[K",
	    p->what, done, p->days, events, took > 0 ? (double)events / took : 0.0);
	fflush(stderr);
	p->shown = 1;
	p->last = now;
}

void
ut_progress_end(struct ut_progress *p)
{
	if (p->on && p->shown)
		fputc('\n', stderr);
	p->shown = 0;
}

void
ut_progress_clear(struct ut_progress *p)
{
	if (p->on && p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = 0;
}

/*
 * conf.c: load and check the configuration file (yespo-hook.conf(5)).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libconfig.h>

#include "conf.h"
#include "fsio.h"
#include "util.h"

#define MAX_BODY_MIN	1024LL
#define MAX_BODY_MAX	4294967296LL
#define MAX_BODY_DEF	67108864LL
#define DEDUP_MIN	1LL
#define DEDUP_MAX	3650LL
#define DEDUP_DEF	45LL
#define STATUS_FILES_MIN	1LL
#define STATUS_FILES_MAX	1024LL
#define STATUS_FILES_DEF	64LL
#define QUARANTINE_MIN	1048576LL		/* 1 MiB */
#define QUARANTINE_MAX	1125899906842624LL	/* 1 PiB */
#define QUARANTINE_DEF	1073741824LL		/* 1 GiB */
#define RETENTION_MAX	36500LL

static const char *const root_keys[] = {
	"spool_dir", "csv_dir", "token", "basic_auth", "allow_from",
	"allow_anonymous", "max_body_bytes", "dedup_window_days", "timezone",
	"csv_formula_guard", "max_status_files", "quarantine_max_bytes", "xlsx",
	"on_commit", "summary_refresh_seconds", "archive_compress", "retention_days", NULL
};

static const char *const basic_keys[] = { "user", "password", NULL };

/* Where errors go, and the file to name when libconfig knows none. */
struct ctx {
	const char	*path;
	char		*err;
	size_t		 errlen;
	const char	*dir;		/* the config's folder: relative @include names start there */
	const char	*abs;		/* path as libconfig was given it */
	char		 file[PATH_MAX];	/* scratch for source_file */
};

/*
 * A file name libconfig gives, as the user knows it: the config as its
 * path names it, a relative @include name joined to the config's folder.
 */
static const char *
user_file(struct ctx *x, const char *file)
{
	if (file == NULL || strcmp(file, x->abs) == 0)
		return x->path;
	if (file[0] == '/' ||
	    snprintf(x->file, sizeof(x->file), "%s/%s", x->dir, file) >= (int)sizeof(x->file))
		return file;
	return x->file;
}

/*
 * Write "FILE:LINE: message" about setting s into the error buffer.
 * Returns -1 so callers can "return fail_at(...)".
 */
static int __attribute__((format(printf, 3, 4)))
fail_at(struct ctx *x, const config_setting_t *s, const char *fmt, ...)
{
	va_list		 ap;
	const char	*file;
	int		 n;

	file = user_file(x, config_setting_source_file(s));
	n = snprintf(x->err, x->errlen, "%s:%u: ", file,
	    config_setting_source_line(s));
	if (n >= 0 && (size_t)n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Like fail_at for problems that belong to no line. */
static int __attribute__((format(printf, 2, 3)))
fail(struct ctx *x, const char *fmt, ...)
{
	va_list		 ap;
	int		 n;

	n = snprintf(x->err, x->errlen, "%s: ", x->path);
	if (n >= 0 && (size_t)n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* "a string", "an integer", ... for messages about wrong types. */
static const char *
type_name(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a floating-point number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	default:
		return "a value of another kind";
	}
}

/* Refuse the first member of group g whose name is not in known. */
static int
check_names(struct ctx *x, const config_setting_t *g, const char *const *known,
    const char *where)
{
	const config_setting_t	*s;
	const char		*name;
	char			 list[256];
	size_t			 i, len;
	int			 j;

	for (j = 0; (s = config_setting_get_elem(g, j)) != NULL; j++) {
		name = config_setting_name(s);
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(name, known[i]) == 0)
				break;
		if (known[i] != NULL)
			continue;
		for (i = 0, len = 0; known[i] != NULL &&
		    len < sizeof(list); i++)
			len += snprintf(list + len, sizeof(list) - len, "%s%s",
			    i == 0 ? "" : ", ", known[i]);
		return fail_at(x, s, "unknown key '%s'%s (known keys: %s)",
		    name, where, list);
	}
	return 0;
}

/* The text of string setting s, or NULL with the error written. */
static const char *
want_string(struct ctx *x, const config_setting_t *s, const char *what)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		fail_at(x, s, "%s must be a string in double quotes (got %s)",
		    what, type_name(s));
		return NULL;
	}
	return config_setting_get_string(s);
}

static int
save_string(struct ctx *x, const char *v, char **out)
{
	if ((*out = strdup(v)) == NULL)
		return fail(x, "out of memory");
	return 0;
}

/* An absolute path such as spool_dir; absent leaves *out alone. */
static int
get_path(struct ctx *x, const config_setting_t *root, const char *key,
    char **out)
{
	const config_setting_t	*s;
	const char		*v;

	if ((s = config_setting_get_member(root, key)) == NULL)
		return 0;
	if ((v = want_string(x, s, key)) == NULL)
		return -1;
	if (v[0] != '/')
		return fail_at(x, s, "%s must be an absolute path starting "
		    "with '/' (got \"%s\")", key, v);
	return save_string(x, v, out);
}

static int
get_bool(struct ctx *x, const config_setting_t *root, const char *key,
    int *out)
{
	const config_setting_t	*s;

	if ((s = config_setting_get_member(root, key)) == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail_at(x, s, "%s must be true or false, without quotes "
		    "(got %s)", key, type_name(s));
	*out = config_setting_get_bool(s);
	return 0;
}

/* A character of a libconfig name or number. */
static int
is_word(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '-' || ch == '+' ||
	    ch == '*' || ch == '.';
}

/*
 * The next token of a libconfig file: a word (name or number), a string
 * (given as "\""), or one punctuation character, skipping blanks and the
 * three comment styles.  *line counts lines, *at gets the token's line.
 * Returns 0, or -1 at the end of the file.  An overlong word is cut short.
 */
static int
next_token(FILE *f, unsigned *line, unsigned *at, char *tok, size_t len)
{
	int	 ch, prev, esc;
	size_t	 n = 0;

	for (;;) {
		if ((ch = getc(f)) == EOF)
			return -1;
		if (ch == '\n') {
			(*line)++;
			continue;
		}
		if (isspace(ch))
			continue;
		if (ch == '/') {
			if ((ch = getc(f)) == '*') {
				for (prev = 0; (ch = getc(f)) != EOF;
				    prev = ch) {
					if (ch == '\n')
						(*line)++;
					else if (prev == '*' && ch == '/')
						break;
				}
				continue;
			}
			if (ch != '/') {
				ungetc(ch, f);
				ch = '/';
				break;
			}
		}
		if (ch != '#' && ch != '/')
			break;
		while ((ch = getc(f)) != EOF && ch != '\n')
			continue;
		(*line)++;
	}
	*at = *line;
	if (ch == '"') {
		for (esc = 0; (ch = getc(f)) != EOF; esc = !esc && ch == '\\') {
			if (ch == '\n')
				(*line)++;
			else if (ch == '"' && !esc)
				break;
		}
		snprintf(tok, len, "\"");
		return 0;
	}
	while (is_word(ch)) {
		if (n + 1 < len)
			tok[n++] = (char)ch;
		ch = getc(f);
	}
	if (n == 0)
		tok[n++] = (char)ch;
	else
		ungetc(ch, f);
	tok[n] = '\0';
	return 0;
}

/*
 * The value of integer literal lit (decimal, or hex as libconfig reads it,
 * with an optional L or LL suffix).  Returns 0, or -1 when it is not a
 * number or does not fit in 64 bits.
 */
static int
parse_literal(const char *lit, long long *v)
{
	char			*end;
	unsigned long long	 u;

	errno = 0;
	if (lit[0] == '0' && (lit[1] == 'x' || lit[1] == 'X')) {
		u = strtoull(lit + 2, &end, 16);
		if (u > LLONG_MAX)
			return -1;
		*v = (long long)u;
	} else
		*v = strtoll(lit, &end, 10);
	if (errno != 0 || end == lit || strspn(end, "L") != strlen(end))
		return -1;
	return 0;
}

/*
 * Find in the file the literal that libconfig read as integer setting s.
 * libconfig 1.5 keeps only the low 32 bits of an integer written without
 * an L suffix (10000000000 reads as 1410065408), so the true value must
 * come from the text.  A candidate counts only when it agrees with what
 * libconfig read.  Returns 0 with the literal in lit, or -1.
 */
static int
scan_literal(const config_setting_t *s, const char *file, char *lit,
    size_t len)
{
	FILE		*f;
	const char	*key = config_setting_name(s);
	unsigned	 line = 1, at, want = config_setting_source_line(s);
	long long	 v;
	int		 state = 0, rc = -1;

	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while (next_token(f, &line, &at, lit, len) == 0) {
		if (state == 0 && at > want)
			break;
		if (state == 0)
			state = at == want && strcmp(lit, key) == 0;
		else if (state == 1)
			state = strcmp(lit, "=") == 0 || strcmp(lit, ":") == 0 ?
			    2 : 0;
		else {
			/* A number too big for 64 bits cannot be compared. */
			if (parse_literal(lit, &v) == -1 ||
			    (config_setting_type(s) == CONFIG_TYPE_INT64 ?
			    v == config_setting_get_int64(s) :
			    (int)(unsigned)v == config_setting_get_int(s))) {
				rc = 0;
				break;
			}
			state = 0;
		}
	}
	fclose(f);
	return rc;
}

/* An integer in [min, max], read exactly; absent leaves *out alone. */
static int
get_int(struct ctx *x, const config_setting_t *root, const char *key,
    long long min, long long max, long long *out)
{
	const config_setting_t	*s;
	const char		*file;
	char			 lit[64];
	long long		 v;

	if ((s = config_setting_get_member(root, key)) == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return fail_at(x, s, "%s must be an integer from %lld to %lld "
		    "(got %s)", key, min, max, type_name(s));
	file = user_file(x, config_setting_source_file(s));
	if (scan_literal(s, file, lit, sizeof(lit)) == -1)
		return fail_at(x, s, "cannot find the value of %s in %s; "
		    "write it as %s = NUMBER;", key, file, key);
	if (parse_literal(lit, &v) == -1 || v < min || v > max)
		return fail_at(x, s, "%s must be an integer from %lld to %lld "
		    "(got %s)", key, min, max, lit);
	*out = v;
	return 0;
}

/* A secret: a non-empty string; absent leaves *out alone. */
static int
get_secret(struct ctx *x, const config_setting_t *g, const char *key,
    const char *what, char **out)
{
	const config_setting_t	*s;
	const char		*v;

	if ((s = config_setting_get_member(g, key)) == NULL)
		return 0;
	if ((v = want_string(x, s, what)) == NULL)
		return -1;
	if (v[0] == '\0')
		return fail_at(x, s, "%s must not be empty", what);
	return save_string(x, v, out);
}

/* One basic_auth group into b: 0, or -1 with err written. */
static int
load_basic_group(struct ctx *x, const config_setting_t *s, struct conf_basic *b)
{
	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return fail_at(x, s, "basic_auth must be a group: basic_auth = "
		    "{ user = \"...\"; password = \"...\"; }; or a list of "
		    "them in ( ) (got %s)", type_name(s));
	if (check_names(x, s, basic_keys, " in basic_auth") == -1 ||
	    get_secret(x, s, "user", "basic_auth user", &b->user) == -1 ||
	    get_secret(x, s, "password", "basic_auth password",
	    &b->password) == -1)
		return -1;
	if (b->user == NULL || b->password == NULL)
		return fail_at(x, s, "basic_auth needs both user and password");
	if (strchr(b->user, ':') != NULL)
		return fail_at(x, config_setting_get_member(s, "user"),
		    "basic_auth user must not contain ':' (HTTP Basic splits "
		    "user and password there)");
	return 0;
}

/* basic_auth: one group, or a list of groups for rotation (any passes). */
static int
load_basic_auth(struct ctx *x, const config_setting_t *root, struct conf *c)
{
	const config_setting_t	*s;
	int			 i, n = 1, list;

	if ((s = config_setting_get_member(root, "basic_auth")) == NULL)
		return 0;
	if ((list = config_setting_type(s) == CONFIG_TYPE_LIST) &&
	    (n = config_setting_length(s)) == 0)
		return fail_at(x, s, "basic_auth is an empty list, so nobody could "
		    "send; list groups or remove the key");
	if ((c->basic_auth = calloc(n, sizeof(*c->basic_auth))) == NULL)
		return fail(x, "out of memory");
	c->nbasic_auth = n;
	for (i = 0; i < n; i++)
		if (load_basic_group(x, list ? config_setting_get_elem(s, i) : s,
		    &c->basic_auth[i]) == -1)
			return -1;
	return 0;
}

/* token: one string, or a list of strings for rotation (any passes). */
static int
load_tokens(struct ctx *x, const config_setting_t *root, struct conf *c)
{
	const config_setting_t	*s, *e;
	const char		*v;
	int			 i, n = 1, list;

	if ((s = config_setting_get_member(root, "token")) == NULL)
		return 0;
	list = config_setting_type(s) == CONFIG_TYPE_ARRAY ||
	    config_setting_type(s) == CONFIG_TYPE_LIST;
	if (list && (n = config_setting_length(s)) == 0)
		return fail_at(x, s, "token is an empty list, so nobody could "
		    "send; list tokens or remove the key");
	if ((c->token = calloc(n, sizeof(*c->token))) == NULL)
		return fail(x, "out of memory");
	c->ntoken = n;
	for (i = 0; i < n; i++) {
		e = list ? config_setting_get_elem(s, i) : s;
		if ((v = want_string(x, e, list ? "each token" : "token")) == NULL)
			return -1;
		if (v[0] == '\0')
			return fail_at(x, e, "token must not be empty");
		if (save_string(x, v, &c->token[i]) == -1)
			return -1;
	}
	return 0;
}

/*
 * Parse "ADDRESS" or "ADDRESS/PREFIX" (IPv4 or IPv6) into n with the host
 * bits cleared.  Returns 0, or -1 when s is no such thing.
 */
static int
parse_cidr(const char *s, struct conf_net *n)
{
	char		 buf[INET6_ADDRSTRLEN];
	const char	*slash, *p;
	size_t		 alen;
	int		 bits, i;

	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, buf, n->addr) == 1) {
		n->family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		n->family = AF_INET6;
		bits = 128;
	} else
		return -1;
	n->prefix = bits;
	if (slash != NULL) {
		/* Digits only: strtol would take signs and blanks. */
		p = slash + 1;
		if (p[0] == '\0' || strlen(p) > 3 ||
		    strspn(p, "0123456789") != strlen(p) || atoi(p) > bits)
			return -1;
		n->prefix = atoi(p);
	}
	for (i = n->prefix / 8; i < bits / 8; i++)
		n->addr[i] &= i == n->prefix / 8 ?
		    (unsigned char)(0xff00 >> (n->prefix % 8)) : 0;
	return 0;
}

static int
load_allow_from(struct ctx *x, const config_setting_t *root, struct conf *c)
{
	const config_setting_t	*s, *e;
	const char		*v;
	int			 i, n;

	if ((s = config_setting_get_member(root, "allow_from")) == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail_at(x, s, "allow_from must be a list of strings such "
		    "as [ \"192.0.2.0/24\", \"2001:db8::/32\" ] (got %s)",
		    type_name(s));
	if ((n = config_setting_length(s)) == 0)
		return fail_at(x, s, "allow_from is empty, so nobody could "
		    "send; list addresses or remove the key");
	if ((c->allow_from = calloc(n, sizeof(*c->allow_from))) == NULL)
		return fail(x, "out of memory");
	c->nallow_from = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, i);
		if ((v = want_string(x, e, "each allow_from entry")) == NULL)
			return -1;
		if (parse_cidr(v, &c->allow_from[i]) == -1)
			return fail_at(x, e, "allow_from entry \"%s\" is not an "
			    "IPv4 or IPv6 address or CIDR block such as "
			    "\"192.0.2.0/24\"", v);
	}
	return 0;
}

/*
 * Accept "UTC" or a name whose compiled zone file exists.  A name the C
 * library cannot load would silently mean UTC, so check it here, and check
 * that the file is a zone (TZif), not zone.tab or the like.
 */
static int
get_zone(struct ctx *x, const config_setting_t *root, char **out)
{
	const config_setting_t	*s;
	const char		*v, *dir;
	char			 file[PATH_MAX], magic[4];
	int			 fd, ok;

	if ((s = config_setting_get_member(root, "timezone")) == NULL)
		return 0;
	if ((v = want_string(x, s, "timezone")) == NULL)
		return -1;
	if (strcmp(v, "UTC") == 0)
		return save_string(x, v, out);
	/* No '.' is allowed, so no "..": the name stays inside dir. */
	if (v[0] == '\0' || v[0] == '/' ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_+/-") != strlen(v))
		return fail_at(x, s, "timezone \"%s\" is not a zone name; use "
		    "\"UTC\" or an IANA name such as \"Europe/Kyiv\"", v);
	if ((dir = getenv("TZDIR")) == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	ok = 0;
	if ((size_t)snprintf(file, sizeof(file), "%s/%s", dir, v) <
	    sizeof(file) &&
	    (fd = fio_open(file, O_RDONLY, 0)) != -1) {
		ok = fio_read(fd, magic, sizeof(magic)) == sizeof(magic) &&
		    memcmp(magic, "TZif", sizeof(magic)) == 0;
		(void)fio_close(fd);
	}
	if (!ok)
		return fail_at(x, s, "timezone \"%s\" is unknown (no zone file "
		    "%s/%s); use \"UTC\" or an IANA name such as "
		    "\"Europe/Kyiv\", or install tzdata", v, dir, v);
	return save_string(x, v, out);
}

/* Why path could not be read, as libconfig does not keep errno. */
static int
explain_io(const char *path)
{
	struct stat	 st;
	int		 fd, e;

	if ((fd = fio_open(path, O_RDONLY, 0)) == -1)
		return errno;
	e = fio_fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? EISDIR : EIO;
	(void)fio_close(fd);
	return e;
}

/*
 * The folder of the config at path (as path names it) in dir, and path
 * made absolute in abs.  Returns 0, or -1 when a name is too long.
 */
static int
config_folder(const char *path, char *dir, size_t dirlen, char *abs, size_t abslen)
{
	char	 cwd[PATH_MAX], *slash;

	if (snprintf(dir, dirlen, "%s", path) >= (int)dirlen)
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, dirlen, ".");
	else
		slash[slash == dir] = '\0';
	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return snprintf(abs, abslen, "%s", path) >= (int)abslen ? -1 : 0;
	return snprintf(abs, abslen, "%s/%s", cwd, path) >= (int)abslen ? -1 : 0;
}

/*
 * Parse the file at abs (an absolute name) from its folder dir, so that a
 * relative @include names a file beside it wherever the web server started
 * us; libconfig 1.5 has no include hook, and its include_dir would break
 * absolute names.  Returns 1 parsed, 0 not (cfg says why), -1 with errno
 * when the working directory could not be restored.
 */
static int
read_beside(config_t *cfg, const char *abs, const char *dir)
{
	int	 here, ok;

	/* O_PATH needs no read permission on a web server's working directory. */
	if ((here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return config_read_file(cfg, abs) ? 1 : 0;
	if (chdir(dir) == -1) {
		(void)close(here);
		return config_read_file(cfg, abs) ? 1 : 0;
	}
	ok = config_read_file(cfg, abs) ? 1 : 0;
	if (fchdir(here) == -1)
		ok = -1;
	(void)close(here);
	return ok;
}

/*
 * Say why the config at path cannot be read and what to do.  Permission
 * denied where the shell could read it means the web server runs CGI as
 * another user: name the user and group it runs as.
 */
static void
explain_unreadable(const char *path, char *err, size_t errlen)
{
	char	 who[256];
	int	 e = explain_io(path);

	if (e != EACCES) {
		snprintf(err, errlen, "cannot read config file %s: %s; create it "
		    "from conf/yespo-hook.conf.example or set YESPO_HOOK_CONFIG",
		    path, strerror(e));
		return;
	}
	ut_whoami(who, sizeof(who), 1);
	snprintf(err, errlen, "cannot read config file %s: %s (running as %s); "
	    "the web server runs CGI as another user than your shell: make the "
	    "file and spool_dir that user's (suEXEC), or give the file to its "
	    "group (chgrp GROUP %s; chmod 640 %s)", path, strerror(e), who,
	    path, path);
}

/*
 * Returns 0 with c filled in and checked, or -1 with one line in err and
 * nothing left to free in c.
 */
/* Parse the file, from its own folder (for @include): 0, or -1 with err written. */
static int
read_file(struct ctx *x, config_t *cfg, char *dir, size_t dirlen, char *abs,
    size_t abslen)
{
	int	 rc;

	if (config_folder(x->path, dir, dirlen, abs, abslen) == -1) {
		snprintf(x->err, x->errlen, "%s: path too long", x->path);
		return -1;
	}
	x->dir = dir;
	x->abs = abs;
	if ((rc = read_beside(cfg, abs, dir)) == -1) {
		snprintf(x->err, x->errlen, "cannot return to the working directory: %s",
		    strerror(errno));
		return -1;
	}
	if (rc == 0) {
		if (config_error_type(cfg) == CONFIG_ERR_FILE_IO &&
		    config_error_file(cfg) == NULL)
			explain_unreadable(x->path, x->err, x->errlen);
		else
			snprintf(x->err, x->errlen, "%s:%d: %s",
			    user_file(x, config_error_file(cfg)),
			    config_error_line(cfg), config_error_text(cfg));
		return -1;
	}
	return 0;
}

/* Every key into c, defaults first: 0, or -1 with err written. */
static int
read_keys(struct ctx *x, const config_setting_t *root, struct conf *c)
{
	long long	 body = MAX_BODY_DEF, days = DEDUP_DEF;
	long long	 files = STATUS_FILES_DEF, qmax = QUARANTINE_DEF, keep = 0;

	c->csv_formula_guard = 1;
	c->archive_compress = 1;
	c->xlsx = 1;
	c->summary_refresh_seconds = 60;
	/* Long enough for a writer ahead to finish, short of mod_fcgid's 40 s FcgidIOTimeout. */
	c->lock_wait_ms = 20000;
	if (check_names(x, root, root_keys, "") == -1 ||
	    get_path(x, root, "spool_dir", &c->spool_dir) == -1 ||
	    get_path(x, root, "csv_dir", &c->csv_dir) == -1 ||
	    load_tokens(x, root, c) == -1 ||
	    load_basic_auth(x, root, c) == -1 ||
	    load_allow_from(x, root, c) == -1 ||
	    get_bool(x, root, "allow_anonymous", &c->allow_anonymous) == -1 ||
	    get_int(x, root, "max_body_bytes", MAX_BODY_MIN, MAX_BODY_MAX,
	    &body) == -1 ||
	    get_int(x, root, "dedup_window_days", DEDUP_MIN, DEDUP_MAX,
	    &days) == -1 ||
	    get_zone(x, root, &c->timezone) == -1 ||
	    get_bool(x, root, "csv_formula_guard",
	    &c->csv_formula_guard) == -1 ||
	    get_int(x, root, "max_status_files", STATUS_FILES_MIN,
	    STATUS_FILES_MAX, &files) == -1 ||
	    get_int(x, root, "quarantine_max_bytes", QUARANTINE_MIN,
	    QUARANTINE_MAX, &qmax) == -1 ||
	    get_bool(x, root, "xlsx", &c->xlsx) == -1 ||
	    get_path(x, root, "on_commit", &c->on_commit) == -1 ||
	    get_int(x, root, "summary_refresh_seconds", 0, 86400,
	    &c->summary_refresh_seconds) == -1 ||
	    get_bool(x, root, "archive_compress", &c->archive_compress) == -1 ||
	    get_int(x, root, "retention_days", 0, RETENTION_MAX, &keep) == -1)
		return -1;
	c->retention_days = (int)keep;
	c->max_body_bytes = body;
	c->dedup_window_days = (int)days;
	c->max_status_files = (int)files;
	c->quarantine_max_bytes = qmax;
	return 0;
}

/* What the keys must say together, and the defaults made of others: 0, or -1. */
static int
complete(struct ctx *x, struct conf *c)
{
	size_t	 n;

	if (c->spool_dir == NULL)
		return fail(x, "spool_dir is required: add spool_dir = "
		    "\"/absolute/path\"; outside the web root");
	if (c->ntoken == 0 && c->nbasic_auth == 0 &&
	    c->allow_from == NULL && !c->allow_anonymous)
		return fail(x, "no authorisation configured: set token, basic_auth "
		    "or allow_from, or allow_anonymous = true to accept "
		    "anyone");
	if (c->csv_dir == NULL) {
		/* "/" and "/x/" must not give "//csv" or "/x//csv". */
		n = strlen(c->spool_dir);
		if (asprintf(&c->csv_dir, "%.*s/csv",
		    (int)(c->spool_dir[n - 1] == '/' ? n - 1 : n),
		    c->spool_dir) == -1) {
			c->csv_dir = NULL;
			return fail(x, "out of memory");
		}
	}
	if (c->timezone == NULL && save_string(x, "UTC", &c->timezone) == -1)
		return -1;
	/* Retention must not take a day whose keys still decide duplicates. */
	if (c->retention_days != 0 && c->retention_days < c->dedup_window_days)
		return fail(x, "retention_days (%d) is shorter than dedup_window_days (%d): "
		    "set retention_days to at least %d, or 0 to keep everything",
		    c->retention_days, c->dedup_window_days, c->dedup_window_days);
	return 0;
}

int
conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	config_t	 cfg;
	struct ctx	 x = { path, err, errlen, ".", path, "" };
	char		 dir[PATH_MAX], abs[PATH_MAX];

	memset(c, 0, sizeof(*c));
	config_init(&cfg);
	if (read_file(&x, &cfg, dir, sizeof(dir), abs, sizeof(abs)) == -1 ||
	    save_string(&x, path, &c->path) == -1 ||
	    read_keys(&x, config_root_setting(&cfg), c) == -1 ||
	    complete(&x, c) == -1) {
		config_destroy(&cfg);
		conf_free(c);
		return -1;
	}
	config_destroy(&cfg);
	return 0;
}

int
conf_advice(const struct conf *c, size_t *at, char *msg, size_t msglen)
{
	const char	*bad, *t;
	char		 which[64];

	for (; *at < c->ntoken; (*at)++) {
		t = c->token[*at];
		/* A list names the entry; the token itself is never printed. */
		if (c->ntoken == 1)
			snprintf(which, sizeof(which), "token");
		else
			snprintf(which, sizeof(which), "token %zu of %zu", *at + 1, c->ntoken);
		/* A query string turns '+' into a space, and the others end or split it. */
		if ((bad = strpbrk(t, "+&%#? ")) != NULL) {
			snprintf(msg, msglen, "%s: %s holds '%c', which must be escaped "
			    "in a URL (as %%%02X) or the token never matches from the "
			    "query string; choose one of letters and digits", c->path,
			    which, *bad, (unsigned char)*bad);
			(*at)++;
			return 1;
		}
		if (strlen(t) < CONF_TOKEN_MIN) {
			snprintf(msg, msglen, "%s: %s is shorter than %d characters: "
			    "easy to guess; use a long random one of letters and digits",
			    c->path, which, CONF_TOKEN_MIN);
			(*at)++;
			return 1;
		}
	}
	return 0;
}

/* Frees what conf_load allocated and leaves c empty; safe to repeat. */
void
conf_free(struct conf *c)
{
	size_t	 i;

	free(c->path);
	free(c->spool_dir);
	free(c->csv_dir);
	for (i = 0; c->token != NULL && i < c->ntoken; i++)
		free(c->token[i]);
	free(c->token);
	for (i = 0; c->basic_auth != NULL && i < c->nbasic_auth; i++) {
		free(c->basic_auth[i].user);
		free(c->basic_auth[i].password);
	}
	free(c->basic_auth);
	free(c->allow_from);
	free(c->timezone);
	free(c->on_commit);
	memset(c, 0, sizeof(*c));
}

/*
 * Copy path p, named by what in messages, into buf.  Returns buf, or NULL
 * with err written.
 */
static char *
copy_path(const char *p, const char *what, char *buf, size_t len, char *err,
    size_t errlen)
{
	if (p[0] == '\0') {
		snprintf(err, errlen, "%s names no file", what);
		return NULL;
	}
	if ((size_t)snprintf(buf, len, "%s", p) >= len) {
		snprintf(err, errlen, "%s is too long: %s", what, p);
		return NULL;
	}
	return buf;
}

/*
 * Returns buf holding the config path chosen as yespo-hook(8) ENVIRONMENT says, or NULL with
 * err written.
 */
char *
conf_locate(const char *cli, const char *env, const char *program,
    char *buf, size_t len, char *err, size_t errlen)
{
	char		 exe[PATH_MAX], *p;
	ssize_t		 n;
	int		 i;

	if (cli != NULL)
		return copy_path(cli, "--config", buf, len, err, errlen);
	if (env != NULL && env[0] != '\0')
		return copy_path(env, "YESPO_HOOK_CONFIG", buf, len, err,
		    errlen);
	n = readlink("/proc/self/exe", exe, sizeof(exe));
	if (n > 0 && (size_t)n < sizeof(exe))
		exe[n] = '\0';
	else if (program == NULL || strchr(program, '/') == NULL ||
	    realpath(program, exe) == NULL) {
		/* A bare argv[0] was found on PATH: it names no folder. */
		snprintf(err, errlen, "cannot find the binary's folder: no "
		    "/proc/self/exe, and %s%s; use --config FILE or set "
		    "YESPO_HOOK_CONFIG to the config's path", program ?
		    "no folder in " : "no SCRIPT_FILENAME or argv[0]",
		    program ? program : "");
		return NULL;
	}
	/* The binary's folder, then its parent; "" stands for "/". */
	for (i = 0; i < 2; i++)
		if ((p = strrchr(exe, '/')) != NULL)
			*p = '\0';
	if ((size_t)snprintf(buf, len, "%s/yespo-hook.conf", exe) >= len) {
		snprintf(err, errlen, "the path beside the binary is too long: "
		    "%s/yespo-hook.conf; use --config FILE", exe);
		return NULL;
	}
	return buf;
}

int
conf_open(const char *cli, const char *env, const char *program,
    struct conf *c, char *err, size_t errlen)
{
	char	 path[PATH_MAX];

	memset(c, 0, sizeof(*c));
	if (conf_locate(cli, env, program, path, sizeof(path), err, errlen) == NULL ||
	    conf_load(path, c, err, errlen) == -1)
		return -1;
	conf_use_timezone(c);
	return 0;
}

void
conf_use_timezone(const struct conf *c)
{
	char	 tz[256];

	/*
	 * A leading ':' makes glibc read the zone file by name; UTC needs no
	 * file, so none is opened for it (the default) at every start.
	 */
	if (strcmp(c->timezone, "UTC") == 0)
		snprintf(tz, sizeof(tz), "UTC0");
	else
		snprintf(tz, sizeof(tz), ":%s", c->timezone);
	(void)setenv("TZ", tz, 1);
	tzset();
}

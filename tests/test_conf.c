/*
 * test_conf.c: the configuration file, yespo-hook.conf(5).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"
#include "test.h"

static char	 path[256];	/* the config file of the test */
static char	 zdir[256];	/* a private TZDIR */

static const char *
tmpdir(void)
{
	const char	*d = getenv("TMPDIR");

	return d != NULL && d[0] != '\0' ? d : "/tmp";
}

/* Write text to a new file under TMPDIR, named in path.  Returns 0 or -1. */
static int
write_file(const char *text)
{
	size_t	 len = strlen(text);
	int	 fd;

	snprintf(path, sizeof(path), "%s/test_conf.XXXXXX", tmpdir());
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

/* conf_load of text as a file (removed again); -2 if it cannot be made. */
static int
load(const char *text, struct conf *c, char *err, size_t errlen)
{
	int	 rc;

	if (write_file(text) == -1)
		return -2;
	rc = conf_load(path, c, err, errlen);
	unlink(path);
	return rc;
}

/* The config refused with err holding "PATH:LINE: " then want. */
static int
refused(const char *text, int line, const char *want)
{
	struct conf	 c;
	char		 err[512], full[1024];

	memset(&c, 0xa5, sizeof(c));
	CHECK(load(text, &c, err, sizeof(err)) == -1);
	snprintf(full, sizeof(full), "%s:%d: %s", path, line, want);
	CHECK_STR(err, full);
	/* Nothing left to free. */
	CHECK(c.path == NULL && c.spool_dir == NULL && c.allow_from == NULL);
	return 0;
}

/* The config refused with want somewhere in err. */
static int
refused_with(const char *text, const char *want)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load(text, &c, err, sizeof(err)) == -1);
	if (strstr(err, want) == NULL) {
		fprintf(stderr, "error [%s] lacks [%s]\n", err, want);
		return 1;
	}
	return 0;
}

/* A TZDIR holding the regular file "Test/Zone" with the given bytes. */
static int
make_zones(const char *bytes)
{
	char	 sub[300], file[320];
	FILE	*f;

	snprintf(zdir, sizeof(zdir), "%s/test_zone.XXXXXX", tmpdir());
	if (mkdtemp(zdir) == NULL)
		return -1;
	snprintf(sub, sizeof(sub), "%s/Test", zdir);
	snprintf(file, sizeof(file), "%s/Zone", sub);
	if (mkdir(sub, 0700) == -1 || (f = fopen(file, "w")) == NULL)
		return -1;
	fputs(bytes, f);
	if (fclose(f) != 0)
		return -1;
	return setenv("TZDIR", zdir, 1);
}

static void
remove_zones(void)
{
	char	 buf[300];

	snprintf(buf, sizeof(buf), "%s/Test/Zone", zdir);
	unlink(buf);
	snprintf(buf, sizeof(buf), "%s/Test", zdir);
	rmdir(buf);
	rmdir(zdir);
}

static int
defaults(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/srv/spool\";\ntoken = \"t\";\n",
	    &c, err, sizeof(err)) == 0);
	CHECK_STR(c.path, path);
	CHECK_STR(c.csv_dir, "/srv/spool/csv");
	CHECK(c.basic_auth == NULL && c.nbasic_auth == 0);
	CHECK(c.allow_from == NULL && c.nallow_from == 0);
	CHECK(c.allow_anonymous == 0);
	CHECK(c.max_body_bytes == 67108864);
	CHECK(c.dedup_window_days == 45);
	CHECK_STR(c.timezone, "UTC");
	CHECK(c.csv_formula_guard == 1);
	CHECK(c.max_status_files == 64);
	CHECK(c.quarantine_max_bytes == 1073741824);
	CHECK(c.xlsx == 1);
	CHECK(c.on_commit == NULL);
	conf_free(&c);
	return 0;
}

static int
reads_every_key(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(make_zones("TZif2 test zone") == 0);
	CHECK(load(
	    "spool_dir = \"/srv/spool\";\n"
	    "csv_dir = \"/var/www/csv\";\n"
	    "token = \"s3cret\";\n"
	    "basic_auth = { user = \"yespo\"; password = \"pw\"; };\n"
	    "allow_from = [ \"192.0.2.0/24\" ];\n"
	    "allow_anonymous = false;\n"
	    "max_body_bytes = 2048;\n"
	    "dedup_window_days = 7;\n"
	    "timezone = \"Test/Zone\";\n"
	    "csv_formula_guard = false;\n"
	    "max_status_files = 8;\n"
	    "quarantine_max_bytes = 10000000000L;\n"
	    "xlsx = false;\n"
	    "on_commit = \"/srv/feed --to warehouse\";\n", &c, err, sizeof(err)) == 0);
	remove_zones();
	CHECK_STR(c.spool_dir, "/srv/spool");
	CHECK_STR(c.csv_dir, "/var/www/csv");
	CHECK(c.ntoken == 1);
	CHECK_STR(c.token[0], "s3cret");
	CHECK(c.nbasic_auth == 1);
	CHECK_STR(c.basic_auth[0].user, "yespo");
	CHECK_STR(c.basic_auth[0].password, "pw");
	CHECK(c.nallow_from == 1);
	CHECK(c.allow_anonymous == 0);
	CHECK(c.max_body_bytes == 2048);
	CHECK(c.dedup_window_days == 7);
	CHECK_STR(c.timezone, "Test/Zone");
	CHECK(c.csv_formula_guard == 0);
	CHECK(c.max_status_files == 8);
	CHECK(c.quarantine_max_bytes == 10000000000LL);
	CHECK(c.xlsx == 0);
	CHECK_STR(c.on_commit, "/srv/feed --to warehouse");
	conf_free(&c);
	return 0;
}

static int
csv_dir_default_no_double_slash(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/srv/spool/\";\ntoken = \"t\";\n",
	    &c, err, sizeof(err)) == 0);
	CHECK_STR(c.csv_dir, "/srv/spool/csv");
	conf_free(&c);
	return 0;
}

static int
unknown_key_named_with_line(void)
{
	return refused("spool_dir = \"/s\";\n# a comment\ntokn = \"t\";\n", 3,
	    "unknown key 'tokn' (known keys: spool_dir, csv_dir, token, "
	    "basic_auth, allow_from, allow_anonymous, max_body_bytes, "
	    "dedup_window_days, timezone, csv_formula_guard, max_status_files, "
	    "quarantine_max_bytes, xlsx, on_commit, summary_refresh_seconds, archive_compress, "
	    "retention_days)");
}

static int
unknown_key_in_basic_auth(void)
{
	return refused("spool_dir = \"/s\";\nbasic_auth = {\n user = \"u\";\n"
	    " password = \"p\";\n realm = \"x\";\n};\n", 5,
	    "unknown key 'realm' in basic_auth (known keys: user, password)");
}

static int
basic_auth_needs_password(void)
{
	return refused("spool_dir = \"/s\";\nbasic_auth = { user = \"u\"; };\n",
	    2, "basic_auth needs both user and password");
}

static int
basic_auth_user_without_colon(void)
{
	return refused_with("spool_dir = \"/s\";\n"
	    "basic_auth = { user = \"a:b\"; password = \"p\"; };\n",
	    "user must not contain ':'");
}

static int
wrong_type_string(void)
{
	return refused("token = \"t\";\nspool_dir = 5;\n", 2,
	    "spool_dir must be a string in double quotes (got an integer)");
}

static int
wrong_type_bool(void)
{
	return refused("spool_dir = \"/s\";\nallow_anonymous = \"true\";\n", 2,
	    "allow_anonymous must be true or false, without quotes "
	    "(got a string)");
}

static int
wrong_type_integer(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "max_body_bytes = 1e6;\n", 3, "max_body_bytes must be an integer "
	    "from 1024 to 4294967296 (got a floating-point number)");
}

static int
spool_dir_relative(void)
{
	return refused_with("spool_dir = \"spool\";\ntoken = \"t\";\n",
	    "spool_dir must be an absolute path");
}

static int
spool_dir_required(void)
{
	return refused_with("token = \"t\";\n", "spool_dir is required");
}

/* Key rotation: token as a list of strings, every entry kept in order. */
static int
token_list(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\ntoken = [ \"old-token\", \"new-token\" ];\n",
	    &c, err, sizeof(err)) == 0);
	CHECK(c.ntoken == 2);
	CHECK_STR(c.token[0], "old-token");
	CHECK_STR(c.token[1], "new-token");
	conf_free(&c);
	return 0;
}

static int
token_list_not_empty(void)
{
	return refused("spool_dir = \"/s\";\ntoken = [ ];\n", 2,
	    "token is an empty list, so nobody could send; list tokens or "
	    "remove the key");
}

static int
token_list_entry_not_empty(void)
{
	return refused("spool_dir = \"/s\";\ntoken = [ \"old-token\", \"\" ];\n", 2,
	    "token must not be empty");
}

/* Key rotation: basic_auth as a list of groups, each checked as one group is. */
static int
basic_auth_list(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\nbasic_auth = (\n"
	    " { user = \"yespo\"; password = \"old\"; },\n"
	    " { user = \"yespo\"; password = \"new\"; }\n);\n",
	    &c, err, sizeof(err)) == 0);
	CHECK(c.nbasic_auth == 2);
	CHECK_STR(c.basic_auth[0].password, "old");
	CHECK_STR(c.basic_auth[1].user, "yespo");
	CHECK_STR(c.basic_auth[1].password, "new");
	conf_free(&c);
	return 0;
}

static int
basic_auth_list_entry_checked(void)
{
	return refused("spool_dir = \"/s\";\nbasic_auth = (\n"
	    " { user = \"yespo\"; password = \"old\"; },\n"
	    " { user = \"yespo\"; }\n);\n", 4,
	    "basic_auth needs both user and password");
}

static int
token_not_empty(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"\";\n", 2,
	    "token must not be empty");
}

static int
max_body_too_small(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "max_body_bytes = 12;\n", 3, "max_body_bytes must be an integer "
	    "from 1024 to 4294967296 (got 12)");
}

static int
max_status_files_out_of_range(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "max_status_files = 0;\n", 3, "max_status_files must be an integer "
	    "from 1 to 1024 (got 0)");
}

static int
quarantine_max_bytes_out_of_range(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "quarantine_max_bytes = 1000;\n", 3, "quarantine_max_bytes must be "
	    "an integer from 1048576 to 1125899906842624 (got 1000)");
}

static int
max_body_too_large(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "max_body_bytes = 4294967297L;\n", 3, "max_body_bytes must be an "
	    "integer from 1024 to 4294967296 (got 4294967297L)");
}

static int
max_body_upper_bound(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "max_body_bytes = 4294967296L;\n", &c, err, sizeof(err)) == 0);
	CHECK(c.max_body_bytes == 4294967296LL);
	conf_free(&c);
	return 0;
}

/* libconfig 1.5 reads 10000000000 as 1410065408, which is in range. */
static int
max_body_not_wrapped(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "max_body_bytes = 10000000000;\n", 3, "max_body_bytes must be an "
	    "integer from 1024 to 4294967296 (got 10000000000)");
}

/* libconfig 1.5 reads 4294967296 without L as 0. */
static int
max_body_beyond_32_bits_exact(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "max_body_bytes =\n /* 4 GiB */ 4294967296 ;\n",
	    &c, err, sizeof(err)) == 0);
	CHECK(c.max_body_bytes == 4294967296LL);
	conf_free(&c);
	return 0;
}

static int
dedup_zero(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "dedup_window_days = 0;\n", 3, "dedup_window_days must be an "
	    "integer from 1 to 3650 (got 0)");
}

static int
retention_shorter_than_dedup_window(void)
{
	return refused_with("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "retention_days = 30;\n", "retention_days (30) is shorter than "
	    "dedup_window_days (45): set retention_days to at least 45, or 0 to keep "
	    "everything");
}

/* Compression is on and retention off unless the file says otherwise. */
static int
archive_keys_defaults(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\ntoken = \"t\";\n", &c, err, sizeof(err)) == 0);
	CHECK(c.archive_compress == 1 && c.retention_days == 0);
	conf_free(&c);
	CHECK(load("spool_dir = \"/s\";\ntoken = \"t\";\narchive_compress = false;\n"
	    "retention_days = 400;\n", &c, err, sizeof(err)) == 0);
	CHECK(c.archive_compress == 0 && c.retention_days == 400);
	conf_free(&c);
	return 0;
}

static int
dedup_too_large(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "dedup_window_days = 3651;\n", 3, "dedup_window_days must be an "
	    "integer from 1 to 3650 (got 3651)");
}

/* 4294967297 would wrap to 1, a valid value. */
static int
dedup_not_wrapped(void)
{
	return refused_with("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "dedup_window_days = 4294967297;\n", "(got 4294967297)");
}

static int
allow_from_parsed(void)
{
	struct conf	 c;
	char		 err[512];
	unsigned char	 want6[16];

	CHECK(load("spool_dir = \"/s\";\n"
	    "allow_from = ( \"192.0.2.77/20\", \"2001:db8::1/33\", \"10.1.2.3\" );\n",
	    &c, err, sizeof(err)) == 0);
	CHECK(c.nallow_from == 3);
	CHECK(c.allow_from[0].family == AF_INET);
	CHECK(c.allow_from[0].prefix == 20);
	CHECK(memcmp(c.allow_from[0].addr, "\xc0\x00\x00\x00", 4) == 0);
	CHECK(c.allow_from[1].family == AF_INET6);
	CHECK(c.allow_from[1].prefix == 33);
	CHECK(inet_pton(AF_INET6, "2001:db8::", want6) == 1);
	CHECK(memcmp(c.allow_from[1].addr, want6, 16) == 0);
	CHECK(c.allow_from[2].prefix == 32);
	CHECK(memcmp(c.allow_from[2].addr, "\x0a\x01\x02\x03", 4) == 0);
	conf_free(&c);
	return 0;
}

static int
allow_from_bad_cidr(void)
{
	return refused("spool_dir = \"/s\";\n"
	    "allow_from = [ \"192.0.2.0/24\", \"10.0.0.0/33\" ];\n", 2,
	    "allow_from entry \"10.0.0.0/33\" is not an IPv4 or IPv6 address "
	    "or CIDR block such as \"192.0.2.0/24\"");
}

static int
allow_from_not_strings(void)
{
	return refused_with("spool_dir = \"/s\";\nallow_from = [ 10 ];\n",
	    "each allow_from entry must be a string");
}

static int
allow_from_empty(void)
{
	return refused_with("spool_dir = \"/s\";\nallow_from = [ ];\n",
	    "allow_from is empty");
}

static int
timezone_unknown(void)
{
	int	 rc;

	if (make_zones("TZif2") == -1)
		return 1;
	rc = refused_with("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "timezone = \"Mars/Olympus\";\n",
	    "timezone \"Mars/Olympus\" is unknown");
	remove_zones();
	return rc;
}

/* zone.tab and the like exist but are no zones. */
static int
timezone_not_tzif(void)
{
	int	 rc;

	if (make_zones("# not a zone\n") == -1)
		return 1;
	rc = refused_with("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "timezone = \"Test/Zone\";\n", "timezone \"Test/Zone\" is unknown");
	remove_zones();
	return rc;
}

static int
timezone_no_dot_dot(void)
{
	return refused_with("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "timezone = \"Europe/../../etc/passwd\";\n", "is not a zone name");
}

/* glibc would read TZ=/path as a file anywhere. */
static int
timezone_not_absolute(void)
{
	return refused_with("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "timezone = \"/etc/localtime\";\n", "is not a zone name");
}

static int
missing_file(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(conf_load("/nonexistent/yespo-hook.conf", &c, err,
	    sizeof(err)) == -1);
	CHECK_STR(err, "cannot read config file /nonexistent/yespo-hook.conf: "
	    "No such file or directory; create it from "
	    "conf/yespo-hook.conf.example or set YESPO_HOOK_CONFIG");
	return 0;
}

static int
syntax_error_line(void)
{
	return refused("spool_dir = \"/s\";\n\ntoken = ;\n", 3, "syntax error");
}

static int
no_auth_refused(void)
{
	struct conf	 c;
	char		 err[512], want[1024];

	CHECK(load("spool_dir = \"/s\";\n", &c, err, sizeof(err)) == -1);
	snprintf(want, sizeof(want), "%s: no authorisation configured: set "
	    "token, basic_auth or allow_from, or allow_anonymous = true to "
	    "accept anyone", path);
	CHECK_STR(err, want);
	return 0;
}

static int
anonymous_accepted(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\nallow_anonymous = true;\n",
	    &c, err, sizeof(err)) == 0);
	CHECK(c.allow_anonymous == 1);
	CHECK(c.ntoken == 0 && c.nbasic_auth == 0 && c.allow_from == NULL);
	conf_free(&c);
	return 0;
}

static int
locate_cli_first(void)
{
	char	 buf[PATH_MAX], err[512];

	CHECK(conf_locate("/a.conf", "/b.conf", NULL, buf, sizeof(buf), err,
	    sizeof(err)) == buf);
	CHECK_STR(buf, "/a.conf");
	return 0;
}

static int
locate_env_second(void)
{
	char	 buf[PATH_MAX], err[512];

	CHECK(conf_locate(NULL, "/b.conf", NULL, buf, sizeof(buf), err,
	    sizeof(err)) == buf);
	CHECK_STR(buf, "/b.conf");
	return 0;
}

/* An empty YESPO_HOOK_CONFIG counts as unset. */
static int
locate_beside_binary(void)
{
	char	 buf[PATH_MAX], err[512], exe[PATH_MAX];
	ssize_t	 n;
	size_t	 dlen;
	char	*rest;

	CHECK(conf_locate(NULL, "", NULL, buf, sizeof(buf), err, sizeof(err)) == buf);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CHECK(n > 0);
	exe[n] = '\0';
	/* exe is DIR/FOLDER/BINARY when buf is DIR/yespo-hook.conf. */
	CHECK(strlen(buf) >= strlen("/yespo-hook.conf"));
	dlen = strlen(buf) - strlen("/yespo-hook.conf");
	CHECK_STR(buf + dlen, "/yespo-hook.conf");
	CHECK(strncmp(exe, buf, dlen) == 0 && exe[dlen] == '/');
	rest = exe + dlen + 1;
	CHECK(strchr(rest, '/') != NULL);
	CHECK(strchr(strchr(rest, '/') + 1, '/') == NULL);
	return 0;
}

static int
locate_too_long(void)
{
	char	 buf[8], err[512];

	CHECK(conf_locate("/a/long/path.conf", NULL, NULL, buf, sizeof(buf), err,
	    sizeof(err)) == NULL);
	CHECK(strstr(err, "too long") != NULL);
	return 0;
}

/* Write text to dir/name. */
static int
put_file(const char *dir, const char *name, const char *text)
{
	char	 file[600];
	FILE	*f;

	snprintf(file, sizeof(file), "%s/%s", dir, name);
	if ((f = fopen(file, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int
include_relative_to_config_folder(void)
{
	struct conf	 c;
	char		 dir[300], sub[320], main_conf[400], other[400], cwd[PATH_MAX], err[512];

	snprintf(dir, sizeof(dir), "%s/test_inc.XXXXXX", tmpdir());
	CHECK(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof(sub), "%s/etc", dir);
	CHECK(mkdir(sub, 0700) == 0);
	snprintf(main_conf, sizeof(main_conf), "%s/main.conf", sub);
	snprintf(other, sizeof(other), "%s/secret.conf", sub);
	CHECK(put_file(sub, "main.conf", "spool_dir = \"/srv/spool\";\n@include \"secret.conf\"\n") == 0);
	CHECK(put_file(sub, "secret.conf", "token = \"from-the-include-0123\";\n") == 0);
	/* A file of the same name in the working directory must not be read. */
	CHECK(put_file(dir, "secret.conf", "token = \"from-the-cwd-0123456\";\n") == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir(dir) == 0);
	CHECK(conf_load(main_conf, &c, err, sizeof(err)) == 0);
	CHECK(chdir("/") == 0);
	CHECK_STR(c.token[0], "from-the-include-0123");
	conf_free(&c);
	CHECK(conf_load(main_conf, &c, err, sizeof(err)) == 0);
	CHECK_STR(c.token[0], "from-the-include-0123");
	conf_free(&c);
	/* An absolute @include is taken as it is. */
	CHECK(put_file(sub, "main.conf", "spool_dir = \"/srv/spool\";\n@include \"") == 0);
	{
		FILE *f = fopen(main_conf, "a");

		CHECK(f != NULL);
		fprintf(f, "%s\"\n", other);
		CHECK(fclose(f) == 0);
	}
	CHECK(conf_load(main_conf, &c, err, sizeof(err)) == 0);
	CHECK_STR(c.token[0], "from-the-include-0123");
	conf_free(&c);
	/* A mistake in an included file names it by its place beside the config. */
	CHECK(put_file(sub, "main.conf", "spool_dir = \"/srv/spool\";\n@include \"secret.conf\"\n") == 0);
	CHECK(put_file(sub, "secret.conf", "token = \"abcdefghijklmnopq\";\ntokn = 1;\n") == 0);
	CHECK(conf_load(main_conf, &c, err, sizeof(err)) == -1);
	CHECK(strncmp(err, other, strlen(other)) == 0 && strncmp(err + strlen(other), ":2: ", 4) == 0);
	CHECK(chdir(cwd) == 0);
	unlink(other);
	unlink(main_conf);
	snprintf(other, sizeof(other), "%s/secret.conf", dir);
	unlink(other);
	rmdir(sub);
	rmdir(dir);
	return 0;
}

/* summary.csv is remade at most once a minute unless told otherwise. */
static int
summary_refresh_default_a_minute(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\ntoken = \"t\";\n", &c, err, sizeof(err)) == 0);
	CHECK(c.summary_refresh_seconds == 60);
	conf_free(&c);
	return 0;
}

/* 0 asks for summary.csv after every batch. */
static int
summary_refresh_zero_accepted(void)
{
	struct conf	 c;
	char		 err[512];

	CHECK(load("spool_dir = \"/s\";\ntoken = \"t\";\nsummary_refresh_seconds = 0;\n",
	    &c, err, sizeof(err)) == 0);
	CHECK(c.summary_refresh_seconds == 0);
	conf_free(&c);
	return 0;
}

static int
summary_refresh_out_of_range(void)
{
	return refused("spool_dir = \"/s\";\ntoken = \"t\";\n"
	    "summary_refresh_seconds = -1;\n", 3, "summary_refresh_seconds must be an "
	    "integer from 0 to 86400 (got -1)");
}

static const struct test tests[] = {
	T(defaults),
	T(include_relative_to_config_folder),
	T(reads_every_key),
	T(csv_dir_default_no_double_slash),
	T(unknown_key_named_with_line),
	T(unknown_key_in_basic_auth),
	T(basic_auth_needs_password),
	T(basic_auth_user_without_colon),
	T(wrong_type_string),
	T(wrong_type_bool),
	T(wrong_type_integer),
	T(spool_dir_relative),
	T(spool_dir_required),
	T(token_not_empty),
	T(token_list),
	T(token_list_not_empty),
	T(token_list_entry_not_empty),
	T(basic_auth_list),
	T(basic_auth_list_entry_checked),
	T(max_body_too_small),
	T(max_status_files_out_of_range),
	T(summary_refresh_default_a_minute),
	T(summary_refresh_zero_accepted),
	T(summary_refresh_out_of_range),
	T(quarantine_max_bytes_out_of_range),
	T(max_body_too_large),
	T(max_body_upper_bound),
	T(max_body_not_wrapped),
	T(max_body_beyond_32_bits_exact),
	T(dedup_zero),
	T(dedup_too_large),
	T(retention_shorter_than_dedup_window),
	T(archive_keys_defaults),
	T(dedup_not_wrapped),
	T(allow_from_parsed),
	T(allow_from_bad_cidr),
	T(allow_from_not_strings),
	T(allow_from_empty),
	T(timezone_unknown),
	T(timezone_not_tzif),
	T(timezone_no_dot_dot),
	T(timezone_not_absolute),
	T(missing_file),
	T(syntax_error_line),
	T(no_auth_refused),
	T(anonymous_accepted),
	T(locate_cli_first),
	T(locate_env_second),
	T(locate_beside_binary),
	T(locate_too_long),
};

TEST_MAIN(tests)

#!/usr/bin/env bash
# config_unreadable_other_user: when the web server runs CGI as another
# user than the one who made the config (no suEXEC), the spool is usable
# by that user but the config is not readable: the request answers 503
# and the log line names the config file and the user the CGI runs as, and
# says why.  Needs root, to run the binary as "nobody" (skipped otherwise).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_need setpriv
[ "$(id -u)" = 0 ] || yh_skip "needs root to run the binary as another user"
id nobody >/dev/null 2>&1 || yh_skip "no user nobody"
yh_std_conf
chmod 0755 "$T"
chown nobody "$SPOOL"
chmod 0600 "$CONF"
uid=$(id -u nobody)
gid=$(id -g nobody)
setpriv --reuid="$uid" --regid="$gid" --clear-groups test -x "$YH_BIN" ||
	yh_skip "nobody cannot run $YH_BIN (its folders are not searchable)"

for method in GET POST; do
	env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=$method \
		CONTENT_LENGTH=2 REMOTE_ADDR=127.0.0.1 YESPO_HOOK_CONFIG="$CONF" \
		setpriv --reuid="$uid" --regid="$gid" --clear-groups "$YH_BIN" \
		<<<'[]' >"$T/cgi.out" 2>"$T/cgi.err"
	yh_cgi_parse "$T/cgi.out"
	yh_expect_code 503 "$method with a config nobody can read"
	grep -F "$CONF" "$T/cgi.err" | grep -F "uid $uid \"nobody\"" |
		grep -qF "another user" ||
		yh_fail "$method: the log does not name the file, the user and the cause: $(cat "$T/cgi.err")"
done
yh_finish

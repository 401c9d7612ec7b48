#!/usr/bin/env bash
# quarantine_pid_namespaces: two CGI workers with the same pid, each in its
# own PID namespace (containers sharing one spool), stream a 3 MB body each
# (all A, all B) to quarantine at the same time.  Each body answered 200
# is in quarantine whole: their temporary files must not share a name.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
[ "$(id -u)" = 0 ] || yh_skip "unshare --pid needs root"
unshare --pid --fork true 2>/dev/null || yh_skip "unshare --pid --fork does not work here"
yh_std_conf "max_body_bytes = 1048576;"
size=3145728

# The body comes in two parts with a pause, so both workers have their
# temporary file open at once.
send() {
	local ch=$1
	{
		head -c 1048576 /dev/zero | tr '\0' "$ch"
		sleep 1
		head -c $((size - 1048576)) /dev/zero | tr '\0' "$ch"
	} | unshare --pid --fork env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 \
		SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 SCRIPT_NAME=/hook.cgi \
		YESPO_HOOK_CONFIG="$CONF" REQUEST_METHOD=POST CONTENT_LENGTH=$size \
		CONTENT_TYPE=application/json QUERY_STRING="token=$YH_TOKEN" \
		"$YH_BIN" >"$T/out.$ch" 2>"$T/err.$ch"
}
send A &
a=$!
send B &
b=$!
wait "$a" "$b"

for ch in A B; do
	head -c $size /dev/zero | tr '\0' "$ch" >"$T/body.$ch"
	yh_cgi_parse "$T/out.$ch"
	[ "$CODE" = 200 ] || { yh_fail "the all-$ch body was answered $CODE: $(cat "$T/err.$ch")"; continue; }
	found=0
	for f in $(yh_files "$SPOOL/quarantine"); do
		cmp -s "$T/body.$ch" "$SPOOL/quarantine/$f" && found=1
	done
	[ $found = 1 ] || yh_fail "the all-$ch body was answered 200 but no quarantine file holds it whole: $(cd "$SPOOL/quarantine" && wc -c -- * | tr '\n' ' ')"
done
yh_finish

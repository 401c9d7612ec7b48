#!/usr/bin/env bash
# spawn_fcgi_bulk: the binary as a FastCGI responder without a web server,
# started by spawn-fcgi and driven by cgi-fcgi (libfcgi-bin).  The config
# path arrives only as a FastCGI parameter (cgi-fcgi sends its environment
# as the request's parameters), as Apache's SetEnv does.  One long-lived
# process serves the probe, the bulk batch and its replay.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_need spawn-fcgi cgi-fcgi
yh_init
yh_std_conf
sock=$T/run/app.sock

# -n: no fork; spawn-fcgi binds the socket, puts it on fd 0 and execs the
# binary, so $! is the worker's pid.
env -u YESPO_HOOK_CONFIG spawn-fcgi -n -s "$sock" -- "$YH_BIN" \
	</dev/null >"$T/log/spawn.out" 2>&1 &
app=$!
YH_EXTRA_PIDS="$YH_EXTRA_PIDS $app"
yh_track_pid "$app"
for _ in $(seq 1 100); do
	[ -S "$sock" ] && break
	yh_alive "$app" || break
	sleep 0.1
done
[ -S "$sock" ] || yh_die "spawn-fcgi made no socket $sock: $(cat "$T/log/spawn.out")"

# One request through cgi-fcgi: fcgi_req OUT STDIN VAR=VALUE...
fcgi_req() {
	local out=$1 in=$2
	shift 2
	env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
		SERVER_SOFTWARE=yh-e2e SERVER_NAME=127.0.0.1 SERVER_PORT=80 \
		REMOTE_ADDR=127.0.0.1 SCRIPT_NAME=/hook YESPO_HOOK_CONFIG="$CONF" "$@" \
		timeout 30 cgi-fcgi -bind -connect "$sock" <"$in" >"$out" 2>"$T/cgi-fcgi.err"
	local rc=$?
	[ $rc -eq 0 ] || yh_fail "cgi-fcgi exited $rc: $(cat "$T/cgi-fcgi.err")"
	yh_cgi_parse "$out"
}

fcgi_req "$T/out" /dev/null REQUEST_METHOD=GET
if yh_expect_code 200 "GET through cgi-fcgi"; then
	yh_expect_json_type "GET through cgi-fcgi"
	yh_expect_body '{"status":"ok"}' "GET through cgi-fcgi"
fi

body=$YH_DATA/bulk-campaign.json
size=$(wc -c <"$body")
fcgi_req "$T/out" "$body" REQUEST_METHOD=POST CONTENT_TYPE=application/json \
	CONTENT_LENGTH="$size" QUERY_STRING="token=$YH_TOKEN"
if yh_expect_code 200 "POST through cgi-fcgi"; then
	yh_expect_json_type "POST through cgi-fcgi"
	yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "POST through cgi-fcgi"
fi
yh_check_files bulk

fcgi_req "$T/out" "$body" REQUEST_METHOD=POST CONTENT_TYPE=application/json \
	CONTENT_LENGTH="$size" QUERY_STRING="token=$YH_TOKEN"
yh_expect_code 200 "second POST through cgi-fcgi" &&
	yh_expect_body '{"received":4,"stored":0,"duplicates":4,"quarantined":0}' "second POST through cgi-fcgi"
yh_check_files bulk
yh_alive "$app" || yh_fail "the FastCGI process ended after the requests"
yh_finish

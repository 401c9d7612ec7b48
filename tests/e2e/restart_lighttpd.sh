#!/usr/bin/env bash
# restart_lighttpd: lighttpd (shipped conf/lighttpd.conf) is stopped and
# started again on the same port twice in the middle of a stream of
# batches sent as Yespo does (resent until 200): once gracefully (SIGINT:
# requests in progress finish), once at once (SIGTERM: workers killed).
# Every batch is acknowledged in the end, every acknowledged event is in
# the archive exactly once, and --verify passes.
# shellcheck source=apache_lib.sh
. "$(dirname "$0")/apache_lib.sh"
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-100}
NB=200
yh_need_lighttpd
yh_ap_init
yh_std_conf
yh_lt_start_shipped

# Stop lighttpd with SIGNAL (and its workers), start it again, same port.
lt_restart() {
	local kids p
	kids=$(yh_descendants "$YH_LT_PID")
	kill -"$1" "$YH_LT_PID"
	for _ in $(seq 1 100); do
		yh_alive "$YH_LT_PID" || break
		sleep 0.1
	done
	yh_stop_pid "$YH_LT_PID"
	yh_untrack_pid "$YH_LT_PID"
	for p in $kids; do yh_stop_pid "$p"; done
	lighttpd -D -f "$YH_LT_CONF" </dev/null >>"$T/log/lighttpd.out" 2>&1 &
	YH_LT_PID=$!
	yh_track_pid "$YH_LT_PID"
	for _ in $(seq 1 100); do
		curl -s --noproxy '*' --max-time 2 -o /dev/null "$BASE/ready.txt" && return 0
		yh_alive "$YH_LT_PID" || break
		sleep 0.1
	done
	yh_die "lighttpd did not come back on $BASE after SIG$1"
}

yh_stream_start "$NB"
yh_stream_wait 15
at1=$(wc -l <"$T/acked")
lt_restart INT
yh_stream_wait $((at1 + 10))
at2=$(wc -l <"$T/acked")
lt_restart TERM
[ "$at2" -lt "$NB" ] || say "note: the stream ended before the second restart"
say "restarts after $at1 and $at2 acknowledged batches"
yh_stream_check "$NB"
yh_finish

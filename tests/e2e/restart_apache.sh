#!/usr/bin/env bash
# restart_apache: Apache + mod_fcgid (shipped conf/apache-fcgid.conf) gets
# two graceful restarts (which replace every yespo-hook process) in the
# middle of a stream of batches sent as Yespo does (resent until 200): every
# batch is acknowledged in the end, every acknowledged event is in the
# archive exactly once, and --verify passes.
# shellcheck source=apache_lib.sh
. "$(dirname "$0")/apache_lib.sh"
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-100}
NB=200
yh_need_apache fcgid
yh_ap_init
yh_std_conf
yh_ap_site_fcgid
yh_ap_start fcgid
yh_stream_start "$NB"
yh_stream_wait 15
at1=$(wc -l <"$T/acked")
yh_ap_graceful
yh_stream_wait $((at1 + 10))
at2=$(wc -l <"$T/acked")
yh_ap_graceful
[ "$at2" -lt "$NB" ] || say "note: the stream ended before the second restart"
say "graceful restarts after $at1 and $at2 acknowledged batches"
yh_stream_check "$NB"
yh_finish

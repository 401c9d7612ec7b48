#!/usr/bin/env bash
# fastcgi_probe_status: the authorised probe answers the object of --status
# (the same members in the same order, "status" first), with max_silence=
# in the query as --max-silence: a silence makes its "status" "unhealthy"
# and names the problem, while the answer stays 200 (only a setup that
# cannot work fails Yespo's Save); without credentials the probe still says
# only {"status":"ok"}.  Under lighttpd with FastCGI.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi
keys() {	# FILE: the object's member names, in order
	/usr/bin/python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))))' "$1"
}

yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$YH_DATA/bulk-campaign.json"
yh_expect_code 200 "POST"
yh_http GET "$BASE$HOOK?token=$YH_TOKEN"
yh_expect_code 200 "authorised probe"
cp "$T/resp.body" "$T/probe.json"
yh_status
yh_expect_status 0 ok "--status"
[ "$(keys "$T/probe.json")" = "$(keys "$T/status.json")" ] ||
	yh_fail "the probe's members differ from --status's: $(keys "$T/probe.json") / $(keys "$T/status.json")"
for m in status events_today last_received quarantine last_503 views format on_commit consumers problems; do
	[ "$(yh_member "$m" "$T/probe.json")" = "$(yh_member "$m")" ] ||
		yh_fail "$m: the probe says $(yh_member "$m" "$T/probe.json"), --status $(yh_member "$m")"
done

touch -d '-2 hours' "$SPOOL"/archive/*.jsonl
yh_http GET "$BASE$HOOK?token=$YH_TOKEN&max_silence=1h"
yh_expect_code 200 "authorised probe, max_silence=1h, silent for 2 hours"
[ "$(yh_member status "$T/resp.body")" = '"unhealthy"' ] && grep -q 'no event received since' "$T/resp.body" ||
	yh_fail "the probe does not report the silence: $(cat "$T/resp.body")"
yh_http GET "$BASE$HOOK?max_silence=1h&token=$YH_TOKEN&max_silence=3h"
[ "$(yh_member status "$T/resp.body")" = '"unhealthy"' ] ||
	yh_fail "the first max_silence does not count: $(cat "$T/resp.body")"
yh_http GET "$BASE$HOOK?token=$YH_TOKEN&max_silence=3h"
[ "$(yh_member status "$T/resp.body")" = '"ok"' ] ||
	yh_fail "max_silence=3h, silent for 2 hours: $(cat "$T/resp.body")"
yh_http GET "$BASE$HOOK?max_silence=1h"
yh_expect_code 200 "probe without credentials" &&
	yh_expect_body '{"status":"ok"}' "probe without credentials, silent"
yh_finish

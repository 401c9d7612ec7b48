#!/usr/bin/env bash
# fastcgi_probe_figures: a probe with valid credentials adds today's figures
# (events_today, last_received); with a wrong token it says only
# {"status":"ok"}, so a stranger learns nothing of the feed.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi

yh_http GET "$BASE$HOOK?token=$YH_TOKEN"
yh_expect_code 200 "GET with the token, empty spool" &&
	yh_expect_body '{"status":"ok","events_today":0}' "GET with the token, empty spool"

yh_post_fixture bulk-campaign.json bulk
start=$(yh_now)
yh_http GET "$BASE$HOOK?token=$YH_TOKEN"
if yh_expect_code 200 "GET with the token after a batch"; then
	body=$(cat "$T/resp.body")
	case $body in
	'{"status":"ok","events_today":4,"last_received":"'????-??-??T??:??:??Z'"}') ;;
	*) yh_fail "GET with the token after a batch: '$body', want events_today 4 and last_received" ;;
	esac
	stamp=${body#*last_received\":\"}
	stamp=${stamp%%\"*}
	# The archive grew during the POST, just before this probe.
	[ "$(date -u -d "$stamp" +%s)" -le "$(date -u -d "$start" +%s)" ] ||
		yh_fail "last_received $stamp is after the probe began ($start)"
fi

yh_http GET "$BASE$HOOK?token=not-the-token"
yh_expect_code 200 "GET with a wrong token" &&
	yh_expect_body '{"status":"ok"}' "GET with a wrong token"
yh_finish

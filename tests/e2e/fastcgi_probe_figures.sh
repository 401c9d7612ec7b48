#!/usr/bin/env bash
# fastcgi_probe_figures: a probe with valid credentials answers the object
# of --status, "status" first, with today's figures (events_today,
# last_received); with a wrong token it says only {"status":"ok"}, so a
# stranger learns nothing of the feed.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi

# A member of the last answer's JSON object, as JSON text.
member() {
	/usr/bin/python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]]))' \
		"$T/resp.body" "$1" 2>/dev/null
}

yh_http GET "$BASE$HOOK?token=$YH_TOKEN"
if yh_expect_code 200 "GET with the token, empty spool"; then
	case $(cat "$T/resp.body") in
	'{"status":"ok",'*) ;;
	*) yh_fail "GET with the token, empty spool: 'status' is not first and ok: $(cat "$T/resp.body")" ;;
	esac
	[ "$(member events_today)" = 0 ] && [ "$(member last_received)" = null ] ||
		yh_fail "GET with the token, empty spool: $(cat "$T/resp.body")"
fi

yh_post_fixture bulk-campaign.json bulk
start=$(yh_now)
yh_http GET "$BASE$HOOK?token=$YH_TOKEN"
if yh_expect_code 200 "GET with the token after a batch"; then
	body=$(cat "$T/resp.body")
	stamp=$(member last_received | tr -d '"')
	case $(member events_today)/$stamp in
	4/????-??-??T??:??:??Z) ;;
	*) yh_fail "GET with the token after a batch: '$body', want events_today 4 and last_received" ;;
	esac
	# The archive grew during the POST, just before this probe.
	[ "$(date -u -d "$stamp" +%s)" -le "$(date -u -d "$start" +%s)" ] ||
		yh_fail "last_received $stamp is after the probe began ($start)"
fi

yh_http GET "$BASE$HOOK?token=not-the-token"
yh_expect_code 200 "GET with a wrong token" &&
	yh_expect_body '{"status":"ok"}' "GET with a wrong token"
yh_finish

#!/usr/bin/env bash
# fastcgi_probe: the GET Yespo sends when the webhook URL is saved (with or
# without credentials), and HEAD, answer 200 with application/json; without
# credentials the body is exactly {"status":"ok"}.  A probe writes nothing
# but csv_dir, which it makes when missing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi

# On a fresh spool first, then on one that holds a batch.
for round in fresh stored; do
	if [ $round = stored ]; then
		yh_post_fixture bulk-campaign.json bulk
	fi
	yh_snapshot >"$T/before"

	for i in 1 2 3 4; do	# more requests than workers
		yh_http GET "$BASE$HOOK"
		yh_expect_code 200 "GET ($round spool) #$i" || continue
		yh_expect_json_type "GET ($round spool) #$i"
		yh_expect_body '{"status":"ok"}' "GET without credentials ($round spool) #$i"
	done

	yh_http HEAD "$BASE$HOOK"
	yh_expect_code 200 "HEAD ($round spool)" && yh_expect_json_type "HEAD ($round spool)"

	# With the token it may say more, but it is still the ok object.
	yh_http GET "$BASE$HOOK?token=$YH_TOKEN"
	if yh_expect_code 200 "GET with the token ($round spool)"; then
		yh_expect_json_type "GET with the token ($round spool)"
		body=$(cat "$T/resp.body")
		case $body in
		'{"status":"ok"}' | '{"status":"ok",'*'}') ;;
		*) yh_fail "GET with the token ($round spool): body '$body' is not {\"status\":\"ok\",...}" ;;
		esac
	fi

	yh_snapshot | grep -vxF "$CSV/" >"$T/after"
	grep -vxF "$CSV/" "$T/before" >"$T/before.kept"
	mv "$T/before.kept" "$T/before"
	if ! cmp -s "$T/before" "$T/after"; then
		yh_fail "the probes changed the spool or csv_dir ($round spool)"
		diff -u --label before --label after "$T/before" "$T/after" >&2
	fi
done
yh_finish

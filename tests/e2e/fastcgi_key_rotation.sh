#!/usr/bin/env bash
# fastcgi_key_rotation: a token is rotated while batches keep arriving,
# as yespo-hook.conf(5) describes: the config goes from the old token to
# both (a list), the sender moves to the new one, the config keeps the new
# one only.  Every POST answers 200 and is stored; at the end the old token
# is refused.  Under lighttpd with FastCGI workers, which read the config
# on each request; each config is replaced whole (written beside, renamed).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
OLD=old-token-0123456789abcdef
NEW=new-token-fedcba9876543210

# Replace the config whole, as the man page tells to.
put_conf() {
	local real=$CONF
	CONF=$T/next.conf
	yh_write_conf "token = $1;"
	CONF=$real
	mv -f "$T/next.conf" "$CONF"
}

# The sender: one POST of one new event after another, with the token the
# phase file names ("both": old and new in turn), each result a line of
# $T/sent: "N TOKEN CODE".
sender() {
	local i=0 phase tok code
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		phase=$(cat "$T/phase")
		case $phase in
		old) tok=old ;;
		new) tok=new ;;
		both) if [ $((i % 2)) = 0 ]; then tok=old; else tok=new; fi ;;
		esac
		if [ "$tok" = old ]; then t=$OLD; else t=$NEW; fi
		printf '[{"iid":"rot-%d","activityStatus":"DELIVERED","mediaType":"email"}]' "$i" >"$T/body"
		code=$(curl -sS --noproxy '*' --max-time 30 -o /dev/null -w '%{http_code}' \
			-H 'Content-Type: application/json' --data-binary "@$T/body" \
			"$BASE$HOOK?token=$t" 2>/dev/null) || code=000
		printf '%s %s %s %s\n' "$i" "$phase" "$tok" "$code" >>"$T/sent"
	done
}

# Wait (bounded by the watchdog) until n more POSTs have been answered.
wait_posts() {
	local want=$(($(wc -l <"$T/sent") + $1))
	while [ "$(wc -l <"$T/sent")" -lt "$want" ]; do sleep 0.05; done
}

put_conf "\"$OLD\""
echo old >"$T/phase"
: >"$T/sent"
yh_lt_start fastcgi
sender &
SENDER=$!
yh_track_pid "$SENDER"
wait_posts 5
put_conf "[ \"$OLD\", \"$NEW\" ]"
wait_posts 5
echo both >"$T/phase"
wait_posts 10
echo new >"$T/phase"
wait_posts 5
put_conf "[ \"$NEW\" ]"
wait_posts 5
touch "$T/stop"
wait "$SENDER"
yh_untrack_pid "$SENDER"

n=$(wc -l <"$T/sent")
bad=$(awk '$4 != 200' "$T/sent")
[ -z "$bad" ] || yh_fail "POSTs not answered 200 during the rotation (N PHASE TOKEN CODE): $bad"
for p in "both old" "both new"; do
	grep -q " $p 200\$" "$T/sent" || yh_fail "no POST with phase and token '$p' was made"
done
stored=$(cat "$SPOOL"/archive/*.jsonl | wc -l)
[ "$stored" = "$n" ] || yh_fail "$n POSTs answered, $stored events stored"

yh_post_file "$BASE$HOOK?token=$OLD" "$YH_DATA/bulk-campaign.json"
yh_expect_code 403 "POST with the old token after the rotation"
yh_post_file "$BASE$HOOK?token=$NEW" "$YH_DATA/bulk-campaign.json"
yh_expect_code 200 "POST with the new token after the rotation"
say "$n POSTs during the rotation, all 200"
yh_finish

#!/usr/bin/env bash
# fastcgi_key_rotation: a token (or, with the argument basic_auth, a Basic
# password) is rotated while batches keep arriving, as yespo-hook.conf(5)
# describes: the config goes from the old key to both (a list), the
# sender moves to the new one, the config keeps the new one only.  Every
# POST answers 200 and is stored; at the end the old key is refused.
# Under lighttpd with FastCGI workers, which read the config on each
# request; each config is replaced whole (written beside, renamed).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
KIND=${3:-token}
yh_init
OLD=old-key-0123456789abcdef
NEW=new-key-fedcba9876543210

# Replace the config whole, as the man page tells to: the keys named (old,
# new, or both).
put_conf() {
	local real=$CONF line
	case $KIND/$1 in
	token/old) line="token = \"$OLD\";" ;;
	token/both) line="token = [ \"$OLD\", \"$NEW\" ];" ;;
	token/new) line="token = [ \"$NEW\" ];" ;;
	basic_auth/old) line="basic_auth = { user = \"yespo\"; password = \"$OLD\"; };" ;;
	basic_auth/both) line="basic_auth = ( { user = \"yespo\"; password = \"$OLD\"; }, { user = \"yespo\"; password = \"$NEW\"; } );" ;;
	basic_auth/new) line="basic_auth = ( { user = \"yespo\"; password = \"$NEW\"; } );" ;;
	esac
	CONF=$T/next.conf
	yh_write_conf "$line"
	CONF=$real
	mv -f "$T/next.conf" "$CONF"
}

# The curl arguments that present key K: in the URL or as Basic credentials.
present() {
	if [ "$KIND" = token ]; then
		printf '%s\n' "$BASE$HOOK?token=$1"
	else
		printf '%s\n' -u "yespo:$1" "$BASE$HOOK"
	fi
}

# The sender: one POST of one new event after another, with the token the
# phase file names ("both": old and new in turn), each result a line of
# $T/sent: "N TOKEN CODE".
sender() {
	local i=0 phase tok code t args
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
		mapfile -t args < <(present "$t")
		code=$(curl -sS --noproxy '*' --max-time 30 -o /dev/null -w '%{http_code}' \
			-H 'Content-Type: application/json' --data-binary "@$T/body" \
			"${args[@]}" 2>/dev/null) || code=000
		printf '%s %s %s %s\n' "$i" "$phase" "$tok" "$code" >>"$T/sent"
	done
}

# Name the sender's phase: replaced whole, so the sender never reads it
# half-written.
set_phase() {
	echo "$1" >"$T/phase.next"
	mv -f "$T/phase.next" "$T/phase"
}

# Wait (bounded by the watchdog) until n more POSTs have been answered.
wait_posts() {
	local want=$(($(wc -l <"$T/sent") + $1))
	while [ "$(wc -l <"$T/sent")" -lt "$want" ]; do sleep 0.05; done
}

put_conf old
set_phase old
: >"$T/sent"
yh_lt_start fastcgi
sender &
SENDER=$!
yh_track_pid "$SENDER"
wait_posts 5
put_conf both
wait_posts 5
set_phase both
wait_posts 10
set_phase new
wait_posts 5
put_conf new
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

mapfile -t args < <(present "$OLD")
yh_post_file "${args[-1]}" "$YH_DATA/bulk-campaign.json" "${args[@]:0:${#args[@]}-1}"
if [ "$KIND" = token ]; then refused=403; else refused=401; fi
yh_expect_code "$refused" "POST with the old key after the rotation"
mapfile -t args < <(present "$NEW")
yh_post_file "${args[-1]}" "$YH_DATA/bulk-campaign.json" "${args[@]:0:${#args[@]}-1}"
yh_expect_code 200 "POST with the new key after the rotation"
say "$n POSTs during the rotation, all 200"
yh_finish

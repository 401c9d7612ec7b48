#!/usr/bin/env bash
# cli_consumer_pending: what --tail hands out stays pending until --ack:
# a loader that never acks (it died) gets the same events again; after
# --ack the next --tail starts right after them; --max-events bounds a
# round; --consumers shows the lag going to 0; two consumers keep their
# own offsets.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
for f in bulk-campaign.json triggered-campaign.json edge.json; do
	"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/$f" >/dev/null 2>"$T/err" ||
		yh_die "--ingest $f: $(cat "$T/err")"
done
"$YH_BIN" --export --format jsonl --config "$CONF" >"$T/all" 2>"$T/err" ||
	yh_die "--export: $(cat "$T/err")"
total=$(wc -l <"$T/all")
[ "$total" -ge 6 ] || yh_die "only $total events archived"

tail_() { "$YH_BIN" --tail --consumer "$1" --max-events "$2" --config "$CONF" 2>"$T/err" ||
	yh_die "--tail $1: $(cat "$T/err")"; }
ack() { "$YH_BIN" --ack --consumer "$1" --config "$CONF" 2>"$T/err" ||
	yh_die "--ack $1: $(cat "$T/err")"; }
lag() { "$YH_BIN" --consumers --config "$CONF" | awk -F '\t' -v c="$1" '$1 == c { print $3 }'; }

tail_ a 3 >"$T/r1"
tail_ a 3 >"$T/r1again"
head -n 3 "$T/all" >"$T/want1"
cmp -s "$T/r1" "$T/want1" || yh_fail "the first round is not the first 3 archived events"
cmp -s "$T/r1again" "$T/want1" || yh_fail "without --ack, the next --tail did not hand out the same events"
[ "$(lag a)" = "$total" ] || yh_fail "lag before any ack is $(lag a), not $total"

ack a
[ "$(lag a)" = $((total - 3)) ] || yh_fail "lag after acking 3 is $(lag a), not $((total - 3))"
tail_ a 1000000 >"$T/r2"
sed -n '4,$p' "$T/all" >"$T/want2"
cmp -s "$T/r2" "$T/want2" || yh_fail "after --ack, --tail did not start right after the acked events"
ack a
[ "$(lag a)" = 0 ] || yh_fail "lag after acking everything is $(lag a)"
tail_ a 10 >"$T/r3"
[ -s "$T/r3" ] && yh_fail "a consumer with nothing new got $(wc -l <"$T/r3") events"

# A second consumer starts at the oldest event, whatever the first did.
tail_ b 2 >"$T/b1"
head -n 2 "$T/all" >"$T/wantb"
cmp -s "$T/b1" "$T/wantb" || yh_fail "a new consumer did not start at the oldest event"
yh_finish

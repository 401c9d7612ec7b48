#!/usr/bin/env bash
# cli_consumer_days: a consumer reads across receipt days in order, one
# round may span a day boundary, and events archived after its ack (on a
# later day) come in the next round, each once.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/bulk-campaign.json" >/dev/null 2>"$T/err" ||
	yh_die "--ingest: $(cat "$T/err")"
DAY=$(cd "$CSV" && ls)
# Two older days, as if archived then (their lines are archive lines).
cp "$SPOOL/archive/$DAY.jsonl" "$SPOOL/archive/2020-01-01.jsonl"
head -n 1 "$SPOOL/archive/$DAY.jsonl" >"$SPOOL/archive/2020-01-02.jsonl"
n0=$(wc -l <"$SPOOL/archive/2020-01-01.jsonl")

tail_() { "$YH_BIN" --tail --consumer w --max-events "$1" --config "$CONF" 2>"$T/err" ||
	yh_die "--tail: $(cat "$T/err")"; }
ack() { "$YH_BIN" --ack --consumer w --config "$CONF" 2>"$T/err" || yh_die "--ack: $(cat "$T/err")"; }

# A round that ends one event into the second day.
tail_ $((n0 + 1)) >"$T/r1"
{ cat "$SPOOL/archive/2020-01-01.jsonl"; cat "$SPOOL/archive/2020-01-02.jsonl"; } >"$T/want1"
cmp -s "$T/r1" "$T/want1" || yh_fail "a round across the day boundary is not day 1 then day 2's first event"
ack
# The rest, then a new batch on today, then nothing.
tail_ 1000000 >"$T/r2"
cmp -s "$T/r2" "$SPOOL/archive/$DAY.jsonl" || yh_fail "the next round is not today's archive"
ack
"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/triggered-campaign.json" >/dev/null 2>"$T/err" ||
	yh_die "--ingest: $(cat "$T/err")"
tail_ 1000000 >"$T/r3"
"$YH_BIN" --export --format jsonl --config "$CONF" >"$T/all" 2>"$T/err" || yh_die "--export: $(cat "$T/err")"
cat "$T/r1" "$T/r2" "$T/r3" >"$T/got"
cmp -s "$T/got" "$T/all" || yh_fail "the rounds together are not every archived event once, in order"
yh_finish

#!/usr/bin/env bash
# index_bad_header: an index whose header claims 2^62 slots is damage: the
# next batch makes the index anew from the archive, so nothing is stored
# twice, and --verify passes.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_ingest_ok mixed.json
# Bytes 8-15 of the header are the slot count, little-endian: 2^62.
printf '\0\0\0\0\0\0\0\100' | dd of="$SPOOL/index/keys.idx" bs=1 seek=8 conv=notrunc status=none
for n in 2 3; do
	if ! yh_ingest mixed.json; then
		yh_fail "--ingest #$n failed: $(cat "$T/stderr")"
	elif ! grep -q '"stored":0,"duplicates":1' "$T/stdout"; then
		yh_fail "--ingest #$n stored an event again: $(cat "$T/stdout")"
	fi
done
[ "$(wc -l <"$SPOOL"/archive/*.jsonl)" -eq 1 ] || yh_fail "the archive holds an event twice"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish

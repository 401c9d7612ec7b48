#!/usr/bin/env bash
# e2e.erase_no_trace: after "--erase email=... contactId=...", no file of
# spool_dir or csv_dir holds the person's value (as sent, escaped, inside a
# workbook or a compressed file), the quarantine files included; it says
# per day how many events went and per quarantine file how many
# occurrences it redacted, every other event stays, and --verify passes.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=erase_lib.sh
. "$(dirname "$0")/erase_lib.sh"
yh_need python3
yh_init
yh_write_conf "allow_anonymous = true;"
erase_make_spool 3 120
# Two bodies quarantined whole, one with the address as sent, one escaped;
# a third that does not hold it.
printf '[{"email":"anna@example.com",' >"$T/q1.json"
printf '[{"email":"anna\\u0040example.com" oops' >"$T/q2.json"
printf '[{"email":"bob@example.com",' >"$T/q3.json"
for q in q1 q2 q3; do
	"$YH_BIN" --ingest --config "$CONF" "$T/$q.json" >/dev/null 2>&1 || yh_die "--ingest $q"
done
[ "$(ls "$SPOOL/quarantine" | wc -l)" = 3 ] || yh_die "the bodies were not quarantined"
erase_events >"$T/before"
[ -n "$(erase_traces)" ] || yh_die "the made spool holds no trace to erase"

# shellcheck disable=SC2086
erase_run $ERASE_ARGS || yh_fail "--erase exited $?: $(cat "$T/erase.err")"
while read -r day n; do
	grep -qx "archive/$day.jsonl: removed $n event(s)" "$T/erase.out" ||
		yh_fail "no line 'archive/$day.jsonl: removed $n event(s)': $(cat "$T/erase.out")"
done <"$T/expect"
listed=$(sed -n 's/: redacted 1 occurrence(s) of a value erased$//p' "$T/erase.out" | sort)
[ "$(printf '%s\n' "$listed" | grep -c .)" = 2 ] ||
	yh_fail "--erase should redact 1 occurrence in each of 2 quarantine files: $(cat "$T/erase.out")"
[ "$(ls "$SPOOL/quarantine" | wc -l)" = 3 ] || yh_fail "quarantine files went: $(ls "$SPOOL/quarantine")"
left=$(erase_traces)
[ -z "$left" ] || yh_fail "the erased value is still in: $left"
# The same as a person would look: grep every file, and zcat every .gz.
left=$({ grep -a -r -l -F -e anna@example.com -e 'anna\u0040example.com' -e 90417733 \
	"$SPOOL" "$CSV"; find "$SPOOL" "$CSV" -name '*.gz' -type f | while read -r z; do
		zcat "$z" | grep -a -q -F -e anna@example.com -e 'anna\u0040example.com' \
			-e 90417733 && echo "$z"; done; })
[ -z "$left" ] || yh_fail "grep finds the erased value in: $left"

erase_events >"$T/after"
grep -vxF -f "$T/gone" "$T/before" >"$T/want"
cmp -s "$T/want" "$T/after" || yh_fail "the other events changed: $(diff "$T/want" "$T/after" | head)"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify after --erase: $(cat "$T/verify")"
# Its views are what --rebuild makes, the workbooks of closed days are back.
cp -a "$CSV" "$T/csv-after"
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>&1 || yh_fail "--rebuild failed"
diff -r -x '*.xlsx' -x index.html "$T/csv-after" "$CSV" >/dev/null ||
	yh_fail "the CSVs --erase made differ from --rebuild's"
n=$(ls "$T"/csv-after/*/*.xlsx | wc -l)
[ "$n" = 2 ] || yh_fail "$n workbooks after --erase, want 2 (the closed days)"
[ -f "$CSV/index.html" ] || yh_fail "no download page"
yh_finish

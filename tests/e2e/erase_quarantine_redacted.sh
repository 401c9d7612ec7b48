#!/usr/bin/env bash
# e2e.erase_quarantine_redacted: a body kept whole in quarantine that holds
# the erased values (as sent and JSON-escaped) is rewritten under its name
# with each occurrence turned into as many '*' bytes, every other byte kept;
# fixed and replayed with --ingest it still stores its events.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_write_conf "allow_anonymous = true;"
# One event stored first, so the views and csv_dir exist.
printf '[{"iid":"other-1","email":"bob@example.com"}]' >"$T/other.json"
"$YH_BIN" --ingest --config "$CONF" "$T/other.json" >/dev/null 2>&1 || yh_die "--ingest of an event"
stars() { printf '%*s' "$1" '' | tr ' ' '*'; }
# Not JSON as a whole (the tail), so quarantined whole.
head='[{"iid":"q-1","email":"'
mid1='","contactId":"'
mid2='","note":"caf\u00e9 \"anna\""},{"iid":"q-2","email":"'
tail='","sms":"380501234567"}]'
printf '%s' "${head}anna@example.com${mid1}90417733${mid2}\\u0061nna\\u0040example.com${tail} oops" >"$T/body.json"
printf '%s' "${head}$(stars 16)${mid1}$(stars 8)${mid2}$(stars 26)${tail} oops" >"$T/want"
"$YH_BIN" --ingest --config "$CONF" "$T/body.json" >/dev/null 2>&1 || yh_die "--ingest of the body"
q=$(ls "$SPOOL"/quarantine/*.body) || yh_die "the body was not quarantined"
cmp -s "$q" "$T/body.json" || yh_die "the quarantined body is not the body as sent"

"$YH_BIN" --erase --config "$CONF" email=anna@example.com contactId=90417733 \
	>"$T/erase.out" 2>"$T/erase.err" || yh_fail "--erase exited $?: $(cat "$T/erase.err")"
grep -qxF "$q: redacted 3 occurrence(s) of a value erased" "$T/erase.out" ||
	yh_fail "no line saying 3 occurrences went from $q: $(cat "$T/erase.out")"
[ -f "$q" ] || yh_fail "$q is gone; it should stay, redacted"
cmp -s "$q" "$T/want" || yh_fail "$q is not the body with the values redacted:
$(cat "$q")
want:
$(cat "$T/want")"

# A person fixes the tail and replays it: both events are stored.
sed 's/ oops$//' "$q" >"$T/fixed.json"
"$YH_BIN" --ingest --config "$CONF" "$T/fixed.json" >"$T/ingest.out" 2>&1 ||
	yh_fail "--ingest of the redacted body, fixed: $(cat "$T/ingest.out")"
n=$(cat "$SPOOL"/archive/*.jsonl | grep -c '"iid":"q-[12]","email":"\*\{16,\}"')
[ "$n" = 2 ] || yh_fail "the fixed body stored $n of its 2 events: $(cat "$SPOOL"/archive/*.jsonl)"
yh_finish

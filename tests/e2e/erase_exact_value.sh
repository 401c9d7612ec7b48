#!/usr/bin/env bash
# e2e.erase_exact_value: --erase takes only events whose field is the
# value (a string decoded, so "null" but never null): not another
# spelling, a longer value, an array, or the value in another member
# (which it counts by day); a field it does not erase by, or a pair
# without a value, is a usage error (exit 2).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_write_conf "allow_anonymous = true;"
cat >"$T/batch.json" <<'J'
[{"iid":"1","activityStatus":"READ","email":"anna@example.com"},
 {"iid":"2","activityStatus":"READ","email":"Anna@Example.com"},
 {"iid":"3","activityStatus":"READ","email":"anna@example.com.ua"},
 {"iid":"4","activityStatus":"READ","email":null,"messageName":"to anna@example.com"},
 {"iid":"5","activityStatus":"READ","sms":"anna@example.com"},
 {"iid":"6","activityStatus":"READ","email":["anna@example.com"]},
 {"iid":"7","activityStatus":"READ","contactId":196,"email":"null"}]
J
"$YH_BIN" --ingest --config "$CONF" "$T/batch.json" >/dev/null 2>&1 || yh_die "--ingest"
day=$(cd "$SPOOL/archive" && ls | sed 's/\.jsonl$//')
"$YH_BIN" --erase --config "$CONF" email=anna@example.com email=null contactId=1967 \
	>"$T/out" 2>"$T/err" || yh_fail "--erase exited $?: $(cat "$T/err")"
grep -qx "archive/$day.jsonl: removed 2 event(s)" "$T/out" || yh_fail "not 2 removed: $(cat "$T/out")"
grep -qx "archive/$day.jsonl: 4 event(s) kept that hold a value's text in another member or within a longer value" "$T/out" ||
	yh_fail "the kept events holding the text are not counted: $(cat "$T/out")"
left=$(grep -o '"iid":"[0-9]"' "$SPOOL/archive/$day.jsonl" | tr -d '"iid:' | tr -d '\n')
[ "$left" = 23456 ] || yh_fail "events left: $left, want 2 3 4 5 6"

for bad in "" "phone=1" "email=" "email"; do
	# shellcheck disable=SC2086
	"$YH_BIN" --erase --config "$CONF" $bad >/dev/null 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] || yh_fail "--erase $bad exited $rc, not 2"
	grep -q . "$T/err" || yh_fail "--erase $bad said nothing"
done
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish

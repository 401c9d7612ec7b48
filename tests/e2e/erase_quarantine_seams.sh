#!/usr/bin/env bash
# e2e.erase_quarantine_seams: --erase reads a quarantine file in 1 MiB
# pieces; an occurrence of the value, or one JSON escape of it, that runs
# across the end of a piece is redacted like any other, and nothing else
# of the file changes.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_need python3
yh_init
yh_write_conf "allow_anonymous = true;"
printf '[{"iid":"other-1","email":"bob@example.com"}]' >"$T/other.json"
"$YH_BIN" --ingest --config "$CONF" "$T/other.json" >/dev/null 2>&1 || yh_die "--ingest of an event"
# A string of filler with the address at offsets about each 1 MiB mark,
# raw and escaped (the escape \u0040 itself across the mark), not JSON
# as a whole so it is quarantined whole; and the same with '*' for it.
python3 - "$T/body.json" "$T/want" <<'PY' || yh_die "making the body"
import sys
M = 1 << 20
raw, esc = b'anna@example.com', b'anna\\u0040example.com'
body = bytearray(b'["' + b'x' * (2 * M + 200) + b'"] oops')
want = bytearray(body)
for at, v in ((M - 40, raw), (M - 6, esc), (M + 20, raw), (2 * M - 3, esc), (2 * M + 60, raw)):
    body[at:at + len(v)] = v
    want[at:at + len(v)] = b'*' * len(v)
open(sys.argv[1], 'wb').write(body)
open(sys.argv[2], 'wb').write(want)
PY
"$YH_BIN" --ingest --config "$CONF" "$T/body.json" >/dev/null 2>&1 || yh_die "--ingest of the body"
q=$(ls "$SPOOL"/quarantine/*.body) || yh_die "the body was not quarantined"

"$YH_BIN" --erase --config "$CONF" email=anna@example.com \
	>"$T/erase.out" 2>"$T/erase.err" || yh_fail "--erase exited $?: $(cat "$T/erase.err")"
grep -qxF "$q: redacted 5 occurrence(s) of a value erased" "$T/erase.out" ||
	yh_fail "no line saying 5 occurrences went from $q: $(cat "$T/erase.out")"
cmp "$q" "$T/want" >"$T/cmp" 2>&1 || yh_fail "$q is not the body with the 5 redacted: $(cat "$T/cmp")"
yh_finish

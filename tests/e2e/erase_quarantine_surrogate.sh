#!/usr/bin/env bash
# e2e.erase_quarantine_surrogate: a quarantined body that spells an erased
# value with a lone surrogate escape (anna\ud800@...) is redacted when the
# value is given decoded, the surrogate as U+FFFD, as yespo-hook(8) says
# values are matched and as the stored events decode it.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_write_conf "allow_anonymous = true;"
# Not JSON as a whole (the tail), so quarantined whole; 22 bytes spell the value.
printf '%s' '[{"email":"anna\ud800@example.com"}] oops' >"$T/body.json"
printf '%s' '[{"email":"**********************"}] oops' >"$T/want"
"$YH_BIN" --ingest --config "$CONF" "$T/body.json" >/dev/null 2>&1
q=$(ls "$SPOOL"/quarantine/*.body) || yh_die "the body was not quarantined"

"$YH_BIN" --erase --config "$CONF" "email=anna$(printf '\357\277\275')@example.com" \
	>"$T/erase.out" 2>"$T/erase.err" || yh_fail "--erase exited $?: $(cat "$T/erase.err")"
cmp -s "$q" "$T/want" || yh_fail "$q is not the body with the value redacted:
$(cat "$q")
$(cat "$T/erase.out")"
yh_finish

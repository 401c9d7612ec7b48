#!/usr/bin/env bash
# e2e.erase_quarantine_surrogate: a quarantined body that spells an erased
# value with a lone surrogate escape (anna\ud800@...) is redacted when the
# value is given decoded, the surrogate as U+FFFD, as yespo-hook(8) says
# values are matched and as the stored events decode it.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_write_conf "allow_anonymous = true;"
printf '[{"iid":"other-1","email":"bob@example.com"}]' >"$T/other.json"
"$YH_BIN" --ingest --config "$CONF" "$T/other.json" >/dev/null 2>&1 || yh_die "--ingest of an event"
stars() { printf '%*s' "$1" '' | tr ' ' '*'; }
head='[{"iid":"q-1","email":"'
tail='"}] oops'
printf '%s' "${head}anna\\ud800@example.com${tail}" >"$T/body.json"
printf '%s' "${head}$(stars 22)${tail}" >"$T/want"
"$YH_BIN" --ingest --config "$CONF" "$T/body.json" >/dev/null 2>&1 || yh_die "--ingest of the body"
q=$(ls "$SPOOL"/quarantine/*.body) || yh_die "the body was not quarantined"

"$YH_BIN" --erase --config "$CONF" "email=anna$(printf '\357\277\275')@example.com" \
	>"$T/erase.out" 2>"$T/erase.err" || yh_fail "--erase exited $?: $(cat "$T/erase.err")"
cmp -s "$q" "$T/want" || yh_fail "$q is not the body with the value redacted:
$(cat "$q")
$(cat "$T/erase.out")"
yh_finish

#!/usr/bin/env bash
# e2e.erase_quarantine_only: on a spool that has only ever quarantined
# (no event stored, so no csv_dir yet), --erase redacts the quarantined
# body and succeeds; it makes no download page for a csv_dir with nothing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_write_conf "allow_anonymous = true;"
printf '[{"iid":"q-1","email":"anna@example.com"} oops' >"$T/body.json"
"$YH_BIN" --ingest --config "$CONF" "$T/body.json" >/dev/null 2>&1 || yh_die "--ingest of the body"
q=$(ls "$SPOOL"/quarantine/*.body) || yh_die "the body was not quarantined"
[ -e "$CSV" ] && yh_die "$CSV exists before any event was stored"
"$YH_BIN" --erase --config "$CONF" email=anna@example.com >"$T/erase.out" 2>"$T/erase.err" ||
	yh_fail "--erase exited $?: $(cat "$T/erase.err")"
grep -aq 'anna@example.com' "$q" && yh_fail "$q still holds the erased value"
[ -e "$CSV/index.html" ] && yh_fail "a download page was made for an empty csv_dir"
yh_finish

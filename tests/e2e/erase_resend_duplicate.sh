#!/usr/bin/env bash
# e2e.erase_resend_duplicate: Yespo resending events that --erase removed
# gets them counted as duplicates, not stored again: right after the
# erase, and after --rebuild has made the index anew from the archive.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=erase_lib.sh
. "$(dirname "$0")/erase_lib.sh"
yh_need python3
yh_init
yh_write_conf "allow_anonymous = true;"
erase_make_spool 3 60
n=$(wc -l <"$T/gone")
# shellcheck disable=SC2086
erase_run $ERASE_ARGS || yh_die "--erase exited $?: $(cat "$T/erase.err")"
want="{\"received\":$n,\"stored\":0,\"duplicates\":$n,\"quarantined\":0}"
resend() {
	"$YH_BIN" --ingest --config "$CONF" "$T/resend.json" >"$T/resend.out" 2>&1 ||
		yh_fail "--ingest of the resend failed: $(cat "$T/resend.out")"
	[ "$(cat "$T/resend.out")" = "$want" ] ||
		yh_fail "resend $1: $(cat "$T/resend.out"), want $want"
}
resend "after --erase"
"$YH_BIN" --rebuild --config "$CONF" >"$T/rebuild.out" 2>&1 || yh_fail "--rebuild: $(cat "$T/rebuild.out")"
resend "after --rebuild"
# An index lost and made anew by the next writer keeps them too.
rm -f "$SPOOL/index/keys.idx"
resend "after the index was lost"
[ -z "$(erase_traces)" ] || yh_fail "a resend stored the erased value again"
"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 || yh_fail "--verify: $(cat "$T/verify")"
yh_finish

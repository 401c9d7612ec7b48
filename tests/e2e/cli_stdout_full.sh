#!/usr/bin/env bash
# cli_stdout_full: a command whose report cannot be written (standard output
# on a full disk) exits 1 and says so, rather than 0 with nothing written.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ -w /dev/full ] || yh_skip "no /dev/full"
yh_init
yh_std_conf
yh_ingest_ok bulk-campaign.json
for cmd in --status --consumers --verify; do
	"$YH_BIN" "$cmd" --config "$CONF" >/dev/full 2>"$T/err"
	rc=$?
	[ "$rc" = 1 ] || yh_fail "$cmd to a full disk exited $rc, not 1"
	grep -q 'standard output' "$T/err" || yh_fail "$cmd to a full disk said: $(cat "$T/err")"
done
yh_finish

#!/usr/bin/env bash
# cli_status_quarantine: --status counts the quarantine's files and bytes,
# and exits 1 once it holds 90 % of quarantine_max_bytes or more, before a
# batch that needs quarantine would get 503.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf "quarantine_max_bytes = 1048576;"

# A body that is not JSON is kept whole in quarantine: 800 KB, then 150 KB.
head -c 800000 /dev/zero | tr '\0' x >"$T/a.txt"
"$YH_BIN" --ingest --config "$CONF" "$T/a.txt" >/dev/null 2>&1 || yh_die "--ingest a.txt failed"
yh_status
yh_expect_status 0 ok "quarantine at 76 %"
[ "$(yh_member quarantine.files)/$(yh_member quarantine.bytes)" = 1/800000 ] ||
	yh_fail "quarantine is $(yh_member quarantine), want 1 file of 800000 bytes"
head -c 150000 /dev/zero | tr '\0' y >"$T/b.txt"
"$YH_BIN" --ingest --config "$CONF" "$T/b.txt" >/dev/null 2>&1 || yh_die "--ingest b.txt failed"
yh_status
yh_expect_status 1 unhealthy "quarantine at 91 %"
[ "$(yh_member quarantine.files)/$(yh_member quarantine.bytes)" = 2/950000 ] ||
	yh_fail "quarantine is $(yh_member quarantine), want 2 files of 950000 bytes"
grep -q 'quarantine_max_bytes' "$T/status.json" || yh_fail "the problem is not named: $(cat "$T/status.json")"
yh_finish

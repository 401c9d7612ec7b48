#!/usr/bin/env bash
# cli_status_disk: --status reports the spool's free space and exits 1
# when it is under 4 x max_body_bytes (at least 64 MiB), the room the
# largest input a POST may have to keep.  The spool sits on a small tmpfs
# of its own (mounting needs root: skipped otherwise).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
[ "$(id -u)" = 0 ] || yh_skip "mounting a tmpfs needs root"
mkdir -p "$T/small"
mount -t tmpfs -o size=32m tmpfs "$T/small" 2>/dev/null || yh_skip "cannot mount a tmpfs here"
trap 'rc=$?; umount "$T/small" 2>/dev/null; (exit $rc); yh_cleanup' EXIT
SPOOL=$T/small/spool
mkdir -m 0700 "$SPOOL"
yh_std_conf "max_body_bytes = 1048576;"
yh_ingest_ok bulk-campaign.json
yh_status
yh_expect_status 1 unhealthy "a spool with 32 MiB free at most"
free=$(yh_member disk.free_bytes)
[ "$free" -gt 0 ] 2>/dev/null && [ "$free" -le 33554432 ] || yh_fail "free_bytes is $free, want at most 32 MiB"
[ "$(yh_member disk.min_free_bytes)" = 67108864 ] ||
	yh_fail "min_free_bytes is $(yh_member disk.min_free_bytes), want 64 MiB"
grep -q 'bytes free, under 67108864' "$T/status.json" || yh_fail "the problem is not named: $(cat "$T/status.json")"
yh_finish

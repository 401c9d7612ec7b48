#!/usr/bin/env bash
# verify_read_only: --verify changes no byte, name or time in the spool or
# csv_dir: not with an index last written in another boot, not on a spool
# missing its subdirectories and lock file.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

# Every file with its size, mode, time and checksum; every directory with its time.
listing() {
	local d
	for d in "$SPOOL" "$CSV"; do
		[ -d "$d" ] || continue
		find "$d" -type f -printf '%p %s %m %T@\n' -exec cksum {} \;
		find "$d" ! -type f -printf '%p %y %m %T@\n'
	done | sort
}

verify_changes_nothing() {
	local what=$1
	listing >"$T/before"
	sleep 0.05	# a change made now would show in the times
	"$YH_BIN" --verify --config "$CONF" >"$T/verify" 2>&1 ||
		yh_fail "$what: --verify failed: $(cat "$T/verify")"
	listing >"$T/after"
	diff "$T/before" "$T/after" >&2 || yh_fail "$what: --verify changed the files above"
}

yh_ingest_ok bulk-campaign.json
# Bytes 40-47 of the index header name the boot that wrote it: another one.
printf 'ANOTHER!' | dd of="$SPOOL/index/keys.idx" bs=1 seek=40 conv=notrunc status=none
verify_changes_nothing "index of another boot"

rm -r "$SPOOL/quarantine" "$SPOOL/tmp" "$SPOOL/lock"
verify_changes_nothing "spool missing subdirectories"
yh_finish

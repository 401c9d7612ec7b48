#!/usr/bin/env bash
# cli_endless_input: "--ingest /dev/zero" (input that never ends) stops at
# the hard cap of 4 x max_body_bytes: exit 1 with a line that says why,
# and nothing of it left in spool/tmp or quarantine.  (A file size limit
# keeps a binary that does not stop from filling the disk.)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf "max_body_bytes = 65536;"
(
	ulimit -f 65536
	exec "$YH_BIN" --ingest --config "$CONF" /dev/zero
) </dev/null >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 1 ] || yh_fail "--ingest /dev/zero exited $rc, not 1: $(cat "$T/stderr")"
grep -q '/dev/zero: not stored: longer than 4 x max_body_bytes' "$T/stderr" ||
	yh_fail "--ingest /dev/zero did not say why: $(cat "$T/stderr")"
for d in tmp quarantine; do
	[ -z "$(yh_files "$SPOOL/$d")" ] ||
		yh_fail "spool/$d keeps files: $(yh_files "$SPOOL/$d" | tr '\n' ' ')"
done
yh_finish

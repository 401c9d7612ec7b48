#!/usr/bin/env bash
# links_archive: the day's archive in the spool replaced by a symbolic link:
# the batch is refused (not stored, a log line says why) and the link's
# target is not written.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf

yh_ingest_ok bulk-campaign.json
arc=$(ls "$SPOOL/archive"/*.jsonl)
cp "$arc" "$T/target"
before=$(cksum <"$T/target")
rm "$arc"
ln -s "$T/target" "$arc"
if yh_ingest triggered-campaign.json; then
	yh_fail "a batch was stored through a link: $(cat "$T/stdout")"
fi
[ "$(cksum <"$T/target")" = "$before" ] || yh_fail "the link's target was written"
grep -q 'symbolic link' "$T/stderr" || yh_fail "no log line names the link: $(cat "$T/stderr")"
yh_finish

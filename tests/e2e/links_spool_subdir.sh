#!/usr/bin/env bash
# links_spool_subdir: a subdirectory of the spool replaced by a symbolic
# link is refused (not stored, a log line says why), its target untouched;
# csv_dir itself may be a link, inside the spool too, and is followed.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
CSV=$SPOOL/csv
mkdir "$T/csv.real"
ln -s "$T/csv.real" "$CSV"
yh_write_conf "token = \"$YH_TOKEN\";"

yh_ingest_ok bulk-campaign.json
[ -n "$(ls "$T/csv.real")" ] || yh_fail "csv_dir, a link, was not followed"
mv "$SPOOL/views" "$T/views.real"
ln -s "$T/views.real" "$SPOOL/views"
(cd "$T/views.real" && find . -type f -exec cksum {} + | sort) >"$T/before"
if yh_ingest triggered-campaign.json; then
	yh_fail "a batch was stored through a link: $(cat "$T/stdout")"
fi
(cd "$T/views.real" && find . -type f -exec cksum {} + | sort) >"$T/after"
cmp -s "$T/before" "$T/after" || yh_fail "the link's target was written"
grep -q 'symbolic link' "$T/stderr" || yh_fail "no log line names the link: $(cat "$T/stderr")"
yh_finish

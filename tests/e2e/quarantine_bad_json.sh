#!/usr/bin/env bash
# quarantine_bad_json: a body that is not valid JSON is answered 200 (a
# non-200 would stall the feed for ever), kept whole, byte for byte, in
# quarantine, and nothing of it is archived.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi

printf '%s' '{"a":' >"$T/bad.json"
yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$T/bad.json"
if yh_expect_code 200 "POST of invalid JSON"; then
	yh_expect_json_type "POST of invalid JSON"
	yh_expect_body '{"received":1,"stored":0,"duplicates":0,"quarantined":1}' "POST of invalid JSON"
fi

files=$(yh_files "$SPOOL/quarantine")
if [ "$(printf '%s' "$files" | grep -c .)" -ne 1 ]; then
	yh_fail "expected one quarantine file, found: $(printf '%s' "$files" | tr '\n' ' ')"
else
	yh_cmp "$T/bad.json" "$SPOOL/quarantine/$files" "quarantine file"
fi
for f in $(yh_files "$SPOOL/archive"); do
	[ -s "$SPOOL/archive/$f" ] && yh_fail "the archive got data: $f"
done
if [ -d "$CSV" ] && [ -n "$(yh_files "$CSV")" ]; then
	yh_fail "CSV files were written: $(yh_files "$CSV" | tr '\n' ' ')"
fi

# A body that is mostly valid (one valid event, then garbage) is not
# guessed at either: kept whole, nothing archived.
{ printf '[\n'; sed -n '2,15p' "$YH_DATA/bulk-campaign.json"; printf '},\n{"broken": tru}\n]\n'; } >"$T/bad2.json"
yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$T/bad2.json"
if yh_expect_code 200 "POST of a partly valid body"; then
	yh_expect_body '{"received":1,"stored":0,"duplicates":0,"quarantined":1}' "POST of a partly valid body"
fi
found=0
for f in $(yh_files "$SPOOL/quarantine"); do
	cmp -s "$T/bad2.json" "$SPOOL/quarantine/$f" && found=1
done
[ $found = 1 ] || yh_fail "no quarantine file holds the partly valid body byte for byte"
for f in $(yh_files "$SPOOL/archive"); do
	[ -s "$SPOOL/archive/$f" ] && yh_fail "the archive got data from an invalid body: $f"
done
yh_finish

#!/usr/bin/env bash
# fastcgi_method: any method but GET, HEAD and POST answers 405 with
# "Allow: GET, HEAD, POST" (checked before authorisation) and writes nothing.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi
for m in PUT DELETE PATCH; do
	for q in "?token=$YH_TOKEN" ""; do
		yh_post_file "$BASE$HOOK$q" "$YH_DATA/bulk-campaign.json" -X "$m"
		yh_expect_code 405 "$m ${q:-without token}" || continue
		yh_expect_header Allow "GET, HEAD, POST" "$m ${q:-without token}"
	done
done
if [ -n "$(yh_files "$SPOOL/archive")$(yh_files "$SPOOL/quarantine")" ] ||
	{ [ -d "$CSV" ] && [ -n "$(yh_files "$CSV")" ]; }; then
	yh_fail "refused methods wrote: $(yh_files "$SPOOL" | tr '\n' ' ') $(yh_files "$CSV" | tr '\n' ' ')"
fi
yh_finish

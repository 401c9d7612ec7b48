#!/usr/bin/env bash
# fastcgi_bulk: tests/data/bulk-campaign.json POSTed once through lighttpd's mod_fastcgi
# (token in the query string) answers 200 with the counts, and the archive
# and CSV files are exactly tests/expected/bulk (receipt times normalised).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi
yh_post_fixture bulk-campaign.json bulk

# The CSVs are published: lighttpd serves them from csv_dir in the web root
# with the bytes on disk.
if [ -n "${YH_DAY:-}" ]; then
	for f in summary.csv DELIVERED.csv UNDELIVERED.csv; do
		yh_http GET "$BASE/csv/$YH_DAY/$f"
		if yh_expect_code 200 "GET /csv/$YH_DAY/$f"; then
			yh_cmp "$CSV/$YH_DAY/$f" "$T/resp.body" "download of /csv/$YH_DAY/$f"
		fi
	done
fi
yh_finish

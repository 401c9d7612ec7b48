#!/usr/bin/env bash
# downloads_lighttpd: lighttpd with the shipped conf/lighttpd.conf (paths
# mapped into the temp dir): the download directory (401 without the
# password, 200 with the CSV's bytes and type, 403/404 for anything but
# the CSVs), then the suite every deployment passes: the setup GET, both
# fixtures, Basic credentials, a chunked POST and a 5 MB batch.
# shellcheck source=apache_lib.sh
. "$(dirname "$0")/apache_lib.sh"
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-100}
yh_need_lighttpd
yh_ap_init
yh_std_conf
yh_htpasswd "$T/etc/downloads.htpasswd" anna 'd0wnl0ad pw'
yh_lt_start_shipped
yh_post_fixture bulk-campaign.json bulk
spool_rel=${SPOOL#"$T"/}
yh_check_downloads /downloads "$CSV" 'anna:d0wnl0ad pw' \
	"/downloads/../$spool_rel/archive/${YH_DAY:-x}.jsonl"
yh_suite
yh_finish

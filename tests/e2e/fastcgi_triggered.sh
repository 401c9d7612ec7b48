#!/usr/bin/env bash
# fastcgi_triggered: tests/data/triggered-campaign.json POSTed once through lighttpd's mod_fastcgi
# (token in the query string) answers 200 with the counts, and the archive
# and CSV files are exactly tests/expected/triggered (receipt times normalised).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi
yh_post_fixture triggered-campaign.json triggered
yh_finish

#!/usr/bin/env bash
# fastcgi_edge: tests/data/edge.json POSTed once through lighttpd's mod_fastcgi
# (token in the query string) answers 200 with the counts, and the archive
# and CSV files are exactly tests/expected/edge (receipt times normalised).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi
yh_post_fixture edge.json edge
yh_finish

#!/usr/bin/env bash
# cgi_bulk: tests/data/bulk-campaign.json POSTed once through lighttpd's mod_cgi, the
# same binary run as plain CGI (one process per request, config from
# setenv), answers 200 with the counts and makes exactly the files of
# tests/expected/bulk.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start cgi
yh_post_fixture bulk-campaign.json bulk
yh_finish

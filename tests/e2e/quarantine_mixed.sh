#!/usr/bin/env bash
# quarantine_mixed: an array holding an event and two values that are not
# objects (5 and "x") stores the event and quarantines the others, one per
# line, in one file for the batch: 200, stored 1, quarantined 2.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_std_conf
yh_lt_start fastcgi
yh_post_fixture mixed.json mixed
yh_finish

#!/usr/bin/env bash
# apache_fcgid: Apache + mod_fcgid with the shipped conf/apache-fcgid.conf
# (paths mapped into the temp dir) inside a <VirtualHost>: the setup GET,
# both fixtures, Basic credentials through FcgidPassHeader, a chunked POST
# and a 5 MB batch, which mod_fcgid's default FcgidMaxRequestLen (128 KiB)
# would refuse with 500.
# shellcheck source=apache_lib.sh
. "$(dirname "$0")/apache_lib.sh"
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-100}
yh_need_apache fcgid
yh_ap_init
yh_std_conf
yh_ap_site_fcgid
yh_ap_start fcgid
yh_suite
yh_finish

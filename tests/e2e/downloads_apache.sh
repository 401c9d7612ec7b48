#!/usr/bin/env bash
# downloads_apache: the download directory under Apache, both ways it is
# shipped: /downloads/ of conf/apache-fcgid.conf (own server) and the
# www/.htaccess download folder (shared hosting).  401 without the
# password, 200 with the CSV's bytes and text/csv; charset=utf-8 with it,
# 403 or 404 for the config, an archive file, listings and the spool.
# shellcheck source=apache_lib.sh
. "$(dirname "$0")/apache_lib.sh"
yh_need_apache fcgid
yh_ap_init
yh_std_conf
yh_htpasswd "$T/etc/downloads.htpasswd" anna 'd0wnl0ad pw'
# Shared-hosting folder: www/ as shipped, csv_dir its csv/.
DL=$WWW/dl
mkdir -p "$DL"
cp "$YH_SRC/www/.htaccess" "$YH_SRC/www/index.html" "$DL/"
sed -i "s|^AuthUserFile .*|AuthUserFile $T/etc/downloads.htpasswd|" "$DL/.htaccess"
chmod 0755 "$DL"
yh_ap_site_fcgid
yh_ap_site_htaccess_append() {
	cat >>"$T/apache/site.conf" <<EOT
<Directory "$DL">
	AllowOverride AuthConfig FileInfo Indexes Limit
</Directory>
EOT
}
yh_ap_site_htaccess_append
yh_ap_start fcgid

# 1. /downloads/ of the vhost snippet.
yh_post_fixture bulk-campaign.json bulk
spool_rel=${SPOOL#"$T"/}
yh_check_downloads /downloads "$CSV" 'anna:d0wnl0ad pw' \
	"/downloads/../$spool_rel/archive/${YH_DAY:-x}.jsonl" "/$spool_rel/archive/${YH_DAY:-x}.jsonl" \
	/yespo-hook.conf /downloads/.htaccess

# 2. The www/.htaccess folder, csv_dir inside it.
SPOOL=$T/spool2
CSV=$DL/csv
mkdir -m 0700 "$SPOOL"
mkdir "$CSV"
yh_server_owns "$SPOOL" "$CSV"
yh_std_conf
yh_conf_readable
yh_post_fixture bulk-campaign.json bulk
yh_check_downloads /dl/csv "$CSV" 'anna:d0wnl0ad pw' /dl/.htaccess
yh_http GET "$BASE/dl/" -u 'anna:d0wnl0ad pw'
yh_expect_code 200 "GET /dl/ (the index page) with the password" &&
	yh_cmp "$YH_SRC/www/index.html" "$T/resp.body" "the index page"
yh_http GET "$BASE/dl/"
yh_expect_code 401 "GET /dl/ without the password"
yh_finish

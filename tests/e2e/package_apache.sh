#!/usr/bin/env bash
# package_apache: the drop-in tarball (cmake --build build --target
# package-dropin) unpacked into an empty directory and set up as INSTALL
# section 3.2 tells a shared-hosting user: config from the example beside
# bin/, the web/cgi, web/fcgid and web/downloads folders copied into the
# document root with their .htaccess files, served by Apache (workers and
# CGI programs as the unprivileged server user) with only the overrides
# INSTALL names (AllowOverride AuthConfig FileInfo Options).  Also: the
# binary is static; a day without data is 404, not 403; and a second copy
# of the package unpacked inside the document root by mistake serves none
# of its files.
#     bash package_apache.sh BINARY SOURCE_DIR TARBALL
# shellcheck source=apache_lib.sh
. "$(dirname "$0")/apache_lib.sh"
YH_TEST_TIMEOUT=${YH_TEST_TIMEOUT:-100}
TARBALL=${3:-${YH_TARBALL:-}}
yh_need_apache cgid fcgid
yh_ap_init
[ -n "$TARBALL" ] && [ -f "$TARBALL" ] ||
	yh_die "no package tarball '$TARBALL' (cmake --build build --target package-dropin)"

# 1. Unpack into an empty directory: one folder, yespo-hook/.
H=$T/home
mkdir -m 0755 "$H"
tar xzf "$TARBALL" -C "$H" || yh_die "cannot unpack $TARBALL"
[ "$(ls -A "$H")" = yespo-hook ] || yh_fail "the tarball holds more than yespo-hook/: $(ls -A "$H" | tr '\n' ' ')"
P=$H/yespo-hook
for f in bin/yespo-hook yespo-hook.conf.example sample.json web/cgi/.htaccess web/cgi/yespo-hook.cgi \
	web/fcgid/.htaccess web/fcgid/yespo-hook.fcgi web/downloads/.htaccess \
	web/downloads/index.html conf/apache-fcgid.conf conf/lighttpd.conf \
	conf/htaccess-cgi conf/htaccess-fcgid man/yespo-hook.8 man/yespo-hook.conf.5 INSTALL; do
	[ -f "$P/$f" ] || yh_fail "the package lacks $f"
done
[ -d "$P/spool" ] && [ "$(stat -c %a "$P/spool")" = 700 ] || yh_fail "the package lacks spool/ with mode 0700"
cmp -s "$P/web/cgi/.htaccess" "$YH_SRC/conf/htaccess-cgi" || yh_fail "web/cgi/.htaccess is not conf/htaccess-cgi"
cmp -s "$P/web/fcgid/.htaccess" "$YH_SRC/conf/htaccess-fcgid" || yh_fail "web/fcgid/.htaccess is not conf/htaccess-fcgid"
cmp -s "$P/web/downloads/.htaccess" "$YH_SRC/www/.htaccess" || yh_fail "web/downloads/.htaccess is not www/.htaccess"
for d in . bin spool conf man; do
	cmp -s "$P/$d/.htaccess" "$YH_SRC/conf/htaccess-deny" ||
		yh_fail "the package's $d/ has no deny-all .htaccess (conf/htaccess-deny)"
done

# 2. Static: nothing for the host's dynamic loader to find.
if command -v readelf >/dev/null 2>&1; then
	readelf -d "$P/bin/yespo-hook" >"$T/readelf.out" 2>&1
	grep -q 'no dynamic section' "$T/readelf.out" ||
		yh_fail "bin/yespo-hook is not static: $(grep -E 'NEEDED|RUNPATH' "$T/readelf.out" | tr -s ' ' | tr '\n' ';')"
fi

# 3. Set it up as INSTALL says: the config beside bin/, from the example.
SPOOL=$P/spool
D=$WWW/downloads
CSV=$D/csv
CONF=$P/yespo-hook.conf
cp "$P/yespo-hook.conf.example" "$CONF"
sed -i -e "s|^spool_dir = .*|spool_dir = \"$SPOOL\";|" \
	-e "s|^#* *csv_dir = .*|csv_dir = \"$CSV\";|" \
	-e "s|^# token = .*|token = \"$YH_TOKEN\";|" "$CONF"
chmod 0600 "$CONF"
mkdir -p "$WWW/hook" "$WWW/hook-fcgid" "$D"
cp -a "$P/web/cgi/." "$WWW/hook/"
cp -a "$P/web/fcgid/." "$WWW/hook-fcgid/"
cp -a "$P/web/downloads/." "$D/"
sed -i "s|^YH_HOME=.*|YH_HOME=$P|" "$WWW/hook/yespo-hook.cgi" "$WWW/hook-fcgid/yespo-hook.fcgi"
sed -i "s|^AuthUserFile .*|AuthUserFile $P/downloads.htpasswd|" "$D/.htaccess"
yh_htpasswd "$P/downloads.htpasswd" anna 'd0wnl0ad pw'
# The hosting account owns its files (the server's user here).
chmod 0755 "$WWW"
yh_server_owns "$H" "$WWW/hook" "$WWW/hook-fcgid" "$D"
yh_as_server "$P/bin/yespo-hook" --check --config "$CONF" >"$T/check.out" 2>&1 ||
	yh_fail "bin/yespo-hook --check: $(cat "$T/check.out")"

# 4. By mistake, a second copy unpacked inside the document root.
tar xzf "$TARBALL" -C "$WWW" || yh_die "cannot unpack $TARBALL into $WWW"
chmod -R go+rX "$WWW/yespo-hook"

# Only the overrides INSTALL 3.2 says the host must allow.
cat >"$T/apache/site.conf" <<EOF
<Directory "$WWW">
	Options SymLinksIfOwnerMatch
	AllowOverride AuthConfig FileInfo Options
	Require all granted
</Directory>
EOF
yh_ap_start cgid fcgid

# 5. Plain CGI variant with the user's config: fixture, then downloads.
HOOK=/hook/yespo-hook.cgi
yh_http GET "$BASE$HOOK"
yh_expect_code 200 "package, CGI: GET (setup probe)"
yh_post_fixture bulk-campaign.json bulk
day=${YH_DAY:-$(date -u +%F)}
yh_http GET "$BASE/downloads/csv/$day/DELIVERED.csv"
yh_expect_code 401 "download without password"
yh_http GET "$BASE/downloads/csv/$day/DELIVERED.csv" -u anna:'d0wnl0ad pw'
if yh_expect_code 200 "download with password"; then
	yh_cmp "$CSV/$day/DELIVERED.csv" "$T/resp.body" "downloaded DELIVERED.csv"
	yh_expect_header Content-Type "text/csv; charset=utf-8" "downloaded DELIVERED.csv"
fi
yh_http GET "$BASE/downloads/" -u anna:'d0wnl0ad pw'
yh_expect_code 200 "download index page"
# The page the CGI wrote after its answer, with the day's link.
yh_http GET "$BASE/downloads/csv/" -u anna:'d0wnl0ad pw'
yh_expect_code 200 "the page at /downloads/csv/" &&
	{ grep -q "href=\"$day/DELIVERED.csv\"" "$T/resp.body" ||
		yh_fail "the page at /downloads/csv/ has no link to $day/DELIVERED.csv"; }
for u in /downloads/.htaccess "/downloads/csv/$day/" /yespo-hook.conf \
	/hook/.htaccess; do
	yh_http GET "$BASE$u" -u anna:'d0wnl0ad pw'
	case $CODE in 403 | 404) ;; *) yh_fail "GET $u: status $CODE, expected 403 or 404" ;; esac
done

# A day without data, or a status without rows: 404 (not found), not 403.
for u in "/downloads/csv/1999-01-01/DELIVERED.csv" "/downloads/csv/$day/NO_SUCH_STATUS.csv"; do
	yh_http GET "$BASE$u" -u anna:'d0wnl0ad pw'
	yh_expect_code 404 "GET $u (no data)"
done

# The copy unpacked inside the document root serves none of its files.
(cd "$WWW" && find yespo-hook -type f) >"$T/mistake.list"
while IFS= read -r f; do
	yh_http GET "$BASE/$f"
	case $CODE in
	2*) yh_fail "GET /$f (package unpacked inside the document root): $CODE, expected a refusal" ;;
	esac
	if [ -s "$T/resp.body" ] && [ -s "$WWW/$f" ] && cmp -s "$T/resp.body" "$WWW/$f"; then
		yh_fail "GET /$f served the file's bytes"
	fi
done <"$T/mistake.list"
for u in /yespo-hook/ /yespo-hook/bin/ /yespo-hook/spool/ /yespo-hook/web/downloads/; do
	yh_http GET "$BASE$u"
	case $CODE in 2*) yh_fail "GET $u (package inside the document root): $CODE" ;; esac
done

# 6. The whole suite through the CGI variant (the host's 128 KiB
# FcgidMaxRequestLen does not apply to it), then the fcgid variant, with
# configs written to the same place (found beside bin/).
yh_suite
HOOK=/hook-fcgid/yespo-hook.fcgi
yh_fresh_spool TOKEN
yh_http GET "$BASE$HOOK"
yh_expect_code 200 "package, fcgid: GET (setup probe)"
yh_post_fixture triggered-campaign.json triggered
yh_fresh_spool BASIC
yh_post_file "$BASE$HOOK" "$YH_DATA/bulk-campaign.json"
yh_expect_code 401 "package, fcgid: POST without Basic credentials"
yh_post_file "$BASE$HOOK" "$YH_DATA/bulk-campaign.json" -u "$YH_BASIC_USER:$YH_BASIC_PASS"
yh_expect_code 200 "package, fcgid: POST with Basic credentials (CGIPassAuth in .htaccess)"
yh_check_files bulk
yh_finish

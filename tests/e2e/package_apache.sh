#!/usr/bin/env bash
# package_apache: the drop-in tarball (cmake --build build --target
# package-dropin) unpacked into an empty directory and set up as INSTALL
# section 3 tells a shared-hosting user: config from the example beside
# bin/, the web/cgi, web/fcgid and web/downloads folders copied into the
# document root with their .htaccess files, served by Apache with only
# AllowOverride, and with the -dev packages' files and the system's
# libcjson, libconfig and libfcgi hidden (a mount namespace), so the
# binary can use only what the package holds.
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
for f in bin/yespo-hook yespo-hook.conf.example web/cgi/.htaccess web/cgi/yespo-hook.cgi \
	web/fcgid/.htaccess web/fcgid/yespo-hook.fcgi web/downloads/.htaccess \
	web/downloads/index.html conf/apache-fcgid.conf conf/lighttpd.conf \
	conf/htaccess-cgi conf/htaccess-fcgid man/yespo-hook.8 man/yespo-hook.conf.5 INSTALL; do
	[ -f "$P/$f" ] || yh_fail "the package lacks $f"
done
[ -d "$P/spool" ] && [ "$(stat -c %a "$P/spool")" = 700 ] || yh_fail "the package lacks spool/ with mode 0700"
cmp -s "$P/web/cgi/.htaccess" "$YH_SRC/conf/htaccess-cgi" || yh_fail "web/cgi/.htaccess is not conf/htaccess-cgi"
cmp -s "$P/web/fcgid/.htaccess" "$YH_SRC/conf/htaccess-fcgid" || yh_fail "web/fcgid/.htaccess is not conf/htaccess-fcgid"
cmp -s "$P/web/downloads/.htaccess" "$YH_SRC/www/.htaccess" || yh_fail "web/downloads/.htaccess is not www/.htaccess"

# 2. What the binary needs: glibc, and what lib/ holds, found by RUNPATH.
if command -v readelf >/dev/null 2>&1; then
	readelf -d "$P/bin/yespo-hook" | grep -q 'RUNPATH.*\$ORIGIN/\.\./lib' ||
		yh_fail "bin/yespo-hook has no RUNPATH \$ORIGIN/../lib"
	for lib in $(readelf -d "$P/bin/yespo-hook" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		case $lib in
		libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux*) ;;
		*) [ -f "$P/lib/$lib" ] || yh_fail "bin/yespo-hook needs $lib, which the package lacks" ;;
		esac
	done
fi

# 3. Hide the system's copies of what a host lacks: the -dev packages and
# the libraries (bind-mounting /dev/null over each file) in a mount
# namespace that Apache and the CGI programs run in.
hide=""
for pkg in libcjson-dev libconfig-dev libfcgi-dev libcjson1 libconfig9 libfcgi0ldbl; do
	dpkg -L "$pkg" >/dev/null 2>&1 || continue
	for f in $(dpkg -L "$pkg" | grep -E '^/usr/(include|lib)/'); do
		[ -f "$f" ] && [ ! -L "$f" ] && hide="$hide $f"
	done
done
if [ -n "$hide" ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	# Apache, and all it starts, in a private mount namespace.
	cat >"$T/apache2-hidden" <<HIDE_EOF
#!/bin/sh
exec unshare -m --propagation private /bin/sh -c '
for f in$hide; do mount --bind /dev/null "\$f" || exit 1; done
exec $YH_APACHE "\$@"' sh "\$@"
HIDE_EOF
	chmod 0755 "$T/apache2-hidden"
	HIDDEN=1
	say "hiding $(printf '%s' "$hide" | wc -w) files of the -dev and library packages"
else
	HIDDEN=0
	say "cannot hide the system libraries here (needs root and unshare -m); checking with LD_DEBUG instead"
	LD_DEBUG=libs env -i "$P/bin/yespo-hook" --version >/dev/null 2>"$T/lddebug" ||
		yh_fail "bin/yespo-hook --version failed: $(cat "$T/lddebug")"
	if grep -E 'trying file=.*(libcjson|libconfig|libfcgi)' "$T/lddebug" | grep -v "$P/"; then
		yh_fail "bin/yespo-hook loads libraries from outside the package"
	fi
fi

# 4. Set it up as INSTALL says: the config beside bin/, from the example.
SPOOL=$P/spool
D=$WWW/downloads
CSV=$D/csv
CONF=$P/yespo-hook.conf
cp "$P/yespo-hook.conf.example" "$CONF"
sed -i -e "s|^spool_dir = .*|spool_dir = \"$SPOOL\";|" \
	-e "s|^csv_dir = .*|csv_dir = \"$CSV\";|" \
	-e "s|^# token = .*|token = \"$YH_TOKEN\";|" "$CONF"
chmod 0600 "$CONF"
mkdir -p "$WWW/yespo-hook" "$WWW/yespo-hook-fcgid" "$D"
cp -a "$P/web/cgi/." "$WWW/yespo-hook/"
cp -a "$P/web/fcgid/." "$WWW/yespo-hook-fcgid/"
cp -a "$P/web/downloads/." "$D/"
sed -i "s|^YH_HOME=.*|YH_HOME=$P|" "$WWW/yespo-hook/yespo-hook.cgi" "$WWW/yespo-hook-fcgid/yespo-hook.fcgi"
sed -i "s|^AuthUserFile .*|AuthUserFile $P/downloads.htpasswd|" "$D/.htaccess"
yh_htpasswd "$P/downloads.htpasswd" anna 'd0wnl0ad pw'
# The hosting account owns its files (the server's user here).
chmod 0755 "$WWW"
yh_server_owns "$H" "$WWW/yespo-hook" "$WWW/yespo-hook-fcgid" "$D"
yh_as_server "$P/bin/yespo-hook" --check --config "$CONF" >"$T/check.out" 2>&1 ||
	yh_fail "bin/yespo-hook --check: $(cat "$T/check.out")"

yh_ap_site_htaccess
[ "$HIDDEN" = 1 ] && YH_APACHE_RUN=$T/apache2-hidden
yh_ap_start cgid fcgid

# 5. Plain CGI variant with the user's config: fixture, then downloads.
HOOK=/yespo-hook/yespo-hook.cgi
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
for u in /downloads/.htaccess /downloads/csv/ "/downloads/csv/$day/" /yespo-hook.conf \
	/yespo-hook/.htaccess; do
	yh_http GET "$BASE$u" -u anna:'d0wnl0ad pw'
	case $CODE in 403 | 404) ;; *) yh_fail "GET $u: status $CODE, expected 403 or 404" ;; esac
done

# 6. The whole suite through the CGI variant (the host's 128 KiB
# FcgidMaxRequestLen does not apply to it), then the fcgid variant, with
# configs written to the same place (found beside bin/).
yh_suite
HOOK=/yespo-hook-fcgid/yespo-hook.fcgi
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

# shellcheck shell=bash
# tests/e2e/apache_lib.sh: Apache (and shipped-config) helpers of the
# end-to-end tests, on top of lib.sh.  Sourced by tests/e2e/apache_*.sh,
# package_*.sh, downloads_*.sh and restart_*.sh, run as
#     bash tests/e2e/NAME.sh BINARY SOURCE_DIR [TARBALL]
#
# What it adds:
#   yh_ap_init              yh_init, then make $T usable by the server's
#                           user (www-data when root); copies the binary to
#                           $T/bin/yespo-hook, so the config found beside
#                           it is $CONF ($T/yespo-hook.conf)
#   yh_need_apache MOD...   skip (77) unless apache2 and each module exist
#   yh_ap_start MOD...      start Apache on a free loopback port with the
#                           modules and $T/apache/site.conf; sets $BASE
#   yh_ap_graceful          graceful restart (SIGUSR1), waits until done
#   yh_ap_stop              stop it and everything it started
#   yh_ap_site_fcgid        site.conf: the shipped conf/apache-fcgid.conf,
#                           paths mapped into $T, inside a <VirtualHost>
#   yh_ap_site_htaccess DIR site.conf: shared hosting, $WWW as DocumentRoot
#                           with AllowOverride and DIR's .htaccess files
#   yh_server_owns DIR...   hand directories to the server's user
#   yh_fresh_spool TOKEN|BASIC  a new empty spool and csv_dir, and a config
#                           with the token or Basic credentials; the
#                           running workers read it at their next request
#   yh_suite                the checks every deployment must pass
#   yh_big_batch FILE N     a batch of N distinct events (about 500 B each)
#   yh_as_server CMD...     run a command as the server's user
#   yh_hook_dir KIND DIR    a webhook directory as INSTALL sets it up
#   yh_htpasswd FILE USER PASSWORD

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

YH_AP_PID=""
YH_AP_CONF=""
YH_AP_LOG=""
YH_AP_MODDIR=${YH_AP_MODDIR:-/usr/lib/apache2/modules}
YH_APACHE=""
YH_SRV_USER=""
YH_BASIC_USER=yespo
YH_BASIC_PASS="pa:ss w0rd"
YH_SPOOL_N=0
YH_APACHE_RUN=""

# Processes started from Apache, recursively.
yh_descendants() {
	local k
	for k in $(yh_children "$1"); do
		printf '%s\n' "$k"
		yh_descendants "$k"
	done
}

yh_ap_cleanup() {
	local rc=$?
	trap - EXIT
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$YH_AP_LOG" ] && [ -s "$YH_AP_LOG" ]; then
		printf '%s: Apache error log (last 30 lines):\n' "$YH_NAME" >&2
		tail -n 30 "$YH_AP_LOG" | sed 's/^/    /' >&2
	fi
	yh_ap_stop
	(exit "$rc")
	yh_cleanup
}

yh_ap_init() {
	yh_init
	trap yh_ap_cleanup EXIT
	if [ "$(id -u)" = 0 ]; then
		YH_SRV_USER=www-data
		id "$YH_SRV_USER" >/dev/null 2>&1 || yh_skip "no user www-data to run the servers as"
		chmod 0711 "$T"
	fi
	mkdir -p "$T/bin" "$T/etc" "$T/apache" "$T/run/fcgid"
	cp "$YH_BIN" "$T/bin/yespo-hook"
	chmod 0755 "$T/bin" "$T/bin/yespo-hook" "$WWW"
	yh_server_owns "$SPOOL" "$T/run/fcgid" "$T/tmp"
	mkdir -p "$CSV"
	yh_server_owns "$CSV"
}

yh_server_owns() {
	[ -n "$YH_SRV_USER" ] || return 0
	chown -R "$YH_SRV_USER:$YH_SRV_USER" "$@"
}

yh_as_server() {
	if [ -n "$YH_SRV_USER" ]; then
		runuser -u "$YH_SRV_USER" -- "$@"
	else
		"$@"
	fi
}

# An htpasswd file with one user (bcrypt with htpasswd, else openssl).
yh_htpasswd() {
	if command -v htpasswd >/dev/null 2>&1; then
		htpasswd -c -b -B "$1" "$2" "$3" 2>/dev/null || yh_die "htpasswd failed"
	else
		printf '%s:%s\n' "$2" "$(openssl passwd -apr1 "$3")" >"$1" || yh_die "openssl passwd failed"
	fi
	chmod 0644 "$1"
}

# The config is read at every request: make it readable by the server.
yh_conf_readable() {
	chmod 0644 "$CONF"
}

yh_need_apache() {
	local m
	if [ -x /usr/sbin/apache2 ]; then
		YH_APACHE=/usr/sbin/apache2
	elif command -v apache2 >/dev/null 2>&1; then
		YH_APACHE=$(command -v apache2)
	else
		yh_skip "apache2 is not installed (apt-get install apache2)"
	fi
	for m in "$@"; do
		[ -f "$YH_AP_MODDIR/mod_$m.so" ] ||
			yh_skip "Apache module $m is missing ($YH_AP_MODDIR/mod_$m.so)"
	done
	yh_need curl
}

# The shipped conf/apache-fcgid.conf with its paths mapped into $T.
yh_ap_site_fcgid() {
	sed -e "s|/usr/local/lib/yespo-hook/yespo-hook|$T/bin/yespo-hook|g" \
		-e "s|/usr/local/lib/yespo-hook|$T/bin|g" \
		-e "s|/etc/yespo-hook/yespo-hook.conf|$CONF|g" \
		-e "s|/etc/yespo-hook/downloads.htpasswd|$T/etc/downloads.htpasswd|g" \
		-e "s|/var/www/yespo-hook/csv|$CSV|g" \
		-e "s|/var/lib/yespo-hook|$SPOOL|g" \
		"$YH_SRC/conf/apache-fcgid.conf" >"$T/apache/yespo-hook.conf"
	cat >"$T/apache/site.conf" <<EOF
<VirtualHost *:\${YH_PORT}>
	ServerName 127.0.0.1
	DocumentRoot "$WWW"
	Include "$T/apache/yespo-hook.conf"
</VirtualHost>
EOF
	HOOK=/yespo-hook
}

# Shared hosting: the document root $WWW allows what typical hosts allow
# in .htaccess (no server-level directive of ours touches the hook).
yh_ap_site_htaccess() {
	cat >"$T/apache/site.conf" <<EOF
<Directory "$WWW">
	Options SymLinksIfOwnerMatch
	AllowOverride AuthConfig FileInfo Indexes Limit Options=ExecCGI,Indexes,SymLinksIfOwnerMatch
	Require all granted
</Directory>
EOF
}

yh_ap_write_conf() {
	local port=$1 m
	shift
	{
		cat <<EOF
Define YH_PORT $port
ServerRoot "$T/apache"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$T/run/apache.pid"
DefaultRuntimeDir "$T/run"
ErrorLog "$YH_AP_LOG"
LogLevel notice
LogFormat "%h \"%r\" %>s %b %D" yh
CustomLog "$T/log/apache-access.log" yh
Timeout 60
StartServers 1
ServerLimit 2
ThreadsPerChild 10
MaxRequestWorkers 20
MinSpareThreads 5
MaxSpareThreads 20
TypesConfig /dev/null
EOF
		if [ -n "$YH_SRV_USER" ]; then
			printf 'User %s\nGroup %s\n' "$YH_SRV_USER" "$YH_SRV_USER"
		fi
		for m in mpm_event authz_core authz_user authn_core authn_file auth_basic \
			mime env alias rewrite dir "$@"; do
			printf 'LoadModule %s_module "%s/mod_%s.so"\n' "$m" "$YH_AP_MODDIR" "$m"
		done
		for m in "$@"; do
			case $m in
			fcgid)
				printf 'FcgidIPCDir "%s"\n' "$T/run/fcgid"
				printf 'FcgidProcessTableFile "%s"\n' "$T/run/fcgid/shm"
				;;
			cgid) printf 'ScriptSock "%s"\n' "$T/run/cgid.sock" ;;
			esac
		done
		cat <<EOF
<Directory />
	AllowOverride None
	Require all denied
</Directory>
<FilesMatch "^\.ht">
	Require all denied
</FilesMatch>
DocumentRoot "$WWW"
<Directory "$WWW">
	Require all granted
</Directory>
<Files "ready.txt">
	Require all granted
</Files>
Include "$T/apache/site.conf"
EOF
	} >"$YH_AP_CONF"
}

# Start Apache in the foreground (in this shell's background) on a free
# port; wait (bounded) until it serves our ready file.
yh_ap_start() {
	local port nonce got
	yh_need_apache "$@"
	[ -z "$YH_AP_PID" ] || yh_ap_stop
	YH_AP_CONF=$T/apache/httpd.conf
	YH_AP_LOG=$T/log/apache-error.log
	nonce="ready-$$-$RANDOM$RANDOM"
	printf '%s\n' "$nonce" >"$WWW/ready.txt"
	chmod 0644 "$WWW/ready.txt"
	yh_conf_readable
	for _ in $(seq 1 10); do
		port=$(yh_pick_port)
		: >"$YH_AP_LOG"
		yh_ap_write_conf "$port" "$@"
		"${YH_APACHE_RUN:-$YH_APACHE}" -f "$YH_AP_CONF" -t >"$T/log/apache-t.out" 2>&1 ||
			yh_die "Apache rejects its config: $(cat "$T/log/apache-t.out")"
		"${YH_APACHE_RUN:-$YH_APACHE}" -f "$YH_AP_CONF" -DFOREGROUND </dev/null >>"$T/log/apache.out" 2>&1 &
		YH_AP_PID=$!
		yh_track_pid "$YH_AP_PID"
		BASE=http://127.0.0.1:$port
		got=""
		for _ in $(seq 1 100); do
			yh_alive "$YH_AP_PID" || break
			got=$(curl -s --noproxy '*' --max-time 2 "$BASE/ready.txt" 2>/dev/null) || got=""
			[ "$got" = "$nonce" ] && break
			sleep 0.1
		done
		if [ "$got" = "$nonce" ] && yh_alive "$YH_AP_PID"; then
			say "Apache ($*) pid $YH_AP_PID on $BASE"
			return 0
		fi
		if ! yh_alive "$YH_AP_PID"; then
			wait "$YH_AP_PID" 2>/dev/null || true
			yh_untrack_pid "$YH_AP_PID"
			YH_AP_PID=""
			if grep -qiE "address already in use|could not bind" "$YH_AP_LOG" "$T/log/apache.out" 2>/dev/null; then
				say "port $port is taken; trying another"
				continue
			fi
			cat "$T/log/apache.out" "$YH_AP_LOG" >&2 2>/dev/null
			yh_die "Apache exited at start (its output above)"
		fi
		yh_die "Apache did not serve $BASE/ready.txt within 10 s"
	done
	yh_die "no free port found for Apache"
}

# Graceful restart: children finish their requests, mod_fcgid's processes
# are replaced.  Waits (bounded) until Apache says it runs again.
yh_ap_graceful() {
	local before
	before=$(grep -c "resuming normal operations" "$YH_AP_LOG")
	kill -USR1 "$YH_AP_PID" || yh_die "graceful restart: Apache is gone"
	for _ in $(seq 1 100); do
		[ "$(grep -c "resuming normal operations" "$YH_AP_LOG")" -gt "$before" ] && return 0
		sleep 0.1
	done
	yh_die "Apache did not complete a graceful restart within 10 s"
}

# Stop Apache and anything it started (fcgid processes, the cgid daemon).
yh_ap_stop() {
	local kids p
	[ -n "$YH_AP_PID" ] || return 0
	kids=$(yh_descendants "$YH_AP_PID")
	yh_stop_pid "$YH_AP_PID"
	yh_untrack_pid "$YH_AP_PID"
	for p in $kids; do
		yh_stop_pid "$p"
	done
	YH_AP_PID=""
}

# A webhook directory as INSTALL section 3 sets it up: the shipped
# .htaccess (conf/htaccess-KIND) and the start script, as the package makes
# it, with YH_HOME edited to $T (so the config beside bin/ is $CONF).
# yh_hook_dir cgi|fcgid DIR
yh_hook_dir() {
	local kind=$1 dir=$2 script=yespo-hook.cgi
	[ "$kind" = fcgid ] && script=yespo-hook.fcgi
	mkdir -p "$dir"
	cp "$YH_SRC/conf/htaccess-$kind" "$dir/.htaccess"
	printf '#!/bin/sh\nYH_HOME=%s\nexec "$YH_HOME/bin/yespo-hook"\n' "$T" >"$dir/$script"
	chmod 0755 "$dir" "$dir/$script"
	chmod 0644 "$dir/.htaccess"
	HOOK=${dir#"$WWW"}/$script
}

# Switch the .htaccess of DIR to the RewriteRule fallback, as INSTALL tells
# users to: delete the CGIPassAuth line, uncomment the two Rewrite lines.
yh_htaccess_rewrite_fallback() {
	sed -i -e '/^CGIPassAuth On/d' -e 's/^#\(Rewrite\)/\1/' "$1/.htaccess"
	grep -q '^RewriteRule' "$1/.htaccess" || yh_die "$1/.htaccess: no RewriteRule line to uncomment"
}

# A new spool and csv_dir, and a config for them: the workers re-read the
# config at every request, so the next request uses them.
yh_fresh_spool() {
	YH_SPOOL_N=$((YH_SPOOL_N + 1))
	SPOOL=$T/spool$YH_SPOOL_N
	CSV=$WWW/csv$YH_SPOOL_N
	mkdir -m 0700 "$SPOOL"
	mkdir "$CSV"
	yh_server_owns "$SPOOL" "$CSV"
	case $1 in
	TOKEN) yh_std_conf ;;
	BASIC) yh_write_conf "basic_auth = { user = \"$YH_BASIC_USER\"; password = \"$YH_BASIC_PASS\"; };" ;;
	*) yh_die "yh_fresh_spool: TOKEN or BASIC" ;;
	esac
	yh_conf_readable
	YH_START_TIME=$(yh_now)
}

# A JSON array of N distinct events, about 500 bytes each.
yh_big_batch() {
	awk -v n="$2" 'BEGIN {
		pad = sprintf("%300s", ""); gsub(/ /, "x", pad)
		printf "["
		for (i = 1; i <= n; i++) {
			printf "%s{\"iid\":\"big-%07d\",\"activityStatus\":\"DELIVERED\",\"mediaType\":\"email\",\"activityDateTime\":\"2023-09-14T08:30:50\",\"contactId\":%d,\"email\":\"u%d@example.com\",\"messageId\":42,\"messageName\":\"big\",\"statusDescription\":\"%s\"}\n", (i > 1 ? "," : ""), i, i, i, pad
		}
		printf "]\n"
	}' >"$1"
}

# The checks every deployment passes, against $BASE$HOOK: the setup GET,
# both fixtures, Basic credentials passed through, a chunked POST and a
# 5 MB batch.  Each step uses a fresh spool.
yh_suite() {
	local n=10000 want

	yh_fresh_spool TOKEN
	yh_http GET "$BASE$HOOK"
	yh_expect_code 200 "GET (Yespo's setup probe)" &&
		yh_expect_json_type "GET" &&
		yh_expect_body '{"status":"ok"}' "GET"
	yh_http HEAD "$BASE$HOOK"
	yh_expect_code 200 "HEAD"

	yh_post_fixture bulk-campaign.json bulk
	yh_fresh_spool TOKEN
	yh_post_fixture triggered-campaign.json triggered

	# Basic credentials must reach the program.
	yh_fresh_spool BASIC
	yh_post_file "$BASE$HOOK" "$YH_DATA/bulk-campaign.json"
	if yh_expect_code 401 "POST without Basic credentials"; then
		case $(yh_header WWW-Authenticate) in
		[Bb]asic\ *) ;;
		*) yh_fail "401: WWW-Authenticate is '$(yh_header WWW-Authenticate)', expected a Basic challenge" ;;
		esac
	fi
	yh_post_file "$BASE$HOOK" "$YH_DATA/bulk-campaign.json" -u "$YH_BASIC_USER:wrong"
	yh_expect_code 401 "POST with a wrong Basic password"
	[ -z "$(yh_files "$SPOOL/archive")" ] || yh_fail "refused POSTs wrote to the archive"
	yh_post_file "$BASE$HOOK" "$YH_DATA/bulk-campaign.json" -u "$YH_BASIC_USER:$YH_BASIC_PASS"
	yh_expect_code 200 "POST with the Basic credentials (Authorization passed through)" &&
		yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "POST with Basic credentials"
	yh_check_files bulk

	# Chunked, as a sender without Content-Length does it.
	yh_fresh_spool TOKEN
	yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$YH_DATA/bulk-campaign.json" \
		-H 'Transfer-Encoding: chunked'
	yh_expect_code 200 "chunked POST" &&
		yh_expect_body_file "$YH_EXPECTED/bulk/response.json" "chunked POST"
	yh_check_files bulk

	# 5 MB: far over mod_fcgid's default FcgidMaxRequestLen (128 KiB).
	yh_fresh_spool TOKEN
	yh_big_batch "$T/big.json" "$n"
	[ "$(wc -c <"$T/big.json")" -gt 5000000 ] || yh_die "the big batch is under 5 MB"
	yh_post_file "$BASE$HOOK?token=$YH_TOKEN" "$T/big.json"
	want="{\"received\":$n,\"stored\":$n,\"duplicates\":0,\"quarantined\":0}"
	yh_expect_code 200 "5 MB batch" && yh_expect_body "$want" "5 MB batch"
	if [ "$(cat "$SPOOL"/archive/*.jsonl 2>/dev/null | wc -l)" -ne "$n" ]; then
		yh_fail "5 MB batch: the archive holds $(cat "$SPOOL"/archive/*.jsonl 2>/dev/null | wc -l) events, expected $n"
	fi
	yh_files "$SPOOL/quarantine" | grep -q . && yh_fail "5 MB batch: something went to quarantine"
	return 0
}

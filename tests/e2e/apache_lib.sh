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

# The download checks: DIR is the URL of a directory whose csv files are
# FILEDIR on disk; USER:PASS may download.  401 without the password (with
# a Basic challenge), 200 with the same bytes and the CSV type with it, the
# page yespo-hook keeps at DIR/, 403 or 404 for everything else (even with
# the password).  Extra URLs that must be refused follow.
# yh_check_downloads URLDIR FILEDIR USER:PASS [URL...]
yh_check_downloads() {
	local url=$1 dir=$2 cred=$3 day f u
	shift 3
	day=${YH_DAY:-$(date -u +%F)}
	for f in summary.csv DELIVERED.csv UNDELIVERED.csv; do
		yh_http GET "$BASE$url/$day/$f"
		yh_expect_code 401 "GET $url/$day/$f without password" &&
			case $(yh_header WWW-Authenticate) in
			[Bb]asic\ *) ;;
			*) yh_fail "401 for $f: no Basic challenge" ;;
			esac
		yh_http GET "$BASE$url/$day/$f" -u "${cred%%:*}:wrong"
		yh_expect_code 401 "GET $url/$day/$f with a wrong password"
		yh_http GET "$BASE$url/$day/$f" -u "$cred"
		if yh_expect_code 200 "GET $url/$day/$f with the password"; then
			yh_cmp "$dir/$day/$f" "$T/resp.body" "download of $url/$day/$f"
			yh_expect_header Content-Type "text/csv; charset=utf-8" "download of $f"
		fi
	done
	# Stray files that must never be served from the download directory.
	printf 'token = "leak";\n' >"$dir/yespo-hook.conf"
	printf '{"iid":"leak"}\n' >"$dir/$day/$day.jsonl"
	printf 'leak\n' >"$dir/$day/notes.txt"
	chmod 0644 "$dir/yespo-hook.conf" "$dir/$day/$day.jsonl" "$dir/$day/notes.txt"
	for u in "$url/yespo-hook.conf" "$url/$day/$day.jsonl" "$url/$day/notes.txt" \
		"$url/$day/" "$@"; do
		for c in "" "$cred"; do
			if [ -n "$c" ]; then
				yh_http GET "$BASE$u" -u "$c" --path-as-is
			else
				yh_http GET "$BASE$u" --path-as-is
			fi
			case $CODE in
			403 | 404) ;;
			401) [ -z "$c" ] || yh_fail "GET $u with the password: 401, expected 403 or 404" ;;
			*) yh_fail "GET $u${c:+ with the password}: status $CODE, expected 403 or 404" ;;
			esac
			grep -q leak "$T/resp.body" && yh_fail "GET $u served the stray file's bytes"
		done
	done
	rm -f "$dir/yespo-hook.conf" "$dir/$day/$day.jsonl" "$dir/$day/notes.txt"
	# The page a writer keeps there, made after its answer: wait for it.
	for _ in $(seq 1 150); do
		[ -f "$dir/index.html" ] && break
		sleep 0.1
	done
	yh_http GET "$BASE$url/"
	yh_expect_code 401 "GET $url/ (the page) without the password"
	yh_http GET "$BASE$url/" -u "$cred"
	yh_expect_code 200 "GET $url/ (the page) with the password" &&
		yh_cmp "$dir/index.html" "$T/resp.body" "the page at $url/"
}

# lighttpd with the shipped conf/lighttpd.conf, its paths mapped into $T,
# on a free port; stopped by lib.sh's clean-up.  Sets $BASE and $HOOK.
yh_lt_start_shipped() {
	local port nonce got
	yh_need_lighttpd
	YH_LT_CONF=$T/lighttpd.conf
	YH_LT_LOG=$T/log/lighttpd.log
	yh_server_owns "$T/run"
	sed -e "s|/usr/local/lib/yespo-hook/yespo-hook|$T/bin/yespo-hook|g" \
		-e "s|/run/lighttpd/yespo-hook.sock|$T/run/yh.sock|g" \
		-e "s|/etc/yespo-hook/yespo-hook.conf|$CONF|g" \
		-e "s|/etc/yespo-hook/downloads.htpasswd|$T/etc/downloads.htpasswd|g" \
		-e "s|/var/www/yespo-hook/csv|$CSV|g" \
		"$YH_SRC/conf/lighttpd.conf" >"$T/lighttpd-yespo-hook.conf"
	nonce="ready-$$-$RANDOM$RANDOM"
	printf '%s\n' "$nonce" >"$WWW/ready.txt"
	chmod 0644 "$WWW/ready.txt"
	yh_conf_readable
	HOOK=/yespo-hook
	for _ in $(seq 1 10); do
		port=$(yh_pick_port)
		: >"$YH_LT_LOG"
		yh_server_owns "$YH_LT_LOG"
		{
			printf 'server.modules = ( )\n'
			printf 'server.document-root = "%s"\n' "$WWW"
			printf 'server.bind = "127.0.0.1"\nserver.port = %s\n' "$port"
			printf 'server.errorlog = "%s"\n' "$YH_LT_LOG"
			printf 'server.upload-dirs = ( "%s" )\n' "$T/tmp"
			printf 'mimetype.assign = ( ".txt" => "text/plain" )\n'
			[ -z "$YH_SRV_USER" ] ||
				printf 'server.username = "%s"\nserver.groupname = "%s"\n' "$YH_SRV_USER" "$YH_SRV_USER"
			printf 'include "%s"\n' "$T/lighttpd-yespo-hook.conf"
		} >"$YH_LT_CONF"
		lighttpd -tt -f "$YH_LT_CONF" >"$T/log/lighttpd-tt.out" 2>&1 ||
			yh_die "lighttpd rejects the shipped config: $(cat "$T/log/lighttpd-tt.out")"
		lighttpd -D -f "$YH_LT_CONF" </dev/null >>"$T/log/lighttpd.out" 2>&1 &
		YH_LT_PID=$!
		yh_track_pid "$YH_LT_PID"
		BASE=http://127.0.0.1:$port
		got=""
		for _ in $(seq 1 100); do
			yh_alive "$YH_LT_PID" || break
			got=$(curl -s --noproxy '*' --max-time 2 "$BASE/ready.txt" 2>/dev/null) || got=""
			[ "$got" = "$nonce" ] && break
			sleep 0.1
		done
		if [ "$got" = "$nonce" ] && yh_alive "$YH_LT_PID"; then
			say "lighttpd (shipped config) pid $YH_LT_PID on $BASE"
			return 0
		fi
		if ! yh_alive "$YH_LT_PID"; then
			wait "$YH_LT_PID" 2>/dev/null || true
			yh_untrack_pid "$YH_LT_PID"
			YH_LT_PID=""
			if grep -qiE "already in use|can.t bind" "$YH_LT_LOG" "$T/log/lighttpd.out" 2>/dev/null; then
				continue
			fi
			cat "$T/log/lighttpd.out" "$YH_LT_LOG" >&2 2>/dev/null
			yh_die "lighttpd exited at start (its output above)"
		fi
		yh_die "lighttpd did not serve $BASE/ready.txt within 10 s"
	done
	yh_die "no free port found for lighttpd"
}

# A stream of NB batches of 20 distinct events each, sent one after the
# other as Yespo does: each batch is resent (bounded) until it gets 200.
# Runs in the background; $T/acked gets one line per acknowledged batch.
yh_stream_start() {
	local nb=$1
	mkdir -p "$T/batches"
	awk -v nb="$nb" -v dir="$T/batches" 'BEGIN {
		for (b = 1; b <= nb; b++) {
			f = dir "/" b ".json"; printf "[" >f
			for (i = 1; i <= 20; i++)
				printf "%s{\"iid\":\"s-%04d-%02d\",\"activityStatus\":\"READ\",\"mediaType\":\"sms\",\"activityDateTime\":\"2024-01-01T00:00:00\",\"messageId\":%d}", (i > 1 ? "," : ""), b, i, b >f
			printf "]\n" >f; close(f)
		} }'
	: >"$T/acked"
	: >"$T/retries"
	(
		for b in $(seq 1 "$nb"); do
			n=0
			while :; do
				c=$(curl -s --noproxy '*' --max-time 20 -o "$T/stream.out" -w '%{http_code}' \
					-H 'Content-Type: application/json' --data-binary "@$T/batches/$b.json" \
					"$BASE$HOOK?token=$YH_TOKEN") || c=000
				if [ "$c" = 200 ]; then
					printf '%s %s\n' "$b" "$(cat "$T/stream.out")" >>"$T/acked"
					break
				fi
				printf '%s %s\n' "$b" "$c" >>"$T/retries"
				n=$((n + 1))
				[ "$n" -lt 150 ] || exit 1
				sleep 0.1
			done
		done
	) &
	YH_STREAM_PID=$!
	YH_EXTRA_PIDS="$YH_EXTRA_PIDS $YH_STREAM_PID"
}

# Wait (bounded, 30 s) until at least N batches are acknowledged.
yh_stream_wait() {
	for _ in $(seq 1 300); do
		[ "$(wc -l <"$T/acked")" -ge "$1" ] && return 0
		yh_alive "$YH_STREAM_PID" || break
		sleep 0.1
	done
	yh_die "only $(wc -l <"$T/acked") batches acknowledged, waited for $1"
}

# After the stream: every batch acknowledged, every event in the archive
# exactly once, and --verify agrees with the files.
yh_stream_check() {
	local nb=$1 got dup
	if ! wait "$YH_STREAM_PID"; then
		yh_fail "the sender gave up: a batch got no 200 in 150 tries ($(tail -n 3 "$T/retries" | tr '\n' ' '))"
	fi
	[ "$(wc -l <"$T/acked")" -eq "$nb" ] ||
		yh_fail "$(wc -l <"$T/acked") of $nb batches acknowledged"
	cat "$SPOOL"/archive/*.jsonl 2>/dev/null | sed -n 's/^{"iid":"\(s-[0-9]*-[0-9]*\)".*/\1/p' | sort >"$T/iids"
	got=$(sort -u "$T/iids" | wc -l)
	dup=$(uniq -d "$T/iids" | wc -l)
	[ "$got" -eq $((nb * 20)) ] ||
		yh_fail "the archive holds $got distinct events of the $((nb * 20)) acknowledged"
	[ "$dup" -eq 0 ] || yh_fail "$dup events are in the archive more than once"
	yh_as_server "$T/bin/yespo-hook" --verify --config "$CONF" >"$T/verify.out" 2>&1 ||
		yh_fail "--verify after the restarts: $(head -c 600 "$T/verify.out")"
	say "$nb batches acknowledged, $(wc -l <"$T/retries") retried answers"
}

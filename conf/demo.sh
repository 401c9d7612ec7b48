#!/usr/bin/env bash
# conf/demo.sh: quick start for yespo-hook on Debian 12.
#
#   conf/demo.sh          install missing packages, build into build/, and
#                         (re)start a demo lighttpd on 127.0.0.1:$PORT
#                         (default 8080) with its files under demo/
#   conf/demo.sh stop     stop the demo lighttpd (demo/ is kept)
#
# Run it as root or as a user who may use sudo (needed only when packages
# are missing).  Running it again restarts the demo and keeps its token.
# Remove everything it made with: conf/demo.sh stop && rm -rf demo build
set -eu

# What the build, the demo and every test need (the same list as .ci/run).
PACKAGES="build-essential cmake pkg-config libfcgi-dev libcjson-dev libconfig-dev libxlsxwriter-dev
lighttpd spawn-fcgi libfcgi-bin curl clang libclang-rt-14-dev
apache2 libapache2-mod-fcgid apache2-utils binutils util-linux
musl-tools gcc-aarch64-linux-gnu qemu-user-static dpkg-dev xz-utils
postgresql sqlite3 python3 python3-openpyxl libreoffice-calc-nogui chromium tzdata"

top=$(cd "$(dirname "$0")/.." && pwd -P)
demo=$top/demo
build=$top/build
bin=$build/handler/yespo-hook
conf=$demo/yespo-hook.conf
ltconf=$demo/lighttpd.conf
pidfile=$demo/lighttpd.pid
port=${PORT:-8080}

say() { printf '%s\n' "$*"; }
die() { printf 'conf/demo.sh: %s\n' "$*" >&2; exit 1; }

uid=$(id -u)

# The lighttpd of this demo, if it runs: the pid in demo/lighttpd.pid, when
# that process is a lighttpd started with demo/lighttpd.conf.
demo_pid() {
	local pid
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile" 2>/dev/null) || return 1
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	[ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$ltconf" || return 1
	printf '%s\n' "$pid"
}

stop_demo() {
	local pid
	if pid=$(demo_pid); then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do
			[ -d "/proc/$pid" ] || break
			sleep 0.1
		done
		if [ -d "/proc/$pid" ]; then
			kill -9 "$pid" 2>/dev/null || true
		fi
		say "stopped the demo lighttpd (pid $pid)"
	fi
	rm -f "$pidfile"
}

case ${1:-start} in
start) ;;
stop)
	stop_demo
	exit 0
	;;
-h | --help | help)
	sed -n '2,12s/^# \{0,1\}//p' "$0"
	exit 0
	;;
*) die "unknown command '$1' (use: conf/demo.sh [start|stop])" ;;
esac

case $port in
'' | *[!0-9]*) die "PORT must be a number, not '$port'" ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
	die "PORT must be 1..65535, not $port"
fi
case $top in
*'"'* | *\\*) die "the source path $top holds a quote or backslash; move it" ;;
esac

# 1. Packages: install only those that are missing.
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	command -v apt-get >/dev/null || die "missing packages:$missing (this script knows only apt-get)"
	if [ "$uid" -eq 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null; then
		sudo="sudo"
	else
		die "missing packages:$missing; run this as root, or install them first"
	fi
	say "installing:$missing"
	$sudo apt-get update
	# The demo and the tests start their own servers on loopback: keep apt
	# from starting lighttpd or Apache as system services on port 80.
	norc=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null &&
			$sudo chmod 755 /usr/sbin/policy-rc.d && norc=1
	fi
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing ||
		{ [ -z "$norc" ] || $sudo rm -f /usr/sbin/policy-rc.d; die "apt-get install failed"; }
	[ -z "$norc" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi
lighttpd=$(command -v lighttpd || echo /usr/sbin/lighttpd)
[ -x "$lighttpd" ] || die "lighttpd not found"

# Who runs lighttpd and the workers.  A normal user: that user.  Root: the
# owner of the source tree when that is not root, else www-data; root itself
# only when www-data cannot reach this directory (as under /root).
owner=$(stat -c %U "$top")
run_user=""
as_owner() { "$@"; }
if [ "$uid" -eq 0 ]; then
	if [ "$owner" != root ] && id "$owner" >/dev/null 2>&1; then
		run_user=$owner
		as_owner() { runuser -u "$owner" -- "$@"; }
	else
		run_user=www-data
		id www-data >/dev/null 2>&1 || die "user www-data does not exist"
	fi
fi

# 2. Build (the same flags as CI).
as_owner cmake -S "$top" -B "$build" -DYH_WERROR=ON
as_owner cmake --build "$build" -j2
[ -x "$bin" ] || die "the build did not produce $bin"

# 3. Check that the port is free (a running demo on it is restarted), and
# stop a running demo.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
port_msg="port $port on 127.0.0.1 is already in use; choose another: PORT=8081 $0"
old_port=""
if demo_pid >/dev/null; then
	old_port=$(sed -n 's/^server\.port = \([0-9]*\)$/\1/p' "$ltconf" 2>/dev/null || true)
fi
if [ "$old_port" != "$port" ] && port_taken; then
	die "$port_msg"
fi
stop_demo
if port_taken; then
	die "$port_msg"
fi

# 4. The demo directory and its config (the token survives a restart).
as_owner mkdir -p "$demo"
mkdir -p "$demo/spool" "$demo/www/csv" "$demo/run" "$demo/log" "$demo/tmp"
chmod 0700 "$demo/spool"
token=""
if [ -f "$conf" ]; then
	token=$(sed -n 's/^token = "\([0-9a-f]\{32,\}\)";$/\1/p' "$conf")
fi
if [ -z "$token" ]; then
	token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
fi
(
	umask 077
	cat >"$conf.new" <<EOF
# yespo-hook configuration of the demo, written by conf/demo.sh.
# See conf/yespo-hook.conf.example for every key.
spool_dir = "$demo/spool";
csv_dir = "$demo/www/csv";
token = "$token";
EOF
)
mv -f "$conf.new" "$conf"

# The FastCGI socket path must fit in 108 bytes (lighttpd appends "-N").
sockdir=$demo/run
if [ ${#sockdir} -gt 80 ]; then
	sockdir=/tmp/yespo-hook-demo-$uid-$port
	mkdir -p "$sockdir"
	chmod 0700 "$sockdir"
fi

cat >"$ltconf" <<EOF
# lighttpd configuration of the demo, written by conf/demo.sh.
# conf/lighttpd.conf is the commented example for a real server.
server.modules = ( "mod_access", "mod_fastcgi" )
index-file.names = ( "index.html" )
server.document-root = "$demo/www"
server.bind = "127.0.0.1"
server.port = $port
server.pid-file = "$pidfile"
server.errorlog = "$demo/log/error.log"
server.upload-dirs = ( "$demo/tmp" )
server.max-request-size = 66560
mimetype.assign = (
	".csv" => "text/csv; charset=utf-8",
	".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".html" => "text/html; charset=utf-8",
)
fastcgi.server = ( "/yespo-hook" => ((
	"bin-path" => "$bin",
	"socket" => "$sockdir/yespo-hook.sock",
	"check-local" => "disable",
	"max-procs" => 2,
	"bin-environment" => ( "YESPO_HOOK_CONFIG" => "$conf" ),
)) )
\$HTTP["url"] !~ "^/yespo-hook" {
	url.access-allow = ( "/", "/index.html", ".csv", ".xlsx" )
}
EOF
if [ -n "$run_user" ]; then
	printf 'server.username = "%s"\nserver.groupname = "%s"\n' \
		"$run_user" "$(id -gn "$run_user")" >>"$ltconf"
fi

sample=$demo/sample.json
cat >"$sample" <<'EOF'
[
{"broadcastId":3459207,"messageName":"test","iid":"99d591ab-e7a5-49ed-8e16-b3023378fc18","contactId":1967597908,"externalCustomerId":"789456512","email":"test1@yourdomain.com","mediaType":"email","activityStatus":"DELIVERED","messageId":2489300,"messageInstanceId":4702518,"activityDateTime":"2023-09-14T08:30:03","viewMessageLink":"https://u51739.esclick.me/J9o6EvyAKGmB","statusData":{}},
{"broadcastId":3459207,"messageName":"test","iid":"4af20897-de88-4ad0-ada3-dc4bcf14e8d8","contactId":889891911,"externalCustomerId":"262ac297-6ae1-11ec-a2ec-0050569bdf92","email":"test2@yourdomain.com","mediaType":"email","activityStatus":"DELIVERED","messageId":2489300,"messageInstanceId":4702518,"activityDateTime":"2023-09-14T08:30:03","viewMessageLink":"https://u51739.esclick.me/J9o6Dl1wrDeB","statusData":{}},
{"broadcastId":3459207,"messageName":"test","iid":"b14dec37-806e-4bc4-ba71-a5911a7d7ce4","contactId":1026901517,"email":"test3@yourdomain.com","mediaType":"email","activityStatus":"DELIVERED","messageId":2489300,"messageInstanceId":4702518,"activityDateTime":"2023-09-14T08:30:03","viewMessageLink":"https://u51739.esclick.me/J9o6Dttf6fOB","statusData":{}},
{"broadcastId":3459207,"messageName":"test","hardBounce":false,"iid":"99d591ab-e7a5-49ed-8e16-b3023378fc18","contactId":1967597908,"externalCustomerId":"789456512","email":"test1@yourdomain.com","mediaType":"email","activityStatus":"UNDELIVERED","messageId":2489300,"messageInstanceId":4702518,"activityDateTime":"2023-09-14T08:30:07","statusDescription":"5.1.2 (bad destination system: no such domain)","viewMessageLink":"https://u51739.esclick.me/J9o6EvyAKGmB","statusData":{}}
]
EOF

if [ -n "$run_user" ]; then
	chown -R "$run_user:$(id -gn "$run_user")" "$demo"
	[ "$sockdir" = "$demo/run" ] || chown "$run_user" "$sockdir"
	# www-data must reach the binary and demo/ (not so under /root).
	if ! runuser -u "$run_user" -- test -x "$bin" -a -w "$demo/spool"; then
		say "note: user $run_user cannot reach $top; the demo runs as root"
		chown -R root:root "$demo"
		sed -i '/^server\.\(username\|groupname\)/d' "$ltconf"
		run_user=""
	fi
fi
as_run() {
	if [ -n "$run_user" ]; then runuser -u "$run_user" -- "$@"; else "$@"; fi
}

# 5. Check the config and the spool as the workers will, then start.
as_run "$bin" --check --config "$conf" ||
	die "yespo-hook --check failed for $conf (message above)"
"$lighttpd" -tt -f "$ltconf" >/dev/null || die "lighttpd rejects $ltconf"
if ! "$lighttpd" -f "$ltconf"; then
	tail -n 20 "$demo/log/error.log" >&2 2>/dev/null || true
	die "lighttpd did not start (log: $demo/log/error.log)"
fi

# 6. Wait (at most 15 s) until the GET probe, the one Yespo sends when the
# webhook is saved, answers 200.
base=http://127.0.0.1:$port
code=000
for _ in $(seq 1 75); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/yespo-hook") || true
	[ "$code" = 200 ] && break
	sleep 0.2
done
if [ "$code" != 200 ]; then
	tail -n 20 "$demo/log/error.log" >&2 2>/dev/null || true
	stop_demo
	die "GET $base/yespo-hook answered $code, not 200 (log: $demo/log/error.log)"
fi

day=$(date -u +%F)
pid=$(demo_pid || echo '?')
cat <<EOF

yespo-hook demo is running: lighttpd pid $pid on $base${run_user:+, as $run_user}.
Demo directory: $demo

Webhook URL (what Yespo would get, once served on a public https address):
  $base/yespo-hook?token=$token

Post the sample batch (4 events) as Yespo does:
  curl -sS -H 'Content-Type: application/json' --data-binary @$sample '$base/yespo-hook?token=$token'

It answers {"received":4,"stored":4,"duplicates":0,"quarantined":0};
posting it again stores nothing new (duplicates: 4).

Where the files appear (the day is the receipt day, UTC):
  archive     $demo/spool/archive/$day.jsonl
  CSVs        $demo/www/csv/$day/DELIVERED.csv, UNDELIVERED.csv, summary.csv
  download    $base/csv/ (the page: days, counts, links), $base/csv/$day/summary.csv
  quarantine  $demo/spool/quarantine/
  server log  $demo/log/error.log

Stop it: conf/demo.sh stop     Run the tests: ctest --test-dir build --output-on-failure -j2
EOF

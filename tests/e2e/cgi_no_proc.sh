#!/usr/bin/env bash
# cgi_no_proc: where /proc is not mounted (some chroots and containers),
# the binary still finds yespo-hook.conf beside its folder, through
# SCRIPT_FILENAME or the path it was started by; when neither names a
# folder, the log says to set YESPO_HOOK_CONFIG or use --config.  Needs
# root and unshare(1), to hide /proc in a mount namespace of its own
# (skipped otherwise).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init
yh_need unshare
[ "$(id -u)" = 0 ] || yh_skip "needs root to hide /proc"
unshare -m --propagation private sh -c 'mount -t tmpfs none /proc' 2>/dev/null ||
	yh_skip "cannot mount over /proc in a mount namespace here"
mkdir -p "$T/app/bin"
cp "$YH_BIN" "$T/app/bin/yespo-hook"
CONF=$T/app/yespo-hook.conf
yh_std_conf

# noproc OUT VAR=VALUE... -- COMMAND...: run a probe with /proc hidden.
noproc() {
	local out=$1
	shift
	unshare -m --propagation private sh -c \
		'mount -t tmpfs none /proc && exec env -i "$@"' sh \
		PATH="$T/app/bin:$PATH" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
		REMOTE_ADDR=127.0.0.1 "$@" <&- >"$out" 2>"$T/cgi.err"
	yh_cgi_parse "$out"
}

noproc "$T/a.out" SCRIPT_FILENAME="$T/app/bin/yespo-hook" yespo-hook
yh_expect_code 200 "probe without /proc, SCRIPT_FILENAME set" || cat "$T/cgi.err" >&2
noproc "$T/b.out" "$T/app/bin/yespo-hook"
yh_expect_code 200 "probe without /proc, started by its full path" || cat "$T/cgi.err" >&2
noproc "$T/c.out" yespo-hook
yh_expect_code 503 "probe without /proc, started by a bare name"
grep -q 'YESPO_HOOK_CONFIG' "$T/cgi.err" && grep -q -- '--config' "$T/cgi.err" ||
	yh_fail "the log does not say to set YESPO_HOOK_CONFIG or use --config: $(cat "$T/cgi.err")"
yh_finish

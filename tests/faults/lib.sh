# Shared by the fault tests: run the binary as plain CGI against a spool of
# the test's own, and check the spool's files the way a downloader would.
# shellcheck shell=bash

set -u

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

setup_spool() {	# $1: directory to make the spool and config in
	mkdir -p "$1/spool" && chmod 700 "$1/spool" || fail "cannot make $1/spool"
	printf 'spool_dir = "%s/spool";\nallow_anonymous = true;\n' "$1" >"$1/yespo-hook.conf"
}

# post BIN DIR FILE [VAR=VALUE...]: one CGI POST of FILE; the answer in
# DIR/out, stderr in DIR/err; returns the process's exit status.
post() {
	local bin=$1 dir=$2 file=$3
	shift 3
	env -i PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
	    CONTENT_LENGTH="$(wc -c <"$file")" REMOTE_ADDR=127.0.0.1 \
	    YESPO_HOOK_CONFIG="$dir/yespo-hook.conf" "$@" \
	    "$bin" <"$file" >"$dir/out" 2>"$dir/err"
}

status_of() { sed -n '1s/^Status: \([0-9]*\).*/\1/p' "$1/out" | tr -d '\r'; }
body_of() { sed '1,/^\r$/d' "$1/out"; }
count_of() { body_of "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }

# Every archive file ends with a newline and every CSV file with CRLF:
# nobody can see half a line.
check_whole_lines() {
	local f
	for f in "$1"/spool/archive/*.jsonl; do
		[ -s "$f" ] || continue
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] ||
			fail "$f ends in half a line"
	done
	for f in "$1"/spool/csv/*/*.csv; do
		[ -s "$f" ] || continue
		[ "$(tail -c 2 "$f" | od -An -c | tr -d ' ')" = '\r\n' ] ||
			fail "$f ends in half a row"
	done
}

# The stored events, receipt stamps removed, sorted: one line per event.
events_of() {
	cat "$1"/spool/archive/*.jsonl 2>/dev/null |
		sed 's/,"_receivedAt":"[^"]*"}$/}/' | LC_ALL=C sort
}

# until_200 BIN DIR FILE: resend FILE until it is answered 200 (5 tries).
until_200() {
	local i
	for i in 1 2 3 4 5; do
		post "$1" "$2" "$3" && [ "$(status_of "$2")" = 200 ] && return 0
	done
	return 1
}

# kill_each_call BIN BASE WORK FILE AFTER: for each of open, write, sync,
# rename, close, truncate and unlink, and each k until the k-th call no
# longer comes, copy the spool BASE (setup_spool's layout) to WORK/case,
# POST FILE there with YH_FAULT=op:k:kill (the faults binary kills itself
# at that call), and once the process died there run AFTER DIR "op #k",
# which fails the test itself.  Sets KILLS.
kill_each_call() {
	local bin=$1 base=$2 work=$3 file=$4 after=$5 op k d
	KILLS=0
	for op in open write sync rename close truncate unlink; do
		k=1
		while :; do
			d=$work/case
			rm -rf "$d"
			cp -a "$base" "$d"
			sed -i "s|$base/|$d/|" "$d/yespo-hook.conf"
			# The shell's own "Killed" notice is not news here.
			(post "$bin" "$d" "$file" YH_FAULT="$op:$k:kill") 2>/dev/null
			[ $? -eq 137 ] || break
			KILLS=$((KILLS + 1))
			"$after" "$d" "kill at $op #$k"
			k=$((k + 1))
		done
	done
}

# recover BIN DIR A B STATE WANT WHAT: after a kill, Yespo's resend of A
# and the next batch B (each until answered 200); then STATE DIR must
# print what the file WANT holds, and --verify must pass.
recover() {
	local bin=$1 d=$2 a=$3 b=$4 state=$5 want=$6 what=$7
	until_200 "$bin" "$d" "$a" || fail "$what: the resend was not answered 200"
	until_200 "$bin" "$d" "$b" || fail "$what: the next batch was not answered 200"
	"$state" "$d" >"$d.got"
	cmp -s "$want" "$d.got" || fail "$what: the spool differs: $(diff "$want" "$d.got" | head -n 4)"
	"$bin" --config "$d/yespo-hook.conf" --verify >"$d.verify" 2>&1 ||
		fail "$what: --verify: $(head -n 3 "$d.verify")"
}

# seed_past_index BIN DIR: grow the day's archive past the index file's
# fixed size, so that a size limit can sit between them: the index stays
# writable and the archive cannot grow.  Prints the archive's size.
seed_past_index() {
	local bin=$1 dir=$2 i size index
	for i in $(seq 1 3000); do
		printf '{"iid":"seed-%05d","activityStatus":"DELIVERED","mediaType":"email","activityDateTime":"2024-01-01T00:00:00","email":"someone-%05d@example.com","messageId":1,"messageName":"seed"}\n' "$i" "$i"
	done >"$dir/seed.jsonl"
	"$bin" --ingest --config "$dir/yespo-hook.conf" "$dir/seed.jsonl" >"$dir/seeded" 2>&1 ||
		fail "seeding: $(cat "$dir/seeded")"
	size=$(stat -c %s "$dir"/spool/archive/*.jsonl)
	index=$(stat -c %s "$dir/spool/index/keys.idx")
	[ "$size" -gt $((index + 4096)) ] || fail "seed archive ($size) not larger than the index ($index)"
	echo "$size"
}

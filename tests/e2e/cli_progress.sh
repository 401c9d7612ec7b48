#!/usr/bin/env bash
# cli_progress: --rebuild, --verify, --export and --erase (the command is
# the first argument after the source dir; xlsx: --export --format xlsx)
# show a progress line on stderr when it is a terminal (days done of all,
# events per second, rewritten with \r), and write nothing more than before
# to a pipe.  The terminal is a pty made by script(1).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
CMD=${3:?usage: cli_progress.sh BINARY SOURCE_DIR rebuild|verify|export|xlsx|erase}
yh_init
yh_need script
yh_std_conf

# Three archive days of a few events each, one of them a person's to
# erase, then views made from them.
mkdir -p "$SPOOL/archive"
for d in 2026-11-01 2026-11-02 2026-11-03; do
	for i in 1 2 3 4; do
		printf '{"iid":"p-%s-%d","activityStatus":"DELIVERED","mediaType":"email","email":"%s","_receivedAt":"%sT10:00:0%dZ"}\n' \
			"$d" "$i" "$([ "$i" = 2 ] && echo anna@example.com || echo bob@example.com)" "$d" "$i"
	done >"$SPOOL/archive/$d.jsonl"
done
"$YH_BIN" --rebuild --config "$CONF" >/dev/null 2>&1 || yh_die "seeding --rebuild failed"

case $CMD in
export) args=(--export --output "$T/export.csv") ;;
xlsx) args=(--export --format xlsx --output "$T/export.csv"); CMD=export ;;
erase) args=(--erase email=anna@example.com) ;;
*) args=(--"$CMD") ;;
esac
args+=(--config "$CONF")

# On a terminal: the line, with the count of days and a rate.
rm -f "$T/export.csv"
script -qec "$(printf '%q ' "$YH_BIN" "${args[@]}")" /dev/null >"$T/tty.out" 2>&1 </dev/null ||
	yh_fail "--$CMD on a terminal failed: $(cat "$T/tty.out")"
grep -q $'\r'"yespo-hook: --$CMD: day 3 of 3, 12 events, [0-9]* events/s" "$T/tty.out" ||
	yh_fail "--$CMD on a terminal shows no progress line: $(sed -n 'l 0' "$T/tty.out")"
# What --erase prints per day stands on a line of its own on the screen:
# the text after the last carriage return, the line wipes taken out.
if [ "$CMD" = erase ]; then
	sed 's/\r$//; s/.*\r//; s/\x1b\[K//g' "$T/tty.out" >"$T/screen"
	for d in 2026-11-01 2026-11-02 2026-11-03; do
		grep -qxF "archive/$d.jsonl: removed 1 event(s)" "$T/screen" ||
			yh_fail "--erase on a terminal: no line for $d: $(sed -n 'l 0' "$T/tty.out")"
	done
fi

# On a pipe: nothing of it.
rm -f "$T/export.csv"
"$YH_BIN" "${args[@]}" 2>"$T/pipe.err" | cat >"$T/pipe.out" ||
	yh_fail "--$CMD on a pipe failed: $(cat "$T/pipe.err")"
if grep -q 'events/s' "$T/pipe.err" || grep -q $'\r' "$T/pipe.err"; then
	yh_fail "--$CMD on a pipe wrote a progress line: $(sed -n 'l 0' "$T/pipe.err")"
fi
[ -s "$T/pipe.err" ] && [ "$CMD" != verify ] &&
	yh_fail "--$CMD on a pipe wrote to stderr: $(cat "$T/pipe.err")"
yh_finish

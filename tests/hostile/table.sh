#!/usr/bin/env bash
# tests/hostile/table.sh BIN SRC: malformed and hostile requests (yespo-hook(8) HTTP
# and GUARANTEES 4), each sent to the binary as plain CGI (environment +
# stdin) against a fresh spool of its own.
#
# For every row of the table at the end, checked:
#   - the process exits normally (status 0, no signal, no sanitizer
#     report) within 20 s;
#   - the answer's status, its headers (Allow, WWW-Authenticate,
#     Retry-After, Content-Type, Content-Length) and for a POST the exact
#     counts {"received","stored","duplicates","quarantined"};
#   - nothing lost: the archive (receipt stamps removed) holds exactly the
#     events the row names, byte for byte; quarantine/ holds exactly the
#     bytes of the body as read (a body kept whole) or, in one file, the
#     lines of the elements the row names; spool/tmp is empty; no file lies outside the spool's own
#     places (a status such as ../../x cannot name a file);
#   - for a 4xx/5xx answer and a GET: nothing is written at all;
#   - the CSV rows and files the row names, and `BIN --verify` passes.
#
# Exit 0 when every row passes, 1 otherwise.  Set YH_KEEP_TMP=1 to keep the
# spools of failed rows.  Runs in about a minute (one row posts 50 MB).
set -u
LC_ALL=C
export LC_ALL

if [ $# -lt 1 ]; then
	printf 'usage: %s BIN [SRC]\n' "$0" >&2
	exit 2
fi
BIN=$1
case $BIN in /*) ;; *) BIN=$(pwd -P)/$BIN ;; esac
[ -x "$BIN" ] || { printf 'hostile: %s is not an executable\n' "$BIN" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/yh-hostile.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

TOKEN=tok-hostile-1
LIMIT=1048576			# max_body_bytes of the std and basic configs
BASIC_OK=eWVzcG86cGE1NS13b3Jk	# yespo:pa55-word
BASIC_BAD=eWVzcG86d3Jvbmc=	# yespo:wrong
HEADER='receivedAt,activityDateTime,activityStatus,mediaType,contactId,externalCustomerId,email,sms,viber,webpush,mobilepush,from,messageId,messageInstanceId,messageName,messageTag,messageLanguageCode,broadcastId,workflowId,workflowBlockId,workflowInstanceId,sourceEventId,sourceEventKey,sourceEventTypeKey,clickEventLink,viewMessageLink,hardBounce,statusDescription,statusData,subscription,subscriptions,osName,osType,iid,extra'
COLS=(activityDateTime activityStatus mediaType contactId externalCustomerId email sms viber webpush mobilepush from messageId messageInstanceId messageName messageTag messageLanguageCode broadcastId workflowId workflowBlockId workflowInstanceId sourceEventId sourceEventKey sourceEventTypeKey clickEventLink viewMessageLink hardBounce statusDescription statusData subscription subscriptions osName osType iid extra)
STAMP_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

R=""		# the current row's directory
NROWS=0
NPASS=0
NFAIL=0
ROW_OK=1
ROW_NAME=""

# --- body builders (the table's second column): append to $R/body ------------

put() { printf '%s' "$1" >>"$R/body"; }
hex() {	# hex 'ef bb bf': those bytes
	local h
	for h in $1; do
		# shellcheck disable=SC2059 # the format is the escape on purpose
		printf "\\x$h" >>"$R/body"
	done
}
str() {	# str N TEXT: TEXT repeated N times, on stdout
	if [ ${#2} -eq 1 ]; then
		head -c "$1" /dev/zero | tr '\0' "$2"
	else
		yes -- "$2" | head -n "$1" | tr -d '\n'
	fi
}
rep() { str "$1" "$2" >>"$R/body"; }
zeros() { head -c "$1" /dev/zero >>"$R/body"; }

# --- expectations -------------------------------------------------------------

ev() { printf '%s\n' "$1" >>"$R/exp.arch"; }		# an event in the archive
el() {				# an element in the batch's quarantine file: its line
	case $1 in
	\[*) printf '[%s]\n' "$1" ;;	# an array inside [ ], as --ingest reads it back
	*) printf '%s\n' "$1" ;;
	esac >>"$R/exp.els"
}
# The body minus its first and last bytes is one event / one element.
ev_inner() { { tail -c +2 "$R/body" | head -c -1; printf '\n'; } >>"$R/exp.arch"; }
el_inner() { el "$(tail -c +2 "$R/body" | head -c -1)"; }
ev_whole() { { cat "$R/body"; printf '\n'; } >>"$R/exp.arch"; }
events() {	# events OBJ...: the body [OBJ,...], each stored as sent
	local o sep='['
	for o in "$@"; do
		put "$sep$o"
		ev "$o"
		sep=,
	done
	put ']'
}
files() { printf '%s\n' "$@" >>"$R/exp.files"; }	# the day's STATUS.csv files, exactly
# csvrow STATUS COLUMN=CELL...: a data row of STATUS.csv (cells as written,
# quoting included; receivedAt is checked apart); names STATUS in files too.
csvrow() {
	local st=$1 kv c row='@' v
	declare -A cell=()
	shift
	for kv in "$@"; do
		cell[${kv%%=*}]=${kv#*=}
	done
	for c in "${COLS[@]}"; do
		v=${cell[$c]-}
		row+=",$v"
		unset "cell[$c]"
	done
	[ ${#cell[@]} -eq 0 ] || { table_error "csvrow: unknown column ${!cell[*]}"; return; }
	printf '%s\r\n' "$row" >>"$R/exp.csv.$st"
	grep -qxF -- "$st" "$R/exp.files" 2>/dev/null || files "$st"
}
sumrow() { printf '%s\r\n' "$1" >>"$R/exp.summary"; }	# a row of summary.csv

# A valid one-event body of exactly N bytes: [{"iid":"sized","messageName":"aaa..."}]
sized() {
	local head='[{"iid":"sized-'$1'","messageName":"' tail='"}]'
	put "$head"
	rep $(($1 - ${#head} - ${#tail})) a
	put "$tail"
}

# Every documented member with a type other than the documented one (and a
# string where a number, object or boolean is documented): stored as sent,
# each CSV cell the value's JSON text (strings decoded, formula-guarded).
wrong_types() {
	events '{"activityDateTime":20240229,"activityStatus":{"v":"DELIVERED"},"mediaType":7,"contactId":"c-1","externalCustomerId":true,"email":["a@b.c"],"sms":{"n":1},"viber":false,"webpush":1.5e3,"mobilepush":-3,"from":{},"messageId":"m-1","messageInstanceId":[1,2],"messageName":12345678901234567890123,"messageTag":["a","b"],"messageLanguageCode":0,"broadcastId":"b,1","workflowId":{"x":"y\"z"},"workflowBlockId":true,"workflowInstanceId":42,"sourceEventId":[],"sourceEventKey":{"k":null},"sourceEventTypeKey":1e400,"clickEventLink":["http://x/?a=1,b"],"viewMessageLink":0.0,"hardBounce":"yes","statusDescription":{"d":[true,false]},"statusData":"=SUM(A1)","subscription":3,"subscriptions":"all","osName":[null],"osType":-0,"iid":{"i":1},"zzz":[1]}'
	csvrow OTHER 'activityDateTime=20240229' 'activityStatus="{""v"":""DELIVERED""}"' \
		'mediaType=7' 'contactId=c-1' 'externalCustomerId=true' 'email="[""a@b.c""]"' \
		'sms="{""n"":1}"' 'viber=false' 'webpush=1.5e3' 'mobilepush=-3' 'from={}' \
		'messageId=m-1' 'messageInstanceId="[1,2]"' 'messageName=12345678901234567890123' \
		'messageTag="[""a"",""b""]"' 'messageLanguageCode=0' 'broadcastId="b,1"' \
		'workflowId="{""x"":""y\""z""}"' 'workflowBlockId=true' 'workflowInstanceId=42' \
		'sourceEventId=[]' 'sourceEventKey="{""k"":null}"' 'sourceEventTypeKey=1e400' \
		'clickEventLink="[""http://x/?a=1,b""]"' 'viewMessageLink=0.0' 'hardBounce=yes' \
		'statusDescription="{""d"":[true,false]}"' "statusData='=SUM(A1)" 'subscription=3' \
		'subscriptions=all' 'osName=[null]' 'osType=-0' 'iid="{""i"":1}"' \
		'extra="{""zzz"":[1]}"'
	sumrow 'OTHER,7,m-1,12345678901234567890123,1'
}

# Strings where the documented type is a string, but hostile: formula
# starts, quotes, commas, CR LF, escapes.
hostile_strings() {
	events '{"iid":"hs-1","activityStatus":"CLICKED","email":"=HYPERLINK(\"http://x\")","sms":"+380","viber":"-1","from":"@me","messageName":"\tTAB","messageTag":"\rCR","externalCustomerId":"a,b","workflowInstanceId":"line1\r\nline2","clickEventLink":"http:\/\/x\/y","statusDescription":"caf\u00e9 \ud83d\ude00"}'
	csvrow CLICKED 'activityStatus=CLICKED' "email=\"'=HYPERLINK(\"\"http://x\"\")\"" \
		"sms='+380" "viber='-1" "from='@me" "messageName='"$'\t'TAB "messageTag=\"'"$'\r'"CR\"" \
		'externalCustomerId="a,b"' 'workflowInstanceId="line1'$'\r\n''line2"' \
		'clickEventLink=http://x/y' 'statusDescription=café 😀' 'iid=hs-1'
}

many_members() {	# one object with 10000 members
	put '[{"iid":"many"'
	seq 0 9998 | sed 's/.*/,"m&":&/' | tr -d '\n' >>"$R/body"
	put '}]'
	ev_inner
	files OTHER
}

# --- running a row -------------------------------------------------------------

bad() {
	ROW_OK=0
	printf 'FAIL %d %s: %s\n' "$NROWS" "$ROW_NAME" "$*" >&2
}
table_error() { bad "table error: $*"; }

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	printf '%s' "$s"
}

write_conf() {	# write_conf KIND FILE
	{
		printf 'spool_dir = "%s/spool";\n' "$R"
		case $1 in
		std) printf 'token = "%s";\nmax_body_bytes = %d;\n' "$TOKEN" "$LIMIT" ;;
		big) printf 'token = "%s";\n' "$TOKEN" ;;	# max_body_bytes: the 64 MiB default
		basic) printf 'basic_auth = { user = "yespo"; password = "pa55-word"; };\nmax_body_bytes = %d;\n' "$LIMIT" ;;
		broken) printf 'token = "%s";\nmax_body_byte = 5;\n' "$TOKEN" ;;
		*) table_error "unknown config $1" ;;
		esac
	} >"$2"
}

# A header of the answer: its value.
header() { sed -n '1,/^\r*$/p' "$R/out" | tr -d '\r' | sed -n "s/^$1: *//Ip" | head -n 1; }

# The files below the spool that may exist: anything else is a file built
# from request data, or a leftover.
check_paths() {
	local f
	find "$R/spool" -type f | sed "s|^$R/spool/||" | LC_ALL=C sort >"$R/spool.files"
	while IFS= read -r f; do
		[[ $f =~ ^(lock|format|archive/[0-9]{4}-[0-9]{2}-[0-9]{2}\.jsonl|index/[^/]+|views/[^/]+|quarantine/[0-9a-f]+\.(body|elements)|csv/[0-9]{4}-[0-9]{2}-[0-9]{2}/([A-Z][A-Z0-9_]{0,39}|summary)\.csv|csv/index\.html)$ ]] ||
			bad "unexpected file spool/$f"
	done <"$R/spool.files"
	if [ -n "$(find "$R/spool/tmp" -mindepth 1 2>/dev/null)" ]; then
		bad "spool/tmp is not empty: $(find "$R/spool/tmp" -mindepth 1 | tr '\n' ' ')"
	fi
	# Outside the spool: only this script's own files.
	while IFS= read -r f; do
		bad "a file outside the spool: $f"
	done < <(find "$R" -mindepth 1 -maxdepth 1 ! -name spool ! -name body ! -name out \
		! -name err ! -name hook.conf ! -name 'exp.*' ! -name verify.out \
		! -name spool.files ! -name body.read ! -name 'got.*')
	while IFS= read -r f; do
		bad "a file outside the row's directory: $f"
	done < <(find "$T" -mindepth 1 -maxdepth 1 ! -name 'r[0-9]*')
}

# The archive's lines with their receipt stamps removed, into $R/got.arch.
archive_lines() {
	local n
	: >"$R/got.arch"
	[ -d "$R/spool/archive" ] || return 0
	n=$(find "$R/spool/archive" -type f | wc -l)
	[ "$n" -le 1 ] || bad "$n archive files for one request"
	find "$R/spool/archive" -type f -name '*.jsonl' -exec cat {} + >"$R/got.raw"
	if grep -vEq "(,|^\\{)\"_receivedAt\":\"$STAMP_RE\"\\}\$" "$R/got.raw"; then
		bad "an archive line does not end in its receipt stamp"
	fi
	sed -E "s/,\"_receivedAt\":\"$STAMP_RE\"\\}\$/}/; s/^\\{\"_receivedAt\":\"$STAMP_RE\"\\}\$/{}/" \
		"$R/got.raw" >"$R/got.arch"
	rm -f "$R/got.raw"
}

show() { head -c 300 "$1" | sed -n 'l 100' | head -n 4 | sed 's/^/      /' >&2; }

check_quarantine() {	# check_quarantine whole|elements
	local f k
	find "$R/spool/quarantine" -type f 2>/dev/null | LC_ALL=C sort >"$R/got.q"
	if [ "$1" = whole ]; then
		if [ "$(wc -l <"$R/got.q")" -ne 1 ]; then
			bad "quarantine holds $(wc -l <"$R/got.q") files, expected the body alone"
			return
		fi
		f=$(cat "$R/got.q")
		case $f in *.body) ;; *) bad "quarantined body named $f" ;; esac
		if ! cmp -s "$f" "$R/body.read"; then
			bad "quarantine file differs from the body as read ($(wc -c <"$f") vs $(wc -c <"$R/body.read") bytes)"
			show "$f"
		fi
		return
	fi
	# The rejected elements in one file, one line each, in order.
	k=0
	[ -e "$R/exp.els" ] && k=$(wc -l <"$R/exp.els")
	[ "$k" -eq "$WANT_Q" ] || table_error "counts say $WANT_Q quarantined, the row names $k elements"
	if [ "$k" -eq 0 ]; then
		[ -s "$R/got.q" ] && bad "quarantine holds files: $(tr '\n' ' ' <"$R/got.q")"
		return
	fi
	if [ "$(wc -l <"$R/got.q")" -ne 1 ]; then
		bad "quarantine holds $(wc -l <"$R/got.q") files, expected one for the batch's elements"
		return
	fi
	f=$(cat "$R/got.q")
	case $f in *.elements) ;; *) bad "the batch's elements are in $(basename "$f")" ;; esac
	if ! cmp -s "$f" "$R/exp.els"; then
		bad "the quarantine file does not hold the rejected elements, one per line"
		show "$f"
	fi
}

check_csv() {
	local day st f
	[ -e "$R/exp.files" ] || [ -e "$R/exp.summary" ] || return 0
	day=$(find "$R/spool/csv" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1)
	[ -n "$day" ] || { bad "no CSV day directory"; return; }
	if [ -e "$R/exp.files" ]; then
		{ sed 's/$/.csv/' "$R/exp.files"; echo summary.csv; } | LC_ALL=C sort >"$R/exp.names"
		find "$day" -type f -printf '%f\n' | LC_ALL=C sort >"$R/got.names"
		cmp -s "$R/exp.names" "$R/got.names" ||
			bad "CSV files are '$(tr '\n' ' ' <"$R/got.names")', expected '$(tr '\n' ' ' <"$R/exp.names")'"
	fi
	for f in "$R"/exp.csv.*; do
		[ -e "$f" ] || continue
		st=${f##*/exp.csv.}
		[ -f "$day/$st.csv" ] || continue
		[ "$(head -n 1 "$day/$st.csv")" = "$HEADER"$'\r' ] || bad "$st.csv: wrong header row"
		tail -n +2 "$day/$st.csv" | sed -E "s/^$STAMP_RE,/@,/" >"$R/got.csv"
		if ! cmp -s "$f" "$R/got.csv"; then
			bad "$st.csv rows differ from the expected"
			diff <(sed -n 'l 0' "$f") <(sed -n 'l 0' "$R/got.csv") | head -n 6 | cut -c1-400 >&2
		fi
	done
	if [ -e "$R/exp.summary" ]; then
		tail -n +2 "$day/summary.csv" >"$R/got.summary"
		cmp -s "$R/exp.summary" "$R/got.summary" ||
			bad "summary.csv: '$(sed -n 'l 0' "$R/got.summary" | head -c 300)'"
	fi
}

# row NAME | BUILD | REQUEST | STATUS | EFFECT (one line of the table)
run_row() {
	local name=$1 build=$2 req=$3 want=$4 effect=$5
	local conf=std method=POST query="token=$TOKEN" cl='{n}' xtok="" authz="" argv=()
	local have_x=0 have_a=0 w k v size rc body status ctype clen flag counts=""
	local whole=0 allow=0 www=0 retry=0 okbody=0 nobody=0
	NROWS=$((NROWS + 1))
	ROW_NAME=$name
	ROW_OK=1
	R=$T/r$NROWS
	if ! mkdir -p "$R/spool" || ! chmod 700 "$R/spool"; then
		bad "cannot make $R"
		return
	fi
	: >"$R/body"
	eval "$build" || table_error "body builder failed: $build"
	size=$(wc -c <"$R/body")

	for w in $req; do
		k=${w%%=*}
		v=${w#*=}
		v=${v//\{n\}/$size}
		v=${v//\{tok\}/$TOKEN}
		v=${v//\{basic_ok\}/$BASIC_OK}
		v=${v//\{basic_bad\}/$BASIC_BAD}
		v=$(printf '%b' "$v")
		case $k in
		conf) conf=$v ;;
		m) method=$v ;;
		q) query=$v ;;
		cl) cl=$v ;;
		h) xtok=$v; have_x=1 ;;
		a) authz=$v; have_a=1 ;;
		argv) argv+=("$v") ;;
		*) table_error "unknown request word $w" ;;
		esac
	done
	cl=${cl//\{n\}/$size}
	write_conf "$conf" "$R/hook.conf"

	local envs=(PATH="$PATH" GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1
		SERVER_NAME=127.0.0.1 SERVER_PORT=80 REMOTE_ADDR=127.0.0.1
		SCRIPT_NAME=/hook.cgi CONTENT_TYPE=application/json
		YESPO_HOOK_CONFIG="$R/hook.conf" REQUEST_METHOD="$method")
	[ "$query" = none ] || envs+=(QUERY_STRING="$query")
	[ "$cl" = none ] || envs+=(CONTENT_LENGTH="$cl")
	[ $have_x = 0 ] || envs+=(HTTP_X_WEBHOOK_TOKEN="$xtok")
	[ $have_a = 0 ] || envs+=(HTTP_AUTHORIZATION="$authz")
	[ -z "${ASAN_OPTIONS:-}" ] || envs+=(ASAN_OPTIONS="$ASAN_OPTIONS")
	[ -z "${UBSAN_OPTIONS:-}" ] || envs+=(UBSAN_OPTIONS="$UBSAN_OPTIONS")

	# The body as the binary should read it: CONTENT_LENGTH bytes when that
	# is a number below the body's size, else all of it.
	if [[ $cl =~ ^[0-9]{1,17}$ ]] && [ "$((10#$cl))" -lt "$size" ]; then
		head -c "$((10#$cl))" "$R/body" >"$R/body.read"
	else
		cp "$R/body" "$R/body.read"
	fi

	env -i "${envs[@]}" timeout -k 5 20 "$BIN" "${argv[@]}" <"$R/body" >"$R/out" 2>"$R/err"
	rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		bad "no answer within 20 s (hang)"
	elif [ $rc -gt 128 ]; then
		bad "killed by signal $((rc - 128))"
	elif [ $rc -ne 0 ]; then
		bad "exit status $rc"
	fi
	if grep -qE 'Sanitizer|runtime error:' "$R/err"; then
		bad "sanitizer report:"
		head -n 20 "$R/err" >&2
	fi

	status=$(head -n 1 "$R/out" | tr -d '\r' | sed -n 's/^Status: \([0-9][0-9][0-9]\).*/\1/p')
	body=$(sed '1,/^\r*$/d' "$R/out")
	[ "$status" = "$want" ] || bad "status '${status:-none}', expected $want (answer: $(head -c 200 "$R/out" | tr '\r\n' '  '))"
	ctype=$(header Content-Type)
	[ "$ctype" = application/json ] || bad "Content-Type '$ctype'"
	clen=$(header Content-Length)

	for flag in $effect; do
		case $flag in
		-) ;;
		*/*/*/*) counts=$flag ;;
		whole) whole=1 ;;
		allow) allow=1 ;;
		www) www=1 ;;
		retry) retry=1 ;;
		ok) okbody=1 ;;
		empty) nobody=1 ;;
		*) table_error "unknown effect $flag" ;;
		esac
	done
	if [ $nobody = 1 ]; then
		[ -z "$body" ] || bad "a body for HEAD: $body"
	else
		[ "$clen" = "${#body}" ] || bad "Content-Length $clen, the body has ${#body} bytes"
	fi
	[ $allow = 0 ] || [ "$(header Allow)" = "GET, HEAD, POST" ] || bad "Allow: '$(header Allow)'"
	[ $www = 0 ] || case $(header WWW-Authenticate) in Basic\ *) ;; *) bad "WWW-Authenticate: '$(header WWW-Authenticate)'" ;; esac
	[ $retry = 0 ] || [ -n "$(header Retry-After)" ] || bad "no Retry-After"
	[ $okbody = 0 ] || [ "$body" = '{"status":"ok"}' ] || bad "probe body '$body'"

	check_paths
	if [ -n "$counts" ]; then
		local wr ws wd wq
		IFS=/ read -r wr ws wd wq <<<"$counts"
		WANT_Q=$wq
		[ "$body" = "{\"received\":$wr,\"stored\":$ws,\"duplicates\":$wd,\"quarantined\":$wq}" ] ||
			bad "answer $body, expected counts $counts"
		archive_lines
		[ -e "$R/exp.arch" ] || : >"$R/exp.arch"
		[ "$(wc -l <"$R/exp.arch")" -eq "$ws" ] ||
			table_error "counts say $ws stored, the row names $(wc -l <"$R/exp.arch") events"
		if ! cmp -s "$R/exp.arch" "$R/got.arch"; then
			bad "the archive holds $(wc -l <"$R/got.arch") lines, not the $(wc -l <"$R/exp.arch") events sent"
			diff <(cut -c1-200 "$R/exp.arch") <(cut -c1-200 "$R/got.arch") | head -n 6 >&2
		fi
		if [ $whole = 1 ]; then
			[ "$counts" = 1/0/0/1 ] || table_error "a body kept whole counts 1/0/0/1"
			check_quarantine whole
		else
			check_quarantine elements
		fi
		check_csv
	else
		# Not acknowledged as a POST: nothing may be written.
		if grep -qv '^lock$' "$R/spool.files"; then
			bad "files written: $(grep -v '^lock$' "$R/spool.files" | tr '\n' ' ')"
		fi
	fi
	if [ "$conf" != broken ]; then
		if ! env -i PATH="$PATH" timeout -k 5 60 "$BIN" --verify --config "$R/hook.conf" \
			>"$R/verify.out" 2>&1; then
			bad "--verify fails: $(head -n 3 "$R/verify.out")"
		fi
	fi

	if [ $ROW_OK = 1 ]; then
		NPASS=$((NPASS + 1))
		printf 'ok   %2d %s\n' "$NROWS" "$name"
		rm -rf "$R"
	else
		NFAIL=$((NFAIL + 1))
		if [ -n "${YH_KEEP_TMP:-}" ]; then
			mkdir -p "${TMPDIR:-/tmp}/yh-hostile-kept"
			mv "$R" "${TMPDIR:-/tmp}/yh-hostile-kept/r$NROWS"
			printf '     kept in %s\n' "${TMPDIR:-/tmp}/yh-hostile-kept/r$NROWS" >&2
		else
			rm -rf "$R"
		fi
	fi
}

run_table() {
	local line name build req want effect
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		IFS='|' read -r name build req want effect <<<"$line"
		run_row "$(trim "$name")" "$(trim "$build")" "$(trim "$req")" \
			"$(trim "$want")" "$(trim "$effect")"
	done
}

# --- the table ------------------------------------------------------------------
# BUILD: the body (put TEXT, hex BYTES, rep N TEXT, events OBJ...) and what
#   must come of it (ev EVENT: archived; el TEXT: quarantined element;
#   csvrow, sumrow, files: the day's CSVs).
# REQUEST: POST with ?token=, CONTENT_LENGTH = the body's size and the std
#   config (token, max_body_bytes 1 MiB), changed by m=METHOD q=QUERY|none
#   cl=VALUE|none h=X-Webhook-Token a=Authorization argv=WORD
#   conf=std|basic|big|broken; values are printf %b escapes, {n} the body's
#   size, {tok} the token.
# EFFECT: counts received/stored/duplicates/quarantined of a 200 POST, or -
#   (nothing written); whole: the body as read kept whole in quarantine;
#   allow, www, retry: the Allow, WWW-Authenticate, Retry-After headers;
#   ok: the probe's {"status":"ok"}; empty: no body (HEAD).
run_table <<'EOF'
# name                               | body                                                        | request                         | status | effect
# -- not JSON, broken JSON ------------------------------------------------------------------------------------------------------------
not JSON                             | put 'hello'                                                 |                                 | 200 | 1/0/0/1 whole
HTML form post                       | put 'token=x&iid=1&activityStatus=READ'                     |                                 | 200 | 1/0/0/1 whole
empty body                           | :                                                           |                                 | 200 | 0/0/0/0
white space only                     | put $' \r\n\t '                                             |                                 | 200 | 0/0/0/0
empty array                          | put '[ ]'                                                   |                                 | 200 | 0/0/0/0
truncated JSON                       | put '[{"iid":"t-1","activityStatus":"DELIVERED"'            |                                 | 200 | 1/0/0/1 whole
truncated inside a string            | put '[{"iid":"t-2'                                          |                                 | 200 | 1/0/0/1 whole
truncated after a backslash          | put '[{"iid":"t-3\'                                         |                                 | 200 | 1/0/0/1 whole
trailing garbage after events        | put '[{"iid":"g-1","activityStatus":"READ"}] xyz'           |                                 | 200 | 1/0/0/1 whole
[1,2] xyz                            | put '[1,2] xyz'                                             |                                 | 200 | 1/0/0/1 whole
two arrays back to back              | put '[{"iid":"g-2"}][{"iid":"g-3"}]'                        |                                 | 200 | 1/0/0/1 whole
JSON lines (not one JSON text)       | put $'{"iid":"l-1"}\n{"iid":"l-2"}\n'                       |                                 | 200 | 1/0/0/1 whole
trailing comma                       | put '[{"iid":"g-4"},]'                                      |                                 | 200 | 1/0/0/1 whole
missing comma                        | put '[{"iid":"g-5"} {"iid":"g-6"}]'                         |                                 | 200 | 1/0/0/1 whole
single quotes                        | put "[{'iid':'g-7'}]"                                       |                                 | 200 | 1/0/0/1 whole
unquoted member name                 | put '[{iid:"g-8"}]'                                         |                                 | 200 | 1/0/0/1 whole
comment in JSON                      | put '[/* c */{"iid":"g-9"}]'                                |                                 | 200 | 1/0/0/1 whole
mismatched brackets                  | put '[{"iid":"g-10"]}'                                      |                                 | 200 | 1/0/0/1 whole
bad escape \x                        | put '[{"iid":"g-11\x41"}]'                                  |                                 | 200 | 1/0/0/1 whole
short \u escape                      | put '[{"iid":"g-12\u12"}]'                                  |                                 | 200 | 1/0/0/1 whole
nesting 100000 deep, balanced        | rep 100000 '['; rep 100000 ']'; el_inner                    |                                 | 200 | 1/0/0/1
nesting 100000 deep, unbalanced      | rep 100000 '['                                              |                                 | 200 | 1/0/0/1 whole
objects 100000 deep, unclosed        | rep 100000 '{"a":'                                          |                                 | 200 | 1/0/0/1 whole
event holding 100000 nested arrays   | put '[{"iid":"deep","x":'; rep 100000 '['; rep 100000 ']'; put '}]'; ev_inner; files OTHER |   | 200 | 1/1/0/0
object 100000 deep as the body       | put '{"iid":"deep-2","x":'; rep 99999 '{"a":'; put 1; rep 100000 '}'; ev_whole |             | 200 | 1/1/0/0
# -- bytes: NUL, UTF-8, encodings ---------------------------------------------------------------------------------------------------
NUL byte inside a string             | put '[{"iid":"n-1'; hex 00; put '"}]'                       |                                 | 200 | 1/0/0/1 whole
NUL byte after the JSON              | put '[{"iid":"n-2"}]'; hex 00                               |                                 | 200 | 1/0/0/1 whole
only NUL bytes                       | zeros 4096                                                  |                                 | 200 | 1/0/0/1 whole
raw newline inside a string          | put $'[{"iid":"n-3\nx"}]'                                   |                                 | 200 | 1/0/0/1 whole
\u0000 inside a string (kept)        | events '{"iid":"n-4","messageName":"a\u0000b"}'; csvrow OTHER messageName=ab iid=n-4 |       | 200 | 1/1/0/0
lone surrogate escape \ud800 (kept)  | events '{"iid":"s-1","messageName":"x\ud800y"}'; csvrow OTHER messageName=x$'\xef\xbf\xbd'y iid=s-1 | | 200 | 1/1/0/0
invalid UTF-8: stray continuation    | put '[{"iid":"u-1","messageName":"a'; hex 80; put '"}]'     |                                 | 200 | 1/0/0/1 whole
invalid UTF-8: byte FF               | put '[{"iid":"u-2","messageName":"a'; hex ff; put '"}]'     |                                 | 200 | 1/0/0/1 whole
invalid UTF-8: Latin-1 e-acute       | put '[{"iid":"u-3","messageName":"caf'; hex e9; put '"}]'   |                                 | 200 | 1/0/0/1 whole
invalid UTF-8: cut 3-byte sequence   | put '[{"iid":"u-4","messageName":"'; hex 'e2 82'; put '"}]' |                                 | 200 | 1/0/0/1 whole
invalid UTF-8: 5-byte form           | put '[{"iid":"u-5","messageName":"'; hex 'f8 88 80 80 80'; put '"}]' |                        | 200 | 1/0/0/1 whole
invalid UTF-8 in a member name       | put '[{"iid":"u-6","na'; hex fe; put 'me":1}]'              |                                 | 200 | 1/0/0/1 whole
invalid UTF-8 between tokens         | put '[{"iid":"u-7"}'; hex a0; put ']'                       |                                 | 200 | 1/0/0/1 whole
overlong UTF-8 '/' (C0 AF)           | put '[{"iid":"o-1","messageName":"'; hex 'c0 af'; put '"}]' |                                 | 200 | 1/0/0/1 whole
overlong UTF-8, 3 bytes (E0 80 AF)   | put '[{"iid":"o-2","messageName":"'; hex 'e0 80 af'; put '"}]' |                              | 200 | 1/0/0/1 whole
overlong UTF-8, 4 bytes (F0 80 80 AF) | put '[{"iid":"o-3","messageName":"'; hex 'f0 80 80 af'; put '"}]' |                          | 200 | 1/0/0/1 whole
UTF-16 surrogate in UTF-8 (ED A0 80) | put '[{"iid":"o-4","messageName":"'; hex 'ed a0 80'; put '"}]' |                              | 200 | 1/0/0/1 whole
code point above U+10FFFF            | put '[{"iid":"o-5","messageName":"'; hex 'f4 90 80 80'; put '"}]' |                           | 200 | 1/0/0/1 whole
valid 4-byte UTF-8 (kept)            | events '{"iid":"o-6","messageName":"😀 é"}'; csvrow OTHER 'messageName=😀 é' iid=o-6 |        | 200 | 1/1/0/0
BOM at start                         | hex 'ef bb bf'; put '[{"iid":"b-1"}]'                       |                                 | 200 | 1/0/0/1 whole
UTF-16LE body                        | hex 'ff fe 5b 00 7b 00 7d 00 5d 00'                         |                                 | 200 | 1/0/0/1 whole
# -- numbers ---------------------------------------------------------------------------------------------------------------------
1e400 (kept as sent)                 | events '{"iid":"x-1","contactId":1e400}'; csvrow OTHER contactId=1e400 iid=x-1 |             | 200 | 1/1/0/0
-0 (kept as sent)                    | events '{"iid":"x-2","contactId":-0,"messageId":-0.0E-0}'; csvrow OTHER contactId=-0 messageId=-0.0E-0 iid=x-2 | | 200 | 1/1/0/0
huge integer (every digit kept)      | events '{"iid":"x-3","contactId":123456789012345678901234567890123456789}'; csvrow OTHER contactId=123456789012345678901234567890123456789 iid=x-3 | | 200 | 1/1/0/0
leading zero 01                      | put '[{"iid":"x-4","contactId":01}]'                        |                                 | 200 | 1/0/0/1 whole
1. and .5                            | put '[{"iid":"x-5","a":1.,"b":.5}]'                         |                                 | 200 | 1/0/0/1 whole
+1                                   | put '[{"iid":"x-6","a":+1}]'                                |                                 | 200 | 1/0/0/1 whole
NaN and Infinity                     | put '[{"iid":"x-7","a":NaN,"b":Infinity}]'                  |                                 | 200 | 1/0/0/1 whole
hex number 0x10                      | put '[{"iid":"x-8","a":0x10}]'                              |                                 | 200 | 1/0/0/1 whole
exponent without digits 1e           | put '[{"iid":"x-9","a":1e}]'                                |                                 | 200 | 1/0/0/1 whole
# -- members: types, names, statuses ----------------------------------------------------------------------------------------------
every documented member wrong type   | wrong_types                                                 |                                 | 200 | 1/1/0/0
hostile strings in CSV cells         | hostile_strings                                             |                                 | 200 | 1/1/0/0
activityStatus ../../x               | events '{"iid":"p-1","activityStatus":"../../x"}'; csvrow OTHER activityStatus=../../x iid=p-1 | | 200 | 1/1/0/0
activityStatus 10 KB long            | events "{\"iid\":\"p-2\",\"activityStatus\":\"$(str 10240 A)\"}"; files OTHER |               | 200 | 1/1/0/0
activityStatus of 40 letters (kept)  | events "{\"iid\":\"p-3\",\"activityStatus\":\"$(str 40 Q)\"}"; files "$(str 40 Q)" |          | 200 | 1/1/0/0
activityStatus of 41 letters         | events "{\"iid\":\"p-4\",\"activityStatus\":\"$(str 41 Q)\"}"; files OTHER |                  | 200 | 1/1/0/0
activityStatus with /                | events '{"iid":"p-5","activityStatus":"SENT/../READ"}'; files OTHER |                     | 200 | 1/1/0/0
activityStatus with a backslash      | events '{"iid":"p-6","activityStatus":"A\\B"}'; csvrow OTHER 'activityStatus=A\B' iid=p-6 |  | 200 | 1/1/0/0
activityStatus with \u0000           | events '{"iid":"p-7","activityStatus":"AB\u0000C"}'; files OTHER |                        | 200 | 1/1/0/0
activityStatus with \n               | events '{"iid":"p-8","activityStatus":"A\nB"}'; csvrow OTHER 'activityStatus="A'$'\n''B"' iid=p-8 | | 200 | 1/1/0/0
activityStatus with \u escapes (kept)| events '{"iid":"p-9","activityStatus":"\u0044ELIVERED"}'; files DELIVERED |               | 200 | 1/1/0/0
activityStatus lower case, space, "" | events '{"iid":"p-10","activityStatus":"read"}' '{"iid":"p-11","activityStatus":"READ "}' '{"iid":"p-12","activityStatus":""}' '{"iid":"p-13","activityStatus":5}'; files OTHER | | 200 | 4/4/0/0
activityStatus OTHER and NEW_STATUS  | events '{"iid":"p-14","activityStatus":"OTHER"}' '{"iid":"p-15","activityStatus":"NEW_STATUS_2"}'; files OTHER NEW_STATUS_2 | | 200 | 2/2/0/0
member names with escapes            | events '{"\u0069id":"e-1","activity\u0053tatus":"CLICKED","a\"b":1}'; csvrow CLICKED activityStatus=CLICKED iid=e-1 'extra="{""a\""b"":1}"' | | 200 | 1/1/0/0
duplicate members                    | events '{"iid":"e-2","activityStatus":"READ","iid":"e-3","activityStatus":"SPAM"}'; csvrow SPAM activityStatus=SPAM iid=e-3 | | 200 | 1/1/0/0
10000 members in one object          | many_members                                                |                                 | 200 | 1/1/0/0
empty object (kept)                  | events '{}' '{"":""}'; files OTHER                          |                                 | 200 | 2/2/0/0
a member named _receivedAt           | events '{"iid":"e-4","_receivedAt":"1999-01-01T00:00:00Z"}'; files OTHER |                  | 200 | 1/1/0/0
# -- elements and top-level values -----------------------------------------------------------------------------------------------
non-objects among objects            | ev '{"iid":"m-1"}'; put '[{"iid":"m-1"},"s",42,null,[1,{"iid":"m-3"}],true,{"iid":"m-2"}]'; el '"s"'; el 42; el null; el '[1,{"iid":"m-3"}]'; el true; ev '{"iid":"m-2"}' | | 200 | 7/2/0/5
the same element twice               | put '[7, 7]'; el 7; el 7                                    |                                 | 200 | 2/0/0/2
the same event twice                 | put '[{"iid":"m-4","activityStatus":"READ"},{"iid":"m-4","activityStatus":"READ"}]'; ev '{"iid":"m-4","activityStatus":"READ"}' | | 200 | 2/1/1/0
top-level number                     | put ' 42 '; el 42                                           |                                 | 200 | 1/0/0/1
top-level null                       | put 'null'; el null                                         |                                 | 200 | 1/0/0/1
top-level string                     | put '"[{\"iid\":\"q\"}]"'; el '"[{\"iid\":\"q\"}]"'         |                                 | 200 | 1/0/0/1
top-level true                       | put 'true'; el true                                         |                                 | 200 | 1/0/0/1
single object (a batch of one)      | put $' {"iid" : "o-1",\n "activityStatus":\t"READ"} '; ev '{"iid":"o-1","activityStatus":"READ"}'; files READ | | 200 | 1/1/0/0
# -- sizes -------------------------------------------------------------------------------------------------------------------------
body at max_body_bytes (kept)        | sized 1048576; ev_inner                                     |                                 | 200 | 1/1/0/0
body over max_body_bytes by 1        | sized 1048577                                               |                                 | 200 | 1/0/0/1 whole
over the limit, no CONTENT_LENGTH    | sized 1048577                                               | cl=none                         | 200 | 1/0/0/1 whole
3 MB of garbage over the limit       | rep 3000000 'x'                                             |                                 | 200 | 1/0/0/1 whole
3 MB over the limit, no CL           | rep 1000000 '[{}'                                           | cl=none                         | 200 | 1/0/0/1 whole
past the cap (4 x the limit), no CL  | rep 1500000 '[{}'                                           | cl=none                         | 413 | -
a 50 MB string (64 MiB limit)        | put '[{"iid":"big","activityStatus":"DELIVERED","messageName":"'; rep 52428800 a; put '"}]'; ev_inner; files DELIVERED | conf=big | 200 | 1/1/0/0
# -- CONTENT_LENGTH ------------------------------------------------------------------------------------------------------------------
CONTENT_LENGTH missing               | events '{"iid":"c-1"}'                                      | cl=none                         | 200 | 1/1/0/0
CONTENT_LENGTH empty (= unset)       | events '{"iid":"c-2"}'                                      | cl=                             | 200 | 1/1/0/0
CONTENT_LENGTH past the cap          | events '{"iid":"c-9"}'                                      | cl=4194305                      | 413 | -
CONTENT_LENGTH negative              | events '{"iid":"c-3"}'                                      | cl=-1                           | 400 | -
CONTENT_LENGTH non-numeric           | events '{"iid":"c-4"}'                                      | cl=abc                          | 400 | -
CONTENT_LENGTH +N                    | events '{"iid":"c-5"}'                                      | cl=+{n}                         | 400 | -
CONTENT_LENGTH with a leading space  | events '{"iid":"c-6"}'                                      | cl=\x20{n}                      | 400 | -
CONTENT_LENGTH with a trailing space | events '{"iid":"c-7"}'                                      | cl={n}\x20                      | 400 | -
CONTENT_LENGTH in hex                | events '{"iid":"c-8"}'                                      | cl=0x10                         | 400 | -
CONTENT_LENGTH 1e3                   | events '{"iid":"c-9"}'                                      | cl=1e3                          | 400 | -
CONTENT_LENGTH beyond 2^63           | events '{"iid":"c-10"}'                                     | cl=99999999999999999999         | 400 | -
CONTENT_LENGTH with leading zeros    | events '{"iid":"c-11"}'                                     | cl=000{n}                       | 200 | 1/1/0/0
CONTENT_LENGTH larger than the body  | events '{"iid":"c-12"}'                                     | cl=1000                         | 400 | -
CL over the limit, body short        | events '{"iid":"c-13"}'                                     | cl=2000000                      | 400 | -
CONTENT_LENGTH smaller than the body | put '[{"iid":"c-14"}]'                                      | cl=13                           | 200 | 1/0/0/1 whole
CL smaller, a valid prefix           | put '{"iid":"c-15"}'; ev '{"iid":"c-15"}'; put '{"iid":"c-16"}' | cl=14                       | 200 | 1/1/0/0
CONTENT_LENGTH 0 with a body         | events '{"iid":"c-17"}'; : > "$R/exp.arch"                  | cl=0                            | 200 | 0/0/0/0
# -- methods -----------------------------------------------------------------------------------------------------------------------
PUT                                  | events '{"iid":"h-1"}'                                      | m=PUT                           | 405 | - allow
DELETE                               | :                                                           | m=DELETE cl=none                | 405 | - allow
PATCH                                | events '{"iid":"h-2"}'                                      | m=PATCH                         | 405 | - allow
OPTIONS                              | :                                                           | m=OPTIONS cl=none               | 405 | - allow
GE T                                 | :                                                           | m=GE\x20T cl=none               | 405 | - allow
post in lower case                   | events '{"iid":"h-3"}'                                      | m=post                          | 405 | - allow
empty method                         | events '{"iid":"h-4"}'                                      | m=                              | 405 | - allow
PUT without a token (method first)   | events '{"iid":"h-5"}'                                      | m=PUT q=none                    | 405 | - allow
GET with a body and bad framing      | put 'garbage'                                               | m=GET cl=abc q=none             | 200 | - ok
HEAD                                 | :                                                           | m=HEAD cl=none q=none           | 200 | - empty
# -- authorisation -----------------------------------------------------------------------------------------------------------------
wrong token                          | events '{"iid":"a-1"}'                                      | q=token=wrong                   | 403 | -
missing token                        | events '{"iid":"a-2"}'                                      | q=none                          | 403 | -
empty token                          | events '{"iid":"a-3"}'                                      | q=token=                        | 403 | -
token with a suffix                  | events '{"iid":"a-4"}'                                      | q=token={tok}x                  | 403 | -
token, name in upper case            | events '{"iid":"a-5"}'                                      | q=TOKEN={tok}                   | 403 | -
token prefix only                    | events '{"iid":"a-6"}'                                      | q=token=tok-hostile-            | 403 | -
wrong token in query and header      | events '{"iid":"a-7"}'                                      | q=token=wrong h=wrong           | 403 | -
wrong token in the header only       | events '{"iid":"a-8"}'                                      | q=none h={tok}-                 | 403 | -
right in header, wrong in query      | events '{"iid":"a-9"}'                                      | q=token=wrong h={tok}           | 200 | 1/1/0/0
percent-encoded right token          | events '{"iid":"a-10"}'                                     | q=x=1&token=%74ok-hostile-1     | 200 | 1/1/0/0
broken percent escape                | events '{"iid":"a-11"}'                                     | q=token=%zz                     | 403 | -
wrong token, bad CONTENT_LENGTH      | events '{"iid":"a-12"}'                                     | q=token=wrong cl=abc            | 403 | -
Basic, wrong password                | events '{"iid":"a-13"}'                                     | conf=basic a=Basic\x20{basic_bad} | 401 | - www
Basic, no Authorization              | events '{"iid":"a-14"}'                                     | conf=basic                      | 401 | - www
Basic, malformed base64              | events '{"iid":"a-15"}'                                     | conf=basic a=Basic\x20!!!!      | 401 | - www
Basic, no colon                      | events '{"iid":"a-16"}'                                     | conf=basic a=Basic\x20eWVzcG8=  | 401 | - www
Bearer instead of Basic              | events '{"iid":"a-17"}'                                     | conf=basic a=Bearer\x20{basic_ok} | 401 | - www
Basic, right (control)               | events '{"iid":"a-18"}'                                     | conf=basic a=Basic\x20{basic_ok} | 200 | 1/1/0/0
query --rebuild passed as argv       | events '{"iid":"a-19"}'                                     | q=--rebuild argv=--rebuild h={tok} | 200 | 1/1/0/0
config broken (before the method)    | events '{"iid":"a-20"}'                                     | conf=broken m=PUT               | 503 | - retry
EOF

printf 'hostile: %d inputs, %d passed, %d failed\n' "$NROWS" "$NPASS" "$NFAIL"
[ "$NFAIL" -eq 0 ] && [ "$NROWS" -ge 45 ]

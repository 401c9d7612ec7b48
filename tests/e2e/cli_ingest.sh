#!/usr/bin/env bash
# cli_ingest: "yespo-hook --ingest --config FILE FIXTURE" (and "-" for
# stdin) prints the same counts as the POST answer and makes the same files.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_init

# The counts line: the POST body, with or without one newline after it.
expect_counts() {
	local exp=$1 what=$2
	if ! cmp -s "$exp" "$T/stdout"; then
		{ cat "$exp"; printf '\n'; } >"$T/exp.nl"
		if ! cmp -s "$T/exp.nl" "$T/stdout"; then
			yh_fail "$what printed other counts"
			printf '  expected: ' >&2
			sed -n 'l 0' "$exp" >&2
			printf '  actual:   ' >&2
			sed -n "l 0" "$T/stdout" >&2
			[ -s "$T/stdout" ] || printf "(nothing)\n" >&2
		fi
	fi
}

for name in bulk edge stdin; do
	rm -rf "$SPOOL" "$CSV"
	mkdir -m 0700 "$SPOOL"
	yh_std_conf
	case $name in
	bulk)
		"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/bulk-campaign.json" \
			</dev/null >"$T/stdout" 2>"$T/stderr"
		rc=$?
		exp=bulk
		;;
	edge)
		"$YH_BIN" --ingest --config "$CONF" "$YH_DATA/edge.json" \
			</dev/null >"$T/stdout" 2>"$T/stderr"
		rc=$?
		exp=edge
		;;
	stdin)
		# The config found through YESPO_HOOK_CONFIG, the batch on stdin.
		YESPO_HOOK_CONFIG=$CONF "$YH_BIN" --ingest - \
			<"$YH_DATA/triggered-campaign.json" >"$T/stdout" 2>"$T/stderr"
		rc=$?
		exp=triggered
		;;
	esac
	if [ "$rc" -ne 0 ]; then
		yh_fail "--ingest ($name) exited $rc: $(cat "$T/stderr")"
		continue
	fi
	expect_counts "$YH_EXPECTED/$exp/response.json" "--ingest ($name)"
	yh_check_files "$exp"
done

# Ingesting again adds nothing.
if ! "$YH_BIN" --ingest --config "$CONF" "$YH_DATA/triggered-campaign.json" \
	</dev/null >"$T/stdout" 2>"$T/stderr"; then
	yh_die "--ingest (again) failed: $(cat "$T/stderr")"
fi
printf '%s' '{"received":3,"stored":0,"duplicates":3,"quarantined":0}' >"$T/dup.json"
expect_counts "$T/dup.json" "--ingest (again)"
yh_check_files triggered
yh_finish

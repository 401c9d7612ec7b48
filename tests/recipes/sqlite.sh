#!/usr/bin/env bash
# recipes.sqlite: conf/load-sqlite.sh, as README.md gives it, loads a day's
# CSV files into sqlite3: every row once (also when loaded twice), counts
# per status as in summary.csv, and ids and phone numbers as text with
# every digit.
# shellcheck source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
yh_need sqlite3 python3
yh_init
yh_recipe_spool

DB=$T/yespo.db
load() {
	"$YH_SRC/conf/load-sqlite.sh" "$DAY" "$CSV" "$DB" 2>"$T/load.err" ||
		yh_die "load-sqlite.sh failed: $(cat "$T/load.err")"
}
q() { sqlite3 -batch -noheader "$DB" "$1"; }

load
load	# a day loaded again replaces its rows

want=$(yh_summary_total)
got=$(q "SELECT count(*) FROM yespo_csv")
[ "$got" = "$want" ] || yh_fail "yespo_csv holds $got rows; summary.csv counts $want"
for s in DELIVERED UNDELIVERED SUBSCRIPTION_CHANGED; do
	want=$(yh_summary_total "$s")
	got=$(q "SELECT count(*) FROM yespo_csv WHERE activityStatus = '$s'")
	[ "$got" = "$want" ] || yh_fail "$s: $got rows in SQLite, $want in summary.csv"
done

got=$(q "SELECT contactId || ' ' || typeof(contactId) FROM yespo_csv WHERE iid = 'edge-0001'")
[ "$got" = "123456789012345678901 text" ] || yh_fail "the 21-digit contactId came out as '$got'"
got=$(q "SELECT sms FROM yespo_csv WHERE iid = 'edge-0002'")
[ "$got" = "380000000001" ] || yh_fail "the phone number came out as '$got'"
got=$(q "SELECT messageName FROM yespo_csv WHERE iid = 'edge-0001'")
want=$(printf 'Say "hi" \\ to\nJos\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\x93 \xc3\xbcn\xc3\xaf')
[ "$got" = "$want" ] || yh_fail "the multi-line UTF-8 messageName came out as '$got'"
yh_finish

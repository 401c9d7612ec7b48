#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD_DIR SRC SECONDS: build the libFuzzer harness
# tests/fuzz/fuzz_batch.c (batch parser, event layer, CSV writer in memory)
# with clang and run it for SECONDS on a copy of tests/fuzz/corpus.
#
# The binary and any crash reproducer go to BUILD_DIR/fuzz/; the corpus is
# copied to a temp dir (the source tree is never written).  Prints the
# number of executions.  Exit status: 0 no finding, 1 a finding (crash,
# sanitizer report, broken invariant, leak, timeout) or a build error,
# 77 when clang or libFuzzer is missing.
#
# Reproduce a finding: BUILD_DIR/fuzz/fuzz_batch BUILD_DIR/fuzz/artifacts/crash-...
set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 3 ]; then
	printf 'usage: %s BUILD_DIR SRC SECONDS\n' "$0" >&2
	exit 2
fi
BUILD=$1
SRC=$2
SECONDS_WANTED=$3
case $SECONDS_WANTED in
'' | *[!0-9]*)
	printf 'fuzz: SECONDS must be a whole number, not %s\n' "$SECONDS_WANTED" >&2
	exit 2
	;;
esac
FUZZ_SRC=$SRC/tests/fuzz
[ -f "$FUZZ_SRC/fuzz_batch.c" ] || { printf 'fuzz: no %s/fuzz_batch.c\n' "$FUZZ_SRC" >&2; exit 2; }
CC=${FUZZ_CC:-clang}

OUT=$BUILD/fuzz
mkdir -p "$OUT/artifacts" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/yh-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

if ! command -v "$CC" >/dev/null 2>&1; then
	printf 'fuzz: SKIP: %s is not installed\n' "$CC" >&2
	exit 77
fi
# libFuzzer ships with clang on most systems, but not all: try a trivial harness.
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$T/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$T/probe.c" -o "$T/probe" >"$T/probe.log" 2>&1; then
	printf 'fuzz: SKIP: %s cannot link a libFuzzer harness:\n' "$CC" >&2
	sed 's/^/    /' "$T/probe.log" | head -n 5 >&2
	exit 77
fi

# The handler sources the harness needs: no config, FastCGI or cJSON.
sources=()
for f in batch event csvview util fsio; do
	sources+=("$SRC/handler/$f.c")
done
if ! "$CC" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-g -O1 -D_GNU_SOURCE -std=c11 -Wall -Wextra -Werror -I "$SRC/handler" \
	"$FUZZ_SRC/fuzz_batch.c" "${sources[@]}" -o "$OUT/fuzz_batch" >"$T/build.log" 2>&1; then
	printf 'fuzz: FAIL: the harness does not build:\n' >&2
	cat "$T/build.log" >&2
	exit 1
fi

mkdir "$T/corpus"
cp "$FUZZ_SRC"/corpus/* "$T/corpus/" || exit 1
nseeds=$(find "$T/corpus" -type f | wc -l)

# -error_exitcode and -timeout_exitcode: libFuzzer's default for a finding
# is 77, which ctest would take for a skip.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	timeout -k 10 $((SECONDS_WANTED + 120)) "$OUT/fuzz_batch" \
	-max_total_time="$SECONDS_WANTED" -max_len=65536 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 -error_exitcode=1 \
	-timeout_exitcode=1 -dict="$FUZZ_SRC/json.dict" \
	-artifact_prefix="$OUT/artifacts/" "$T/corpus" >"$T/fuzz.log" 2>&1
rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$T/fuzz.log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$T/fuzz.log" | tail -n 1)
added=$(sed -n 's/^stat::new_units_added: *\([0-9]*\).*/\1/p' "$T/fuzz.log" | tail -n 1)
if [ "$rc" -ne 0 ]; then
	printf 'fuzz: FAIL: the fuzzer stopped with status %s after %s executions; the end of its log:\n' \
		"$rc" "${execs:-unknown}" >&2
	grep -E 'invariant failed|ERROR|SUMMARY|runtime error|Test unit written' "$T/fuzz.log" | head -n 20 >&2
	tail -n 40 "$T/fuzz.log" >&2
	printf 'fuzz: reproduce with: %s %s/artifacts/<file above>\n' "$OUT/fuzz_batch" "$OUT" >&2
	exit 1
fi
if [ -z "$execs" ]; then
	printf 'fuzz: FAIL: no final statistics in the fuzzer log\n' >&2
	tail -n 20 "$T/fuzz.log" >&2
	exit 1
fi
printf 'fuzz: %s executions in %s s (%s/s) from %s seeds, %s new inputs, no finding\n' \
	"$execs" "$SECONDS_WANTED" "${rate:-?}" "$nseeds" "${added:-?}"
exit 0

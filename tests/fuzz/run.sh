#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang into
# ./build-fuzz and runs each for FUZZ_SECONDS (default 20) from its seed
# corpus in tests/fuzz/corpus/TARGET, FUZZ_JOBS targets at a time
# (default: the number of CPUs). Fails on the first crash, sanitizer
# report, leak or broken invariant, and names the input that shows it:
# fix the bug, then keep the input in the seed corpus as a regression.
#
#     tests/fuzz/run.sh [TARGET...]        e.g. tests/fuzz/run.sh dotenv names
#
# What each target did (seconds, executions, executions a second, corpus)
# goes to build-fuzz/fuzz-stats.txt and is printed at the end. New inputs
# the fuzzer finds stay in build-fuzz/corpus/TARGET, so later runs start
# from them; the seeds in the repository are never written to.
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
out="$top/build-fuzz"

if [ "${1:-}" = --one ]; then
	t=$2
	mkdir -p "$out/corpus/$t" "$out/artifacts" "$out/tmp/$t"
	log="$out/logs/$t.log"
	# UBSan only prints unless told to stop; a report must fail the run.
	if TMPDIR="$out/tmp/$t" \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	    "$out/tests/fuzz/fuzz_$t" -max_total_time="$FUZZ_SECONDS" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$out/artifacts/$t-" \
	    "$out/corpus/$t" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	rm -rf "$out/tmp/$t"
	stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
	runs=$(stat number_of_executed_units)
	printf '%-16s %6s %12s %10s %8s  %s\n' "$t" "$FUZZ_SECONDS" \
	    "${runs:-?}" "$(stat average_exec_per_sec)" \
	    "$(ls "$out/corpus/$t" "$top/tests/fuzz/corpus/$t" | grep -vc ':$')" \
	    "$([ "$rc" = 0 ] && echo ok || echo FAILED)" >>"$out/fuzz-stats.txt"
	if [ "$rc" != 0 ]; then
		echo "fuzz_$t failed (exit $rc); from $log:" >&2
		grep -v '^#[0-9]' "$log" | tail -40 >&2
		echo "keep the input: cp $out/artifacts/$t-* tests/fuzz/corpus/$t/regress-NAME" >&2
		exit 1
	fi
	exit 0
fi

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}
export FUZZ_SECONDS

if [ $# -gt 0 ]; then
	targets="$*"
else
	targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi

if [ ! -f "$out/build.ninja" ]; then
	CC=clang meson setup "$out" -Dfuzz=true -Dbuildtype=debugoptimized \
	    -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
# shellcheck disable=SC2086
ninja -C "$out" $(for t in $targets; do printf 'tests/fuzz/fuzz_%s ' "$t"; done) >/dev/null

mkdir -p "$out/logs"
rm -f "$out/fuzz-stats.txt"
printf '%-16s %6s %12s %10s %8s  %s\n' target seconds executions 'exec/s' corpus result \
    >"$out/fuzz-stats.header"
rc=0
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$FUZZ_JOBS" -I{} "$0" --one {} || rc=1
cat "$out/fuzz-stats.header" "$out/fuzz-stats.txt" >"$out/fuzz-stats.tmp"
mv "$out/fuzz-stats.tmp" "$out/fuzz-stats.txt"
rm -f "$out/fuzz-stats.header"
cat "$out/fuzz-stats.txt"
exit $rc

#!/usr/bin/env bash
# Issue 15 item 4: fuzz every parser target with Jazzer (JAZZER_FUZZ=1), one JVM per target, and
# print executions, coverage and findings per target. Findings (crash-* files) land in the
# target's Inputs/ directory under parsers/src/test/resources, so that `mvn verify` replays them
# once fixed; the generated corpus stays in parsers/.cifuzz-corpus (not committed).
# Usage: bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s; targets: the *FuzzTest class names)
# A target stops at SECONDS or, with FUZZ_RUNS=N (e.g. 10000000), after N executions, whichever comes first.
# Env: FUZZ_LOGS (log folder), FUZZ_NO_COMPILE=1 (classes already built), FUZZ_KEEP_GOING (findings
# before stopping, 20), FUZZ_HOOKS / FUZZ_VALUE_PROFILE (true: Jazzer's library hooks, such as
# String.equals comparisons, and value profiling; false roughly doubles executions per second),
# FUZZ_CPU (pin the fuzzing JVM to these cores with taskset, e.g. 1), FUZZ_MAX_LEN (override the
# per-target input size limit below).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}; shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(ElfVmcoreFuzzTest KdumpCompressedFuzzTest FlattenedFileFuzzTest FlattenedStreamFuzzTest VmcoreinfoFuzzTest
    KallsymsFuzzTest KallsymsScanFuzzTest LocklessRingFuzzTest RecordBufferFuzzTest BtfFuzzTest OrcFuzzTest OopsFuzzTest)
fi
. "$root/bin/jdk.sh"; crashpipe_select_jdk
cd "$root"
[ -n "${FUZZ_NO_COMPILE:-}" ] || mvn -B -ntp -q -pl parsers test-compile || exit 1
logs=${FUZZ_LOGS:-${TMPDIR:-/tmp}/crashpipe-fuzz}; mkdir -p "$logs"
# seed-cov: edges covered by the seeds alone (INITED); cov/ft: edges and features at the end.
printf '%-24s %8s %12s %8s %9s %6s %6s %9s\n' target seconds executions "exec/s" seed-cov cov ft findings
# Jazzer keeps going after a finding only when it can deduplicate findings, which needs its hooks.
keep_going=; [ "${FUZZ_HOOKS:-true}" = true ] && keep_going=-Djazzer.keep_going=${FUZZ_KEEP_GOING:-20}
# Input size limit per target: a little above its largest seed, so that seeds load whole while
# mutations do not grow inputs past what the reader needs to see (libFuzzer's default is the
# largest seed, and a longer input is only slower, not more interesting).
max_len_of() {
  case $1 in
    ElfVmcoreFuzzTest|FlattenedFileFuzzTest|FlattenedStreamFuzzTest) echo 12288 ;;
    KdumpCompressedFuzzTest) echo 20648 ;;
    KallsymsScanFuzzTest) echo 8192 ;;
    BtfFuzzTest) echo 6144 ;;
    OopsFuzzTest) echo 3072 ;;
    *) echo 4096 ;;
  esac
}
# Jazzer hooks a target runs without. The oops parser is made of regular expressions, and
# RegexRoadblocks instruments java.util.regex itself: with it, Oops runs at a third of the speed,
# and in the same time covers fewer edges than without it (651 against 668 in 60 s).
disabled_hooks_of() {
  case $1 in
    OopsFuzzTest) echo com.code_intelligence.jazzer.sanitizers.RegexRoadblocks ;;
    *) echo "" ;;
  esac
}
pin=(); [ -n "${FUZZ_CPU:-}" ] && pin=(taskset -c "$FUZZ_CPU")
for t in "${targets[@]}"; do
  log="$logs/${t//#/-}.log"
  runs_arg=; [ -n "${FUZZ_RUNS:-}" ] && runs_arg=-Djazzer.internal.arg.5=-runs=$FUZZ_RUNS
  off=$(disabled_hooks_of "$t"); off_arg=; [ -n "$off" ] && off_arg=-Djazzer.disabled_hooks=$off
  start=$(date +%s)
  # -rss_limit_mb and the 1 GiB test heap (parent pom) turn an allocation sized by a declared length into a finding.
  JAZZER_FUZZ=1 MAVEN_OPTS="${MAVEN_OPTS:-}" "${pin[@]}" mvn -B -ntp -pl parsers surefire:test -Dtest="$t" \
    -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.valueprofile="${FUZZ_VALUE_PROFILE:-true}" -Djazzer.hooks="${FUZZ_HOOKS:-true}" \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$secs" \
    -Djazzer.internal.arg.2=-print_final_stats=1 -Djazzer.internal.arg.3=-rss_limit_mb=2048 \
    -Djazzer.internal.arg.4=-max_len="${FUZZ_MAX_LEN:-$(max_len_of "$t")}" $runs_arg $off_arg $keep_going > "$log" 2>&1
  took=$(( $(date +%s) - start ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  status=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$status"); ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$status")
  seedcov=$(grep -m1 -o 'INITED cov: [0-9]*' "$log" | grep -o '[0-9]*$')
  # One 'Test unit written' per saved finding (crash-*, timeout-*, oom-*); without keep_going, the exception.
  findings=$(grep -c 'Test unit written to' "$log"); [ "$findings" -gt 0 ] || findings=$(grep -c 'FuzzTestFindingException:' "$log")
  printf '%-24s %8s %12s %8s %9s %6s %6s %9s\n' "$t" "$took" "${runs:-?}" "${rate:-?}" "${seedcov:-?}" "${cov:-?}" "${ft:-?}" "$findings"
  grep -m3 -o 'FuzzTestFindingException: .*' "$log" | cut -c1-200 | sed 's/^/    /'
done
echo "logs: $logs"

#!/usr/bin/env bash
# Analysis time of the arm64 fixture next to the x86_64 fixture of the same kernel version (6.1,
# both makedumpfile -c -d 31), in the same run: `crashpipe analyze DUMP` (every triage section),
# the two dumps alternated RUNS times, median and min wall time of each, and the ratio arm64/x86_64.
# Usage: bench/arm64-vs-x86.sh [RUNS]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
FIX=../shared/fixtures
X86=$FIX/6.1-qemu-sysrq/vmcore.zlib-d31
ARM=$FIX/arm64-6.1-qemu-sysrq/vmcore.zlib-d31
./crashpipe --version >/dev/null   # build once, outside the timings
export CRASHPIPE_NO_BUILD=1
now() { date +%s.%N; }
declare -a tx ta
for i in $(seq "$RUNS"); do
  t0=$(now); ./crashpipe analyze "$X86" >/dev/null; t1=$(now); tx+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); ./crashpipe analyze "$ARM" >/dev/null; t1=$(now); ta+=("$(echo "$t1 - $t0" | bc)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
least() { printf '%s\n' "$@" | sort -g | head -1; }
mx=$(median "${tx[@]}"); ma=$(median "${ta[@]}")
printf '%-36s %5s %9s %9s\n' dump runs median min
printf '%-36s %5d %8.2fs %8.2fs\n' "x86_64  6.1-qemu-sysrq" "$RUNS" "$mx" "$(least "${tx[@]}")"
printf '%-36s %5d %8.2fs %8.2fs\n' "aarch64 arm64-6.1-qemu-sysrq" "$RUNS" "$ma" "$(least "${ta[@]}")"
printf 'ratio arm64/x86_64 (median): %.2f\n' "$(echo "scale=4; $ma / $mx" | bc)"

#!/usr/bin/env bash
# Issue 2 benchmark: read every present page of the largest fixture in each container format,
# next to `cat FILE > /dev/null` on the same files, in one run. Warm page cache for both.
# Usage: bench/read-pages.sh [FIXTURE_DIR]   (default ../shared/fixtures/6.1-kdump-sysrq)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/../shared/fixtures/6.1-kdump-sysrq}
"$root/crashpipe" --version >/dev/null   # builds if needed
. "$root/bin/jdk.sh"; crashpipe_select_jdk
work=${TMPDIR:-/tmp}/crashpipe-bench; mkdir -p "$work"
files=()
for f in "$dir"/vmcore.* "$dir"/var/crash/*/dump.*; do
  [ -e "$f" ] || continue
  case "$f" in
    *.zst) out="$work/$(basename "${f%.zst}")"; [ -s "$out" ] || zstd -q -d -f "$f" -o "$out"; files+=("$out") ;;
    *) files+=("$f") ;;
  esac
done
echo "== cat FILE > /dev/null (best of 3, warm cache)"
printf '%-40s %12s %12s\n' file "best ms" "MB/s"
for f in "${files[@]}"; do
  cat "$f" > /dev/null
  best=
  for i in 1 2 3; do
    s=$(date +%s%N); cat "$f" > /dev/null; e=$(date +%s%N); t=$(( (e - s) / 1000 ))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  size=$(stat -c %s "$f")
  awk -v f="$(basename "$f")" -v us="$best" -v sz="$size" 'BEGIN { printf "%-40s %12.1f %12.1f\n", f, us/1000, sz/us }'
done
echo "== crashpipe: every present page read and decompressed (best of 3 after a warm-up)"
"$JAVA_HOME/bin/java" -cp "$root/cli/target/crashpipe-cli.jar" io.crashpipe.cli.bench.ReadPagesBenchmark "${files[@]}"

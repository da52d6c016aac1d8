#!/usr/bin/env bash
# Issue 18 benchmark: a whole analysis pass (sys, ps, mod, log, bt -a) in a warm JVM, per section,
# first pass and re-run pass, median and p99, next to `makedumpfile --dump-dmesg` on the same file
# in the same run. Goal: a warm pass at most 10 ms on the fixtures.
#   bench/analyze.sh [--json] [DUMP...]     (default: every fixture dump file)
# makedumpfile 1.7.2 (Debian) reads neither zstd/snappy kdump files nor the flattened format:
# the output says so for those files.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
args=()
dumps=()
for a in "$@"; do
  case "$a" in
    --*) args+=("$a") ;;
    *) dumps+=("$a") ;;
  esac
done
if [ ${#dumps[@]} -eq 0 ]; then
  fixtures="$root/../shared/fixtures"
  [ -d "$fixtures" ] || fixtures=/work/shared/fixtures
  for f in "$fixtures"/*/vmcore.* "$fixtures"/*/var/crash/*/dump.*; do
    [ -f "$f" ] && dumps+=("$f")
  done
fi
[ ${#dumps[@]} -gt 0 ] || { echo "bench: no dumps given or found" >&2; exit 2; }
command -v makedumpfile >/dev/null || echo "bench: makedumpfile is not installed; its column will say so" >&2
exec "$root/crashpipe" bench analyze "${args[@]}" "${dumps[@]}"

#!/usr/bin/env bash
# Times `crashpipe log DUMP` (JVM start included) against `makedumpfile --dump-dmesg DUMP OUT` on
# the same dumps, one run each, checks that the outputs are byte-identical and prints the ratio.
# Also times `crashpipe --version` (JVM + command-line start, no dump work) to show how much of
# crashpipe's time is start-up.
#   bench/log-vs-makedumpfile.sh [DUMP...]
# Default dumps: the zlib kdump file of the largest fixture (by guest memory), and the 2 GiB lab
# dump /work/lab-data/dumps/2g-6.12 when present (make it with ../shared/lab: see the lab README).
# makedumpfile 1.7.2 (Debian) cannot read snappy/zstd variants, hence zlib.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# The baseline comes from Debian's package; as root the bench installs it itself.
if ! command -v makedumpfile >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "bench: installing makedumpfile (the baseline) with apt-get" >&2
  apt-get install -y -q makedumpfile >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q makedumpfile >/dev/null 2>&1; }
fi
command -v makedumpfile >/dev/null || { echo "bench: makedumpfile is not installed (apt-get install makedumpfile)" >&2; exit 2; }

dumps=("$@")
if [ ${#dumps[@]} -eq 0 ]; then
  fixtures="$root/../shared/fixtures"
  [ -d "$fixtures" ] || fixtures=/work/shared/fixtures
  largest=$(for m in "$fixtures"/*/meta.json; do
      python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); v=str(m.get("mem","0")).upper(); print(int(float(v[:-1]) * (1024 if v.endswith("G") else 1)), sys.argv[1])' "$m" 2>/dev/null || true
    done | sort -n | tail -1 | cut -d' ' -f2-)
  if [ -n "$largest" ]; then  # its zlib kdump file: vmcore.zlib-d31, or what kdump-tools wrote
    zlib=$(ls "$(dirname "$largest")"/vmcore.zlib-d31 "$(dirname "$largest")"/var/crash/*/dump.* 2>/dev/null | head -1 || true)
    [ -n "$zlib" ] && dumps+=("$zlib")
  fi
  [ -f /work/lab-data/dumps/2g-6.12/vmcore.mdf-zlib-d31 ] && dumps+=(/work/lab-data/dumps/2g-6.12/vmcore.mdf-zlib-d31)
fi
[ ${#dumps[@]} -gt 0 ] || { echo "bench: no dumps given or found" >&2; exit 2; }

# Build if needed and let the launcher's class-data-sharing archive learn the 'log' path, outside the timing.
"$root/crashpipe" log "${dumps[0]}" >/dev/null 2>&1 || true
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
t0=$(now); "$root/crashpipe" --version >/dev/null 2>&1; t1=$(now)
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "crashpipe --version (JVM + CLI start, no dump work): %.3f s\n", b-a }'
printf '%-64s %11s %14s %7s %s\n' dump crashpipe_s makedumpfile_s ratio identical
for d in "${dumps[@]}"; do
  t0=$(now); "$root/crashpipe" log "$d" >"$tmp/ours" 2>/dev/null; t1=$(now)
  rm -f "$tmp/theirs"
  t2=$(now); makedumpfile --dump-dmesg "$d" "$tmp/theirs" >/dev/null 2>&1 || true; t3=$(now)
  same=$(cmp -s "$tmp/ours" "$tmp/theirs" && echo yes || echo no)
  awk -v d="$d" -v a="$t0" -v b="$t1" -v c="$t2" -v e="$t3" -v s="$same" \
    'BEGIN { x=b-a; y=e-c; printf "%-64s %11.3f %14.3f %7.1f %s\n", d, x, y, (y>0 ? x/y : 0), s }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

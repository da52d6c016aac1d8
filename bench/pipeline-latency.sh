#!/usr/bin/env bash
# Issue 7 measurement: seconds from a dump appearing in the watched directory to its crash report
# being searchable in Elasticsearch, through the whole local pipeline (crashpipe up --watch:
# agent -> gateway -> Kafka -> topology -> sink -> Elasticsearch), with and without hot pages
# first, for each dump given (default: the largest fixture and, if made, a 2 GiB-guest dump from
# bin/make-test-dump --mem 2G --out /tmp/dump2g; every /tmp/dump*/vmcore.* is taken). Each order
# runs on a fresh stack; the sample dump goes through first, unmeasured, to warm the JVM.
# BANDWIDTH=10M caps the agent's upload (a host's uplink); default: no cap (loopback speed).
# Usage: [BANDWIDTH=10M] bench/pipeline-latency.sh [DUMP...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/crashpipe" --version >/dev/null   # builds if needed
work=${TMPDIR:-/tmp}/crashpipe-bench-latency; rm -rf "$work"; mkdir -p "$work"
chmod 755 "$work"
dumps=("$@")
if [ ${#dumps[@]} -eq 0 ]; then
  fx="$root/../shared/fixtures/6.1-kdump-sysrq"
  dumps+=("$fx/vmcore.zstd-d31")
  mkdir -p "$work/fixture"; zstd -q -d -f "$fx/vmcore.elf-d31.zst" -o "$work/fixture/vmcore.elf-d31"
  dumps+=("$work/fixture/vmcore.elf-d31")
  for big in /tmp/dump*/vmcore.*; do [ -r "$big" ] && dumps+=("$big"); done
fi

printf '%-44s %10s %10s %14s %14s\n' dump "file MB" order "searchable s" "upload done s"
for mode in hot pfn; do
  home="$work/home-$mode"; watch="$work/watch-$mode"; mkdir -p "$home" "$watch"
  flags=(--bandwidth "${BANDWIDTH:-0}"); [ "$mode" = pfn ] && flags+=(--no-hot-pages)
  CRASHPIPE_HOME="$home" "$root/crashpipe" up --watch "$watch" --quiet-period 1 --scan-interval 1 \
      --gateway-port 28080 --registry-port 28081 --kafka-port 29092 --es-port 29200 "${flags[@]}" \
      > "$work/up-$mode.log" 2>&1 &
  up=$!
  for i in $(seq 1 240); do grep -q '^crashpipe ready' "$work/up-$mode.log" && break; sleep 1; done
  grep -q '^crashpipe ready' "$work/up-$mode.log" || { cat "$work/up-$mode.log"; kill $up; exit 1; }
  es=http://127.0.0.1:29200
  count() { c=$(curl -s "$es/crash-reports/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'); echo "${c:-0}"; }
  n=0
  for d in "$root/samples/sample.kdump" "${dumps[@]}"; do   # the sample first: JIT and topology warm-up, not reported
    n=$((n + 1))
    stamp=$(printf '2026120100%02d' "$n")
    stage="$work/stage-$mode/$stamp"; mkdir -p "$stage"
    cp "$d" "$stage/dump.$stamp"
    touch -d '-1 min' "$stage/dump.$stamp"   # finished before it appears, as kdump-tools leaves it
    before=$(count)
    t0=$(date +%s.%N); t1=""; t2=""
    mv "$stage" "$watch/$stamp"
    while [ -z "$t1" ] || [ -z "$t2" ]; do
      [ -z "$t1" ] && [ "$(count)" -gt "$before" ] && t1=$(date +%s.%N)
      [ -z "$t2" ] && grep -q "uploaded $watch/$stamp/dump.$stamp" "$work/up-$mode.log" && t2=$(date +%s.%N)
      sleep 0.1
    done
    [ "$n" -eq 1 ] && continue
    printf '%-44s %10.1f %10s %14.1f %14.1f\n' "$(basename "$(dirname "$d")")/$(basename "$d")" \
      "$(echo "$(stat -c %s "$d") / 1000000" | bc -l)" "$mode" "$(echo "$t1 - $t0" | bc -l)" "$(echo "$t2 - $t0" | bc -l)"
  done
  kill -TERM $up; wait $up 2>/dev/null || true
done

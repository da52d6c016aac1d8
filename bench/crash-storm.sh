#!/usr/bin/env bash
# Issue 15 benchmark: a crash storm on a real cluster. N simulated hosts (restamped copies of small
# kdump files, each with its own dump id) upload at once through two gateways to a 3-broker KRaft
# cluster; two topology instances and two sinks write Elasticsearch; one broker, one topology
# instance, one gateway and one sink are SIGKILLed at random moments and restarted. Every dump is
# then counted in Elasticsearch by id (report, kernel-log lines against the offline count).
#   bench/crash-storm.sh [--dumps N] [--no-kills] [--seed S] [other `crashpipe bench storm` options]
# Default 20 dumps (CI); the closing note runs --dumps 200. Sources: samples/sample.kdump and, when
# ../shared/fixtures is there, shrunk copies of the 5.10, 6.12 and 7.2 fixtures (made once into
# ~/.cache/crashpipe/storm-sources with `crashpipe shrink`). Last line:
#   crash-storm: D dumps from H hosts, R reports indexed, L lost, X duplicated, K kills, p50 S s, p99 S s
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
"$root/crashpipe" --version >/dev/null   # builds if needed

sources=(samples/sample.kdump)
fixtures="$root/../shared/fixtures"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/crashpipe/storm-sources"
if [ -d "$fixtures" ]; then
  mkdir -p "$cache"
  for f in 5.10-qemu-sysrq/vmcore.zlib-d31 6.12-qemu-sysrq/vmcore.zstd-d31 7.2-qemu-sysrq/vmcore.zlib-d31; do
    out="$cache/${f%%/*}.kdump"
    if [ ! -f "$out" ] && [ -f "$fixtures/$f" ]; then
      "$root/crashpipe" shrink "$fixtures/$f" "$out" >/dev/null
    fi
    [ -f "$out" ] && sources+=("$out")
  done
fi
echo "crash-storm: load at start: $(uptime)"
"$root/crashpipe" bench storm "$@" "${sources[@]}" || rc=$?
echo "crash-storm: load at end: $(uptime)" >&2
exit "${rc:-0}"

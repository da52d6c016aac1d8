#!/usr/bin/env bash
# Issue 18 part 3: seconds from a dump being complete on its host to its crash report being
# searchable in Elasticsearch, through the whole local pipeline (crashpipe up --watch: agent ->
# gateway -> Kafka -> topology -> sink -> Elasticsearch), broken down by stage.
#
# Each dump is staged as kdump-tools leaves it: YYYYMMDDHHMM/dump-incomplete is put in place
# (hard-linked when on the same file system, else copied), then renamed to dump.YYYYMMDDHHMM;
# t0 is the rename. Stages, in seconds after t0:
#   detected    the agent judged it complete (the report's crash.timings.detected; the rename)
#   first seen  the topology saw its first event (crash.timings.dump_appeared)
#   indexed     the sink wrote the report (crash.timings.indexed, else event.ingested)
#   searchable  a search for it first found it (polled every 50 ms)
#   uploaded    the agent finished the upload (its "uploaded" line; the bulk of a big dump goes
#               after the report, hot pages first)
# plus the report's analysis passes and analysis milliseconds. BASE=DIR adds a baseline checkout
# (built) run first as "before" with its own best settings (--quiet-period 1 --scan-interval 1);
# this tree runs as "after" with its defaults. The sample dump goes through first, unmeasured, to
# warm the JVMs. Dumps: default the largest fixture (kdump-compressed and ELF) and the lab's
# 2 GiB and 8 GiB guests under $LAB_DATA/dumps (LAB_DATA default /work/labdata), when made.
# BANDWIDTH=10M caps the agent's upload (a host's uplink); default: no cap (loopback speed).
# Usage: [BASE=DIR] [BANDWIDTH=10M] [PORT=28080] bench/pipeline-latency.sh [DUMP...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/crashpipe" --version >/dev/null   # builds if needed
work=${TMPDIR:-/tmp}/crashpipe-bench-latency; rm -rf "$work"; mkdir -p "$work"
chmod 755 "$work"
port=${PORT:-28080}
dumps=("$@")
if [ ${#dumps[@]} -eq 0 ]; then
  fx="$root/../shared/fixtures/6.1-kdump-sysrq"
  dumps+=("$fx/vmcore.zstd-d31")
  mkdir -p "$work/fixture"; zstd -q -d -f "$fx/vmcore.elf-d31.zst" -o "$work/fixture/vmcore.elf-d31"
  dumps+=("$work/fixture/vmcore.elf-d31")
  for big in "${LAB_DATA:-/work/labdata}"/dumps/*-2G-*/vmcore.elf "${LAB_DATA:-/work/labdata}"/dumps/*-8G-*/vmcore.elf; do
    [ -r "$big" ] && dumps+=("$big")
  done
fi
builds=()
[ -n "${BASE:-}" ] && builds+=("before:$BASE")
builds+=("after:$root")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
es=http://127.0.0.1:$((port + 3))

place() {  # place SRC DST: a hard link when possible (no copy of a big dump), else a copy
  ln "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

printf '%-7s %-36s %8s %9s %10s %8s %11s %9s %7s %8s\n' build dump "file MB" detected "first seen" indexed searchable \
    uploaded passes "anal ms"
for b in "${builds[@]}"; do
  name=${b%%:*}; tree=${b#*:}
  home="$work/home-$name"; watch="$work/watch-$name"; mkdir -p "$home" "$watch"
  flags=(--bandwidth "${BANDWIDTH:-0}")
  [ "$name" = before ] && flags+=(--quiet-period 1 --scan-interval 1)
  CRASHPIPE_NO_BUILD=1 CRASHPIPE_HOME="$home" "$tree/crashpipe" up --watch "$watch" "${flags[@]}" \
      --gateway-port "$port" --registry-port $((port + 1)) --kafka-port $((port + 2)) --es-port $((port + 3)) \
      > "$work/up-$name.log" 2>&1 &
  up=$!
  for i in $(seq 1 300); do grep -q '^crashpipe ready' "$work/up-$name.log" && break; sleep 1; done
  grep -q '^crashpipe ready' "$work/up-$name.log" || { cat "$work/up-$name.log"; kill $up; exit 1; }
  n=0
  for d in "$root/samples/sample.kdump" "${dumps[@]}"; do   # the sample first: JIT and topology warm-up, not reported
    n=$((n + 1))
    stamp=$(printf '2026120100%02d' "$n")
    dir="$watch/$stamp"; mkdir -p "$dir"
    place "$d" "$dir/dump-incomplete"
    sleep 1   # the agent has seen the directory and the file being written
    t0=$(date +%s.%N)
    mv "$dir/dump-incomplete" "$dir/dump.$stamp"
    python3 - "$es" "$dir/dump.$stamp" "$t0" "$work/up-$name.log" "$name" "$d" "$n" <<'PY'
import json, os, sys, time, urllib.request
from datetime import datetime
es, path, t0, log, name, src, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7])
query = json.dumps({"query": {"term": {"file.path": path}}, "size": 1}).encode()
def search():
    try:
        r = urllib.request.Request(es + "/crash-reports/_search", data=query, headers={"Content-Type": "application/json"})
        hits = json.load(urllib.request.urlopen(r, timeout=5))["hits"]["hits"]
        return hits[0]["_source"] if hits else None
    except Exception:
        return None
def uploaded():
    with open(log, errors="replace") as f:
        return any(l.startswith("uploaded " + path + " ") for l in f)
doc = None; t_search = t_up = None
deadline = time.time() + 1800
while (t_search is None or t_up is None) and time.time() < deadline:
    if t_search is None:
        doc = search()
        if doc: t_search = time.time()
    if t_up is None and uploaded():
        t_up = time.time()
    time.sleep(0.05)
if n == 1:
    sys.exit(0)
def at(v):
    return None if v is None else datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() - t0
tm = (doc or {}).get("crash", {}).get("timings", {})
ev = (doc or {}).get("event", {})
def s(v):
    return "%.2f" % v if v is not None else "n/a"
label = os.path.basename(os.path.dirname(src)) + "/" + os.path.basename(src)
print("%-7s %-36s %8.1f %9s %10s %8s %11s %9s %7s %8s" % (name, label[-36:], os.path.getsize(src) / 1e6, s(at(tm.get("detected"))),
      s(at(tm.get("dump_appeared"))), s(at(tm.get("indexed") or ev.get("ingested"))),
      s(None if t_search is None else t_search - t0), s(None if t_up is None else t_up - t0), tm.get("passes", "?"),
      tm.get("analysis_ms", "?")), flush=True)
PY
  done
  kill -TERM $up; wait $up 2>/dev/null || true
done
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"

#!/usr/bin/env bash
# Issue 18 part 3: seconds from a dump being complete on its host to its crash report being
# searchable in Elasticsearch, through the whole local pipeline (crashpipe up --watch: agent ->
# gateway -> Kafka -> topology -> sink -> Elasticsearch), broken down by stage.
#
# Each dump is staged as kdump-tools leaves it: YYYYMMDDHHMM/dump-incomplete is put in place
# (hard-linked when on the same file system, else copied), then renamed to dump.YYYYMMDDHHMM;
# t0 is the rename. The stages are the ones the report carries in crash.timings (listed by
# `crashpipe bench stages`, in order: file complete, agent detected, first byte sent, gateway
# accepted, topology first saw it, first pass, first report, report complete, sink indexed,
# searchable), each in seconds after t0, plus two the bench sees itself: "searchable (polled)", a
# search for the file first finding it (polled every 50 ms), and "upload done" (the agent's
# "uploaded" line; the bulk of a big dump goes after the report, hot pages first). A build that
# does not stamp a stage shows "-".
#
# BASE=DIR adds a baseline checkout (built; e.g. main at c93ceb9) run first as "before", in the
# same run, with the same options; this tree runs as "after". The sample dump goes through each
# stack first, unmeasured, to warm the JVMs. Dumps: default the largest fixture (kdump zstd) and
# the lab's 2 GiB and 8 GiB guests under $LAB_DATA/dumps (LAB_DATA default /work/labdata), when made.
# BANDWIDTH=10M caps the agent's upload (a host's uplink); default: no cap (loopback speed).
# Results: a table per dump (stage rows, before/after columns) and $work/results.jsonl.
# Usage: [BASE=DIR] [BANDWIDTH=10M] [PORT=28080] bench/pipeline-latency.sh [DUMP...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/crashpipe" --version >/dev/null   # builds if needed
work=${TMPDIR:-/tmp}/crashpipe-bench-latency; rm -rf "$work"; mkdir -p "$work"
chmod 755 "$work"
port=${PORT:-28080}
dumps=("$@")
if [ ${#dumps[@]} -eq 0 ]; then
  dumps+=("$root/../shared/fixtures/6.1-kdump-sysrq/vmcore.zstd-d31")
  for big in "${LAB_DATA:-/work/labdata}"/dumps/*-2G-*/vmcore.elf "${LAB_DATA:-/work/labdata}"/dumps/*-8G-*/vmcore.elf; do
    [ -r "$big" ] && dumps+=("$big")
  done
fi
CRASHPIPE_NO_BUILD=1 "$root/crashpipe" bench stages > "$work/stages.tsv"
builds=()
[ -n "${BASE:-}" ] && builds+=("before:$BASE")
builds+=("after:$root")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
es=http://127.0.0.1:$((port + 3))

place() {  # place SRC DST: a hard link when possible (no copy of a big dump), else a copy
  ln "$1" "$2" 2>/dev/null || cp "$1" "$2"
}

for b in "${builds[@]}"; do
  name=${b%%:*}; tree=${b#*:}
  home="$work/home-$name"; watch="$work/watch-$name"; mkdir -p "$home" "$watch"
  CRASHPIPE_NO_BUILD=1 CRASHPIPE_HOME="$home" "$tree/crashpipe" up --watch "$watch" --bandwidth "${BANDWIDTH:-0}" \
      --gateway-port "$port" --registry-port $((port + 1)) --kafka-port $((port + 2)) --es-port $((port + 3)) \
      > "$work/up-$name.log" 2>&1 &
  up=$!
  for i in $(seq 1 600); do grep -q '^crashpipe ready' "$work/up-$name.log" && break; sleep 1; done
  grep -q '^crashpipe ready' "$work/up-$name.log" || { cat "$work/up-$name.log"; kill $up; exit 1; }
  echo "$name: stack ready, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  n=0
  for d in "$root/samples/sample.kdump" "${dumps[@]}"; do   # the sample first: JIT and topology warm-up, not reported
    n=$((n + 1))
    stamp=$(printf '2026120100%02d' "$n")
    dir="$watch/$stamp"; mkdir -p "$dir"
    place "$d" "$dir/dump-incomplete"
    sleep 1   # the agent has seen the directory and the file being written
    t0=$(date +%s.%N)
    mv "$dir/dump-incomplete" "$dir/dump.$stamp"
    python3 - "$es" "$dir/dump.$stamp" "$t0" "$work/up-$name.log" "$name" "$d" "$n" "$work/stages.tsv" \
        >> "$work/results.jsonl" <<'PY'
import json, os, sys, time, urllib.request
from datetime import datetime
es, path, t0, log, name, src, n, stages = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7]), sys.argv[8]
fields = [l.split("\t")[0] for l in open(stages).read().splitlines() if l]
query = json.dumps({"query": {"term": {"file.path": path}}, "size": 1}).encode()
def call(url, body=None):
    try:
        r = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(r, timeout=5))
    except Exception:
        return None
def search():
    r = call(es + "/crash-reports/_search", query)
    hits = r["hits"]["hits"] if r else []
    return hits[0] if hits else None
def uploaded():
    with open(log, errors="replace") as f:
        return any(l.startswith("uploaded " + path + " ") for l in f)
hit = None; t_search = t_up = None
deadline = time.time() + 1800
while (t_search is None or t_up is None) and time.time() < deadline:
    if t_search is None:
        hit = search()
        if hit: t_search = time.time()
    if t_up is None and uploaded():
        t_up = time.time()
    time.sleep(0.05)
if n == 1 or hit is None:
    sys.exit(0)
doc = hit["_source"]
for _ in range(50):   # the sink stamps "searchable" right after its refresh; a realtime get sees it
    if "searchable" in doc.get("crash", {}).get("timings", {}):
        break
    time.sleep(0.1)
    got = call(es + "/crash-reports/_doc/" + hit["_id"])
    if got and got.get("found"): doc = got["_source"]
tm = doc.get("crash", {}).get("timings", {})
def at(v):
    return None if v is None else round(datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() - t0, 3)
row = {"build": name, "dump": os.path.basename(os.path.dirname(src)) + "/" + os.path.basename(src),
       "file_mb": round(os.path.getsize(src) / 1e6, 1), "stages": {f: at(tm.get(f)) for f in fields},
       "searchable_polled": round(t_search - t0, 3), "upload_done": None if t_up is None else round(t_up - t0, 3),
       "passes": tm.get("passes"), "analysis_ms": tm.get("analysis_ms"),
       "load": open("/proc/loadavg").read().split()[0]}
print(json.dumps(row), flush=True)
print("%s %s: searchable %.2f s after the rename (load %s)" % (name, row["dump"], row["searchable_polled"], row["load"]), file=sys.stderr)
PY
  done
  kill -TERM $up; wait $up 2>/dev/null || true
done
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 - "$work/results.jsonl" "$work/stages.tsv" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
stages = [l.split("\t") for l in open(sys.argv[2]).read().splitlines() if l]
builds = []
for r in rows:
    if r["build"] not in builds: builds.append(r["build"])
def s(v): return "-" if v is None else "%.2f" % v
for dump in dict.fromkeys(r["dump"] for r in rows):
    by = {r["build"]: r for r in rows if r["dump"] == dump}
    any_row = next(iter(by.values()))
    print("\n%s (%.1f MB), seconds after the rename" % (dump, any_row["file_mb"]))
    print("%-30s" % "stage" + "".join("%10s" % b for b in builds))
    for field, label in stages:
        print("%-30s" % label + "".join("%10s" % s(by[b]["stages"].get(field)) if b in by else "%10s" % "" for b in builds))
    for key, label in (("searchable_polled", "searchable (polled)"), ("upload_done", "upload done")):
        print("%-30s" % label + "".join("%10s" % s(by[b].get(key)) if b in by else "" for b in builds))
    print("%-30s" % "passes / analysis ms" + "".join("%10s" % ("%s/%s" % (by[b]["passes"], by[b]["analysis_ms"])) if b in by else "" for b in builds))
    print("%-30s" % "load average (1 min)" + "".join("%10s" % by[b]["load"] if b in by else "" for b in builds))
PY

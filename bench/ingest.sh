#!/usr/bin/env bash
# Issue 18 parts 5 and 6: bulk ingest agent -> gateway -> Kafka, and the agent's footprint.
#
# For each build (BASE=DIR adds a baseline checkout, built, measured first as "before"; this tree
# is "after"), on a fresh `crashpipe up --ingest-only` stack of that build:
#  - per file: MB/s of page data (non-zero page bytes carried in chunks) from `crashpipe upload`,
#    next to a raw loopback TCP copy of the same file run just before it (same load); the CPU
#    seconds of the agent and of the stack (gateway + Kafka + registry, from /proc), and CPU ms
#    per page MB (what a busy machine pays, independent of how busy it is); the agent's peak RSS;
#    and a second upload of the same dump with the same state directory. "stream MB/s" is the
#    steady state: page data from the first chunk sent to the last acknowledged (no JVM start, no
#    hot-page analysis); "-" for a build whose agent does not report it.
#  - the files include, unless DATA_MIB=0, a dump with DATA_MIB (default 1200) MiB of real,
#    non-zero pages (bench/make-big-dump.sh --data: the fixture's pages copied into an added
#    segment), so the steady state is measured on more than a gigabyte of page data; it comes last.
#  - unless WARM_MIB=0, the first file on each fresh stack is such a dump with WARM_MIB (default
#    1200) MiB of pages (a 3 GiB guest: another size, so another dump id). Its row is what a stack
#    just started does: its JIT compiles Kafka's and Netty's hot paths while the pages flow, which
#    on 2 cores takes a third of the stack's CPU. The rows after it are a warm stack, as a
#    long-running gateway's is; the agent starts cold every time, as it does on a host after a
#    crash. Before every upload the stack's JIT compilers are let go quiet ("jit s": seconds
#    waited, at most 120), so what one upload made hot is not compiled during the next.
#  - the footprint: peak RSS of the agent (/usr/bin/time) uploading a BIG_GIB (default 64) GiB
#    dump made by bench/make-big-dump.sh (the 6.1 kdump fixture's ELF plus sparse zero memory),
#    then the repeated upload's time. With BASE_BIG_TIMEOUT=S the baseline's big upload is stopped
#    after S seconds (its peak RSS so far, reached in the first seconds; no repeat): a baseline
#    reads the whole dump again on a repeat. BIG_TIMEOUT=S does the same for this tree (on a
#    machine too loaded to read 64 GiB in time); its repeat then resumes from the checkpoint.
# Files: default the 6.1 kdump fixture's ELF and the lab's ELF dumps under $LAB_DATA/dumps
# (LAB_DATA default /work/labdata). The machine's load is printed at the start and the end.
# Usage: [BASE=DIR] [BIG_GIB=64] [DATA_MIB=1200] [WARM_MIB=1200] [BASE_BIG_TIMEOUT=S] [BIG_TIMEOUT=S] [PORT=48080] bench/ingest.sh [FILE...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/crashpipe" --version >/dev/null   # builds if needed
work=${TMPDIR:-/tmp}/crashpipe-bench-ingest; rm -rf "$work"; mkdir -p "$work"
port=${PORT:-48080}
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  zstd -q -d -f "$root/../shared/fixtures/6.1-kdump-sysrq/vmcore.elf-d31.zst" -o "$work/vmcore.elf-d31"
  files+=("$work/vmcore.elf-d31")
  for big in "${LAB_DATA:-/work/labdata}"/dumps/*/vmcore.elf; do [ -r "$big" ] && files+=("$big"); done
fi
if [ "${WARM_MIB:-1200}" != 0 ]; then   # first on each fresh stack: its row is the fresh-stack figure
  "$root/bench/make-big-dump.sh" --data "${WARM_MIB:-1200}" "$work/warm.elf" 3 >/dev/null   # 3 GiB: another size
  files=("$work/warm.elf" "${files[@]}")
fi
if [ "${DATA_MIB:-1200}" != 0 ]; then
  "$root/bench/make-big-dump.sh" --data "${DATA_MIB:-1200}" "$work/data.elf" 2 >/dev/null
  files+=("$work/data.elf")
fi
big="$work/big.elf"
"$root/bench/make-big-dump.sh" "$big" "${BIG_GIB:-64}" >/dev/null
builds=()
[ -n "${BASE:-}" ] && builds+=("before:$BASE")
builds+=("after:$root")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

raw_copy() {  # MB/s of one file through a loopback TCP socket into a discarding reader
  python3 - "$1" <<'PY'
import socket, sys, threading, time
path = sys.argv[1]
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
got = [0]
def sink():
    c, _ = srv.accept()
    while True:
        b = c.recv(1 << 20)
        if not b: break
        got[0] += len(b)
t = threading.Thread(target=sink); t.start()
s = socket.create_connection(srv.getsockname())
t0 = time.time()
with open(path, "rb") as f:
    s.sendfile(f)
s.close(); t.join()
print("%.1f" % (got[0] / (time.time() - t0) / 1e6))
PY
}
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
# jit_quiet PID: waits (at most 120 s) until the JVM's JIT compiler threads have used under 50 ms of
# CPU in each of 3 seconds in a row; prints the seconds waited.
jit_quiet() {
  python3 - "$1" <<'PY'
import glob, os, sys, time
pid = sys.argv[1]
def jit():
    t = 0
    for d in glob.glob("/proc/%s/task/*" % pid):
        try:
            if open(d + "/comm").read().startswith(("C1 Compiler", "C2 Compiler")):
                f = open(d + "/stat").read().rsplit(")", 1)[1].split()
                t += int(f[11]) + int(f[12])
        except OSError:
            pass
    return t * 1000 // os.sysconf("SC_CLK_TCK")
start = time.time(); last = jit(); calm = 0
while calm < 3 and time.time() - start < 120:
    time.sleep(1); now = jit()
    calm = calm + 1 if now - last < 50 else 0
    last = now
print("%.0f" % (time.time() - start))
PY
}

# upload BUILD_ROOT STATE FILE OUT: one upload under /usr/bin/time; OUT.json, OUT.time ("maxrss_kb user sys wall")
upload() {
  CRASHPIPE_NO_BUILD=1 /usr/bin/time -f "%M %U %S %e" -o "$4.time" "$1/crashpipe" upload --no-progress --json \
      --gateway "http://127.0.0.1:$port/" --state "$2" "$3" > "$4.json" 2> "$4.err" || { cat "$4.err" >&2; return 1; }
}

printf '%-7s %-30s %8s %9s %8s %7s %9s %6s %11s %7s %7s %9s %8s %8s %6s\n' build file "size MB" "raw MB/s" "page MB" "sec" \
    "page MB/s" "% raw" "stream MB/s" "agent s" "stack s" "CPU ms/MB" "RSS MiB" "again s" "jit s"
for b in "${builds[@]}"; do
  name=${b%%:*}; tree=${b#*:}
  export CRASHPIPE_HOME="$work/home-$name"
  # a build's first upload trains the agent's start-up cache (JDK 24+): not inside a measurement
  CRASHPIPE_NO_BUILD=1 "$tree/crashpipe" upload --help > /dev/null 2>&1 || true
  CRASHPIPE_NO_BUILD=1 "$tree/crashpipe" up --ingest-only --gateway-port "$port" --registry-port $((port + 1)) \
      --kafka-port $((port + 2)) > "$work/up-$name.log" 2>&1 &
  up=$!
  for i in $(seq 1 180); do grep -q '^crashpipe ready' "$work/up-$name.log" && break; sleep 1; done
  grep -q '^crashpipe ready' "$work/up-$name.log" || { cat "$work/up-$name.log"; kill $up; exit 1; }
  stack=$(pgrep -P $up java || echo $up)   # the launcher execs java: usually the same pid
  for f in "${files[@]}"; do
    cat "$f" > /dev/null   # warm cache for both measurements
    raw=$(raw_copy "$f")
    quiet=$(jit_quiet "$stack")
    c0=$(cpu_s "$stack")
    upload "$tree" "$work/state-$name" "$f" "$work/$name-1"
    c1=$(cpu_s "$stack")
    upload "$tree" "$work/state-$name" "$f" "$work/$name-2"
    python3 - "$name" "$f" "$raw" "$c0" "$c1" "$work/$name-1" "$work/$name-2" "$quiet" <<'PY'
import json, os, sys
name, f, raw, c0, c1, one, two, quiet = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
j = json.load(open(one + ".json")); rss, user, sysc, wall = map(float, open(one + ".time").read().split()[-4:])
j2 = json.load(open(two + ".json"))
mb = j["pageBytes"] / 1e6
label = os.path.basename(os.path.dirname(f)) + "/" + os.path.basename(f)
stream = "%.1f" % (j["streamPageBytes"] / 1e6 / j["streamSeconds"]) if j.get("streamSeconds") else "-"
print("%-7s %-30s %8.1f %9.1f %8.1f %7.1f %9.1f %6.1f %11s %7.2f %7.2f %9.1f %8.1f %8.1f %6s" % (name, label[-30:],
      os.path.getsize(f) / 1e6, raw, mb, j["seconds"], mb / j["seconds"], 100 * mb / j["seconds"] / raw, stream,
      user + sysc, c1 - c0, 1000 * (user + sysc + c1 - c0) / mb, rss / 1024, j2["seconds"], quiet))
PY
  done
  # the footprint on the big dump
  limit=${BIG_TIMEOUT:-}
  [ "$name" = before ] && limit=${BASE_BIG_TIMEOUT:-}
  if [ -n "$limit" ]; then
    CRASHPIPE_NO_BUILD=1 /usr/bin/time -f "%M %U %S %e" -o "$work/$name-big.time" timeout "$limit" "$tree/crashpipe" upload \
        --no-progress --json --gateway "http://127.0.0.1:$port/" --state "$work/state-big-$name" "$big" \
        > "$work/$name-big.json" 2> "$work/$name-big.err" || true
    again="(not run: the first was stopped after ${limit} s)"
    if python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$work/$name-big.json" 2>/dev/null; then
      upload "$tree" "$work/state-big-$name" "$big" "$work/$name-big2"   # it finished in time
      again=$(python3 -c "import json,sys; print('%.1f s' % json.load(open(sys.argv[1]))['seconds'])" "$work/$name-big2.json")
    fi
  else
    upload "$tree" "$work/state-big-$name" "$big" "$work/$name-big"
    upload "$tree" "$work/state-big-$name" "$big" "$work/$name-big2"
    again=$(python3 -c "import json,sys; print('%.1f s' % json.load(open(sys.argv[1]))['seconds'])" "$work/$name-big2.json")
  fi
  python3 - "$name" "$big" "$work/$name-big" "$again" <<'PY'
import json, os, sys
name, big, one, again = sys.argv[1:5]
rss, user, sysc, wall = map(float, open(one + ".time").read().split()[-4:])
try:
    j = json.load(open(one + ".json")); took = "%.1f s" % j["seconds"]
except Exception:
    took = "%.1f s (stopped)" % wall
print("%-7s big dump %.1f GiB: agent peak RSS %.1f MiB, upload %s, CPU %.1f s; repeated upload %s" % (name,
      os.path.getsize(big) / 2**30, rss / 1024, took, user + sysc, again))
PY
  kill -TERM $up; wait $up 2>/dev/null || true
done
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"

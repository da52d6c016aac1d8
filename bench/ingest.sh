#!/usr/bin/env bash
# Issue 6 benchmark: agent -> gateway -> Kafka throughput (MB/s of page data) next to a raw
# loopback TCP copy of the same file, in the same run, plus bytes sent versus the file size.
# Files: the largest fixture (the unpacked ELF vmcore) and, if present, a 2 GiB-guest dump.
# Usage: bench/ingest.sh [FILE...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/crashpipe" --version >/dev/null   # builds if needed
. "$root/bin/jdk.sh"; crashpipe_select_jdk
work=${TMPDIR:-/tmp}/crashpipe-bench-ingest; rm -rf "$work"; mkdir -p "$work"
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  elf="$work/vmcore.elf-d31"
  zstd -q -d -f "$root/../shared/fixtures/6.1-kdump-sysrq/vmcore.elf-d31.zst" -o "$elf"
  files+=("$elf")
  for big in /work/lab-data/dumps/2g-*/vmcore.elf /work/lab-data/dumps/2g-*/vmcore.mdf-zlib-d31; do
    [ -r "$big" ] && files+=("$big")
  done
fi
export CRASHPIPE_HOME="$work/home"
"$root/crashpipe" up --ingest-only --gateway-port 28080 --registry-port 28081 --kafka-port 29092 > "$work/up.log" 2>&1 &
up=$!
trap 'kill -TERM $up 2>/dev/null; wait $up 2>/dev/null || true' EXIT
for i in $(seq 1 120); do grep -q '^crashpipe ready' "$work/up.log" && break; sleep 1; done
grep '^crashpipe ready' "$work/up.log" >/dev/null || { cat "$work/up.log"; exit 1; }

raw_copy() {  # MB/s of one file through a loopback TCP socket into a discarding reader
  python3 - "$1" <<'PY'
import socket, sys, threading, time, os
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

printf '%-28s %10s %12s %12s %10s %12s %12s %10s\n' file "size MB" "raw MB/s" "page MB" "seconds" "page MB/s" "file MB/s" "sent/size"
for f in "${files[@]}"; do
  cat "$f" > /dev/null   # warm cache for both measurements
  raw=$(raw_copy "$f")
  json=$("$root/crashpipe" upload --no-progress --json --gateway http://127.0.0.1:28080/ \
      --state "$work/state" "$f")
  python3 - "$f" "$raw" "$json" <<'PY'
import json, sys, os
f, raw, j = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
size = os.path.getsize(f)
# page MB: non-zero page data carried in chunks (zero pages travel as pfn runs only)
print("%-28s %10.1f %12.1f %12.1f %10.1f %12.1f %12.1f %10.3f" % (os.path.basename(os.path.dirname(f)) + "/" + os.path.basename(f)[:14],
      size / 1e6, raw, j["pageBytes"] / 1e6, j["seconds"], j["pageBytes"] / 1e6 / j["seconds"], size / 1e6 / j["seconds"],
      j["bytesSent"] / size))
PY
done

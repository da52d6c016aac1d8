#!/usr/bin/env bash
# Cold start: `crashpipe log DUMP` (a new JVM each run, launcher included) against
# `makedumpfile --dump-dmesg DUMP OUT` on the same dump, runs interleaved so both see the same
# machine; the outputs must be byte-identical. Also `crashpipe --version` (JVM and command-line
# start, no dump work) and `crashpipe sys` / `crashpipe ps` on the first dump. Prints the median
# and best wall time and the median CPU time (user+sys) of RUNS runs each, the ratio of medians,
# and the machine's load before and after. Nothing is dropped system-wide: "cold" is a new JVM.
#   bench/log-vs-makedumpfile.sh [DUMP...]
#   RUNS=11 (default) runs of each command.
#   BASE=REV (a commit, e.g. main): times that commit's ./crashpipe too, in the same runs, for a
#     before/after: a `git archive` copy under $TMPDIR, built once by its own launcher and kept.
#   BASELINE=/path/to/other/checkout: the same with a checkout you made.
# On a busy machine wall times grow with the load while CPU times move less: compare the
# before/after ratio of one run, and quote the load with it.
# Default dump: the kdump-tools file of the largest fixture (by guest memory: the 1 GiB genuine
# kdump), and the 2 GiB lab dump $LAB_DATA/dumps/2g-6.12 when present. makedumpfile 1.7.2 (Debian)
# cannot read snappy/zstd variants, hence zlib. Target (issue 18): crashpipe log <= 0.25 s.
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
      # this machine's makedumpfile reads x86_64 dumps only (no "arch" is x86_64); a genuine kdump first on a tie
      python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); v=str(m.get("mem","0")).upper()
if m.get("arch", "x86_64") == "x86_64": print(int(float(v[:-1]) * (1024 if v.endswith("G") else 1)), int(bool(m.get("kdump"))), sys.argv[1])' "$m" 2>/dev/null || true
    done | sort -n -k1,1 -k2,2 | tail -1 | cut -d' ' -f3-)
  if [ -n "$largest" ]; then  # its zlib kdump file: vmcore.zlib-d31, or what kdump-tools wrote
    zlib=$(ls "$(dirname "$largest")"/vmcore.zlib-d31 "$(dirname "$largest")"/var/crash/*/dump.* 2>/dev/null | head -1 || true)
    [ -n "$zlib" ] && dumps+=("$zlib")
  fi
  for lab in "${LAB_DATA:-/work/labdata}" /work/lab-data; do
    [ -f "$lab/dumps/2g-6.12/vmcore.mdf-zlib-d31" ] && { dumps+=("$lab/dumps/2g-6.12/vmcore.mdf-zlib-d31"); break; }
  done
fi
[ ${#dumps[@]} -gt 0 ] || { echo "bench: no dumps given or found" >&2; exit 2; }

if [ -n "${BASE:-}" ] && [ -z "${BASELINE:-}" ]; then
  rev=$(git -C "$root" rev-parse --short "$BASE")
  BASELINE="${TMPDIR:-/tmp}/crashpipe-bench-base-$rev"
  if [ ! -x "$BASELINE/crashpipe" ]; then
    echo "bench: unpacking $BASE ($rev) into $BASELINE" >&2
    mkdir -p "$BASELINE" && git -C "$root" archive "$rev" | tar -x -C "$BASELINE"
  fi
fi
launchers=("after=$root/crashpipe")
[ -n "${BASELINE:-}" ] && launchers=("before=$BASELINE/crashpipe" "${launchers[@]}")
# Untimed: build when needed and train the start-up caches, as a user's first commands would (a
# launcher may keep a cache per command).
for l in "${launchers[@]}"; do
  for c in log sys ps; do
    "${l#*=}" "$c" "${dumps[0]}" >/dev/null 2>&1 || true
  done
  "${l#*=}" --version >/dev/null 2>&1 || true
done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
RUNS=${RUNS:-11} python3 - "${dumps[@]}" -- "${launchers[@]}" <<'EOF'
import os, resource, statistics, subprocess, sys, tempfile, time

args = sys.argv[1:]
dumps, launchers = args[:args.index("--")], [l.split("=", 1) for l in args[args.index("--") + 1:]]
runs = int(os.environ["RUNS"])
tmp = tempfile.mkdtemp()

def timed(cmd, out=None):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out or os.devnull, "wb") as o:
        subprocess.run(cmd, stdout=o, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

# One round runs every command once, interleaved, so load changes hit all of them alike.
cases = []
for name, launcher in launchers:
    cases.append((f"crashpipe --version ({name})", None, lambda l=launcher: timed([l, "--version"])))
for command in ("sys", "ps"):
    for name, launcher in launchers:
        cases.append((f"crashpipe {command} ({name})", None,
                      lambda l=launcher, c=command: timed([l, c, dumps[0]])))
for d in dumps:
    for name, launcher in launchers:
        out = os.path.join(tmp, f"{name}.{os.path.basename(d)}")
        cases.append((f"crashpipe log ({name})", d, lambda l=launcher, d=d, out=out: timed([l, "log", d], out)))
    mdf = os.path.join(tmp, f"mdf.{os.path.basename(d)}")
    def run_mdf(d=d, mdf=mdf):
        if os.path.exists(mdf):
            os.remove(mdf)
        return timed(["makedumpfile", "--dump-dmesg", d, mdf])
    cases.append(("makedumpfile --dump-dmesg", d, run_mdf))
samples = {i: [] for i in range(len(cases))}
for _ in range(runs):
    for i, (_, _, run) in enumerate(cases):
        samples[i].append(run())

def median(i, k):
    return statistics.median(s[k] for s in samples[i])

print(f"{'command':32} {'dump':28} {'median s':>9} {'best s':>8} {'cpu s':>7} {'vs makedumpfile':>16}  identical")
for i, (label, d, _) in enumerate(cases):
    ratio = identical = ""
    if d is not None and label.startswith("crashpipe"):
        mdf_i = next(j for j, c in enumerate(cases) if c[1] == d and c[0].startswith("makedumpfile"))
        ratio = f"{median(i, 0) / median(mdf_i, 0):.1f}x"
        name = label[label.index("(") + 1:-1]
        ours, theirs = (os.path.join(tmp, f"{n}.{os.path.basename(d)}") for n in (name, "mdf"))
        if not os.path.exists(theirs):
            identical = "makedumpfile failed"
        else:
            with open(ours, "rb") as a, open(theirs, "rb") as b:
                identical = "yes" if a.read() == b.read() else "NO"
    short = os.path.basename(d) if d is not None else ("-" if "version" in label else os.path.basename(dumps[0]))
    best = min(s[0] for s in samples[i])
    print(f"{label:32} {short:28} {median(i, 0):9.3f} {best:8.3f} {median(i, 1):7.3f} {ratio:>16}  {identical}")
for i, (label, _, _) in enumerate(cases):
    if label.endswith("(after)"):
        j = next((k for k, c in enumerate(cases) if c[0] == label[:-len("(after)")] + "(before)"
                  and c[1] == cases[i][1]), None)
        if j is not None:
            print(f"after/before {label[:-len(' (after)')]:24} wall {median(i, 0) / median(j, 0):.2f}"
                  f"  cpu {median(i, 1) / median(j, 1):.2f}")
print(f"{runs} runs each, interleaved; wall = new process to exit, cpu = user+sys of that process tree")
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

#!/usr/bin/env bash
# Issue 4 benchmark: `crashpipe ps DUMP` (no debug symbols: BTF, kallsyms, per-CPU data from the dump)
# against crash's start-up plus `ps` on the same dump with the kernel's -dbg vmlinux, one run each,
# JVM start included. Prints both wall times and the ratio.
# Usage: bench/ps-vs-crash.sh [DUMP VMLINUX]
#   default: the lab's 6.1 RT dump and its vmlinux ($LAB_DATA, default /work/lab-data); crash 8.0.2
#   cannot open the 6.12 dumps, and the fixtures' 6.1 -dbg vmlinux is only there if the lab fetched it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lab=${LAB_DATA:-/work/lab-data}
dump=${1:-$lab/dumps/6.1-rt-smp3-768M-sysrq/vmcore.mdf-zlib-d31}
vmlinux=${2:-$lab/kernels/6.1.0-56-rt-amd64/vmlinux}
for f in "$dump" "$vmlinux"; do
  [ -r "$f" ] || { echo "bench/ps-vs-crash.sh: cannot read $f" >&2; exit 1; }
done
command -v crash >/dev/null || { echo "bench/ps-vs-crash.sh: crash is not installed" >&2; exit 1; }
"$root/crashpipe" --version >/dev/null   # builds if needed, outside the timing
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf 'ps\nq\n' > "$work/cmds"

now() { date +%s%N; }
cat "$dump" "$vmlinux" > /dev/null        # same warm page cache for both tools

s=$(now); CRASHPIPE_NO_BUILD=1 "$root/crashpipe" ps "$dump" > "$work/crashpipe.txt" 2> "$work/crashpipe.err"; e=$(now)
ours=$(( (e - s) / 1000000 ))
s=$(now); crash -s "$vmlinux" "$dump" -i "$work/cmds" > "$work/crash.txt" 2>&1 || true; e=$(now)
theirs=$(( (e - s) / 1000000 ))

echo "dump:      $dump ($(stat -c %s "$dump") bytes)"
echo "crashpipe: ${ours} ms, $(($(wc -l < "$work/crashpipe.txt") - 1)) tasks"
echo "crash:     ${theirs} ms, $(grep -cE '^[> ] +[0-9]+ ' "$work/crash.txt" || true) tasks (start + ps; vmlinux $(stat -c %s "$vmlinux") bytes)"
awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "ratio:     crashpipe / crash = %.2f\n", a / b }'

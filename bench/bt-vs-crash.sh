#!/usr/bin/env bash
# Issue 4 benchmark: `crashpipe bt -a` (no debug symbols; JVM start included) against crash's start
# plus `bt -a` with the -dbg vmlinux, on the same dump, one run each, as a ratio.
# Usage: bench/bt-vs-crash.sh [DUMP [VMLINUX]]
#   DUMP     default: the genuine kdump fixture (kdump-compressed, zlib, as kdump-tools writes it)
#   VMLINUX  the matching vmlinux with DWARF, e.g. extracted from linux-image-6.1.0-56-amd64-dbg:
#            apt-get download linux-image-6.1.0-56-amd64-dbg
#            dpkg-deb --fsys-tarfile linux-image-*-dbg_*.deb | tar -x --wildcards './usr/lib/debug/boot/vmlinux-*'
#            default: $VMLINUX_DBG or /tmp/crashpipe-dbg/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fx=$root/../shared/fixtures
dump=${1:-$(ls "$fx"/6.1-kdump-sysrq/var/crash/*/dump.* | head -n1)}
vmlinux=${2:-${VMLINUX_DBG:-/tmp/crashpipe-dbg/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64}}
"$root/crashpipe" --version >/dev/null   # builds if needed
work=${TMPDIR:-/tmp}/crashpipe-bench; mkdir -p "$work"
cat "$dump" > /dev/null                   # warm page cache for both tools

ms() { echo $(( ($2 - $1) / 1000000 )); }

s=$(date +%s%N); "$root/crashpipe" bt -a "$dump" > "$work/crashpipe-bt-a.txt" 2>/dev/null; e=$(date +%s%N)
cp_ms=$(ms "$s" "$e")
echo "crashpipe bt -a: ${cp_ms} ms ($(grep -c '^PID:' "$work/crashpipe-bt-a.txt") tasks) -> $work/crashpipe-bt-a.txt"

if ! command -v crash >/dev/null || [ ! -s "$vmlinux" ]; then
  echo "crash or the -dbg vmlinux ($vmlinux) not available: no ratio" >&2
  exit 0
fi
# VMCOREINFO is stored uncompressed near the start of every container format.
koff=$(head -c 64M "$dump" | grep -a -m1 -o 'KERNELOFFSET=[0-9a-f]*' | cut -d= -f2 || true)
printf 'bt -a\nq\n' > "$work/crash.cmd"
cat "$vmlinux" > /dev/null
s=$(date +%s%N); crash -s ${koff:+--kaslr=0x${koff#0x}} "$vmlinux" "$dump" -i "$work/crash.cmd" \
    > "$work/crash-bt-a.txt" 2>&1 || true; e=$(date +%s%N)
cr_ms=$(ms "$s" "$e")
echo "crash start + bt -a: ${cr_ms} ms ($(grep -c '^PID:' "$work/crash-bt-a.txt") tasks) -> $work/crash-bt-a.txt"
awk -v a="$cp_ms" -v b="$cr_ms" 'BEGIN { printf "ratio crashpipe / crash: %.2f\n", a / b }'

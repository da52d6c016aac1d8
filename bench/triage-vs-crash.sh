#!/usr/bin/env bash
# Wall time of each triage command (dis, struct, p, rd, files, kmem, sys -t, foreach) against crash
# running the same command with its debug vmlinux, in the same run. Usage:
#   bench/triage-vs-crash.sh [FIXTURE_DIR]     (default: ../shared/fixtures/6.1-kdump-sysrq)
# crash and the -dbg vmlinux are optional: without them (VMLINUX unset or crash missing) only
# crashpipe is timed, and the script says so. VMLINUX=/path/to/vmlinux-dbg selects the debug kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
FIX=${1:-../shared/fixtures/6.1-kdump-sysrq}
CMDS="$FIX/ground-truth/crash/commands.txt"
DUMP=$(ls "$FIX"/var/crash/*/dump.* 2>/dev/null | head -1 || true)
[ -n "$DUMP" ] || DUMP="$FIX/vmcore.zlib-d31"
field() { grep -m1 "$1" "$CMDS" | awk '{print $NF}' | grep -o '^[0-9a-f]*'; }
TASK=$(sed -n 's/.*panic task TASK:[[:space:]]*\([0-9a-f]*\).*/\1/p' "$CMDS")
RSP=$(sed -n 's/.*frame #0 RSP:[[:space:]]*\([0-9a-f]*\).*/\1/p' "$CMDS")
DISR=$(sed -n 's/.*dis -r address:[[:space:]]*\([0-9a-f]*\).*/\1/p' "$CMDS")
KASLR=$(sed -n 's/.*--kaslr=\(0x[0-9a-f]*\).*/\1/p' "$CMDS" | head -1)
./crashpipe --version >/dev/null   # build once, outside the timings
export CRASHPIPE_NO_BUILD=1
have_crash=0
if command -v crash >/dev/null && [ -n "${VMLINUX:-}" ] && [ -f "$VMLINUX" ]; then have_crash=1; fi
[ $have_crash = 1 ] || echo "# crash or VMLINUX (the -dbg vmlinux) not available: timing crashpipe only"
now() { date +%s.%N; }
printf '%-34s %10s %10s %7s\n' command crashpipe crash ratio
while IFS='|' read -r ours theirs; do
  t0=$(now); ./crashpipe $ours >/dev/null; t1=$(now)
  a=$(echo "$t1 - $t0" | bc)
  if [ $have_crash = 1 ]; then
    echo "$theirs" > /tmp/triage-bench.cmd; echo q >> /tmp/triage-bench.cmd
    t0=$(now); crash -s --kaslr="$KASLR" "$VMLINUX" "$DUMP" -i /tmp/triage-bench.cmd >/dev/null 2>&1 || true; t1=$(now)
    b=$(printf '%.2fs' "$(echo "$t1 - $t0" | bc)"); r=$(echo "scale=2; $a / ${b%s}" | bc)
  else b=-; r=-; fi
  printf '%-34s %9.2fs %10s %7s\n' "$theirs" "$a" "$b" "$r"
done <<LIST
dis -r $DUMP $DISR|dis -r $DISR
dis $DUMP sysrq_handle_crash|dis sysrq_handle_crash
struct $DUMP task_struct $TASK|struct task_struct $TASK
p $DUMP jiffies|p jiffies
rd -s $DUMP $RSP 64|rd -s $RSP 64
files $DUMP 1|files 1
kmem -i $DUMP|kmem -i
sys -t $DUMP|sys -t
foreach $DUMP UN bt|foreach UN bt
LIST

#!/usr/bin/env bash
# Times how long crashpipe takes to find kallsyms, BTF and ORC in a dump (as `crashpipe info --json`
# reports them: kallsyms from VMCOREINFO or by scanning the kernel image, BTF and ORC through
# kallsyms), next to `makedumpfile --dump-dmesg DUMP OUT` on the same file, and prints the ratios.
#   bench/find-tables.sh [DUMP...]
# Default dumps: the 5.10 fixture (no kallsyms in VMCOREINFO: the scan) and the 7.2 fixture (kallsyms
# named by VMCOREINFO, PC-relative offsets), both zlib kdump files at dump level 31.
# Columns: the wall time of each find inside one JVM (kallsyms includes decoding every symbol, BTF
# includes parsing it), their sum and its CPU time (on a loaded machine wall time also counts waiting
# for a core), the whole `info` command (JVM start and page counting included), makedumpfile's
# time, then find/makedumpfile and info/makedumpfile (both wall).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
if ! command -v makedumpfile >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "bench: installing makedumpfile (the baseline) with apt-get" >&2
  apt-get install -y -q makedumpfile >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q makedumpfile >/dev/null 2>&1; }
fi
command -v makedumpfile >/dev/null || { echo "bench: makedumpfile is not installed (apt-get install makedumpfile)" >&2; exit 2; }

dumps=("$@")
if [ ${#dumps[@]} -eq 0 ]; then
  fixtures="$root/../shared/fixtures"
  [ -d "$fixtures" ] || fixtures=/work/shared/fixtures
  for f in 5.10-qemu-sysrq/vmcore.zlib-d31 7.2-qemu-sysrq/vmcore.zlib-d31; do
    [ -f "$fixtures/$f" ] && dumps+=("$fixtures/$f")
  done
fi
[ ${#dumps[@]} -gt 0 ] || { echo "bench: no dumps given or found" >&2; exit 2; }

# Build if needed and warm the launcher's class-data-sharing archive, outside the timing.
"$root/crashpipe" info "${dumps[0]}" >/dev/null 2>&1 || true
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
printf '%-34s %-10s %8s %8s %7s %8s %8s %7s %6s %8s %8s\n' dump kallsyms ks_ms btf_ms orc_ms find_ms cpu_ms info_s mdf_s find/mdf info/mdf
for d in "${dumps[@]}"; do
  t0=$(now); "$root/crashpipe" info --json "$d" >"$tmp/info.json" 2>/dev/null; t1=$(now)
  rm -f "$tmp/dmesg"
  t2=$(now); makedumpfile --dump-dmesg "$d" "$tmp/dmesg" >/dev/null 2>&1 || true; t3=$(now)
  python3 - "$d" "$tmp/info.json" "$t0" "$t1" "$t2" "$t3" <<'EOF'
import json, sys
d, path, t0, t1, t2, t3 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
t = json.load(open(path))["tables"]
ks, btf, orc = (t[k]["millis"] for k in ("kallsyms", "btf", "orc"))
find = ks + btf + orc
cpu = sum(t[k]["cpuMillis"] for k in ("kallsyms", "btf", "orc"))
info, mdf = t1 - t0, t3 - t2
name = "/".join(d.split("/")[-2:])
print(f"{name:<34} {t['kallsyms']['source']:<10} {ks:8.1f} {btf:8.1f} {orc:7.1f} {find:8.1f} {cpu:8.1f} {info:7.2f}"
      f" {mdf:6.3f} {find / 1000 / mdf:8.1f} {info / mdf:8.1f}")
EOF
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

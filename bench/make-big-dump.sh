#!/usr/bin/env bash
# Makes a big ELF vmcore for the agent's footprint benchmark: a fixture's ELF dump plus one more
# PT_LOAD of all-zero memory, written sparse (holes), so a 64 GiB-plus dump costs a few hundred MB
# of disk. The original segments keep their file offsets; a new program header table (the old
# entries plus the new one) goes after the old data, and e_phoff/e_phnum point at it.
# The new segment sits 4 GiB-aligned above the highest physical address, with the direct map's
# vaddr - paddr offset of the highest existing segment.
# With --data MIB, the first MIB MiB of the new segment are real memory instead of zeros: the source's
# non-zero pages copied over and over (each pass shifted by one page, so no two chunks repeat), so
# the page data compresses like a real dump's; that is what a steady-state MB/s measurement needs
# (the fixtures hold about 100 MB of non-zero pages, too little to get past the start-up costs).
# Usage: bench/make-big-dump.sh [--data MIB] OUT [GIB] [SOURCE_ELF]
#        (default 64 GiB on the 6.1 kdump fixture's ELF, no data)
# Writes only OUT (use /tmp); never writes next to the fixtures.
set -euo pipefail
data_mib=0
if [ "${1:-}" = --data ]; then data_mib=${2:?--data MIB}; shift 2; fi
out=${1:?usage: make-big-dump.sh [--data MIB] OUT [GIB] [SOURCE_ELF]}
gib=${2:-64}
src=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$(readlink -f "$(dirname "$out")")" in
  "$(readlink -f "$root/../shared")"*) echo "make-big-dump: refusing to write under the shared fixtures" >&2; exit 2 ;;
esac
if [ -z "$src" ]; then
  zstd -q -d -f "$root/../shared/fixtures/6.1-kdump-sysrq/vmcore.elf-d31.zst" -o "$out"
else
  cp --sparse=always "$src" "$out"
fi
chmod u+w "$out"
python3 - "$out" "$gib" "$data_mib" <<'PY'
import os, struct, sys
path, gib, data_mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
PT_LOAD, PHSZ, PAGE = 1, 56, 4096
with open(path, "r+b") as f:
    eh = bytearray(f.read(64))
    assert eh[:4] == b"\x7fELF" and eh[4] == 2 and eh[5] == 1, "a little-endian ELF64 file"
    phoff, = struct.unpack_from("<Q", eh, 32)
    phnum, = struct.unpack_from("<H", eh, 56)
    f.seek(phoff)
    table = f.read(phnum * PHSZ)
    loads = [struct.unpack_from("<IIQQQQQQ", table, i * PHSZ) for i in range(phnum)]
    loads = [p for p in loads if p[0] == PT_LOAD]
    top = max(loads, key=lambda p: p[4] + p[6])          # highest paddr + memsz
    delta = (top[3] - top[4]) & (2**64 - 1)              # vaddr - paddr of the direct map
    paddr = ((top[4] + top[6]) + (4 << 30) - 1) // (4 << 30) * (4 << 30)
    size = gib << 30
    end = f.seek(0, os.SEEK_END)
    new_phoff = (end + 4095) // 4096 * 4096
    data = (new_phoff + (phnum + 1) * PHSZ + 4095) // 4096 * 4096
    new = struct.pack("<IIQQQQQQ", PT_LOAD, 7, data, (paddr + delta) & (2**64 - 1), paddr, size, size, 4096)
    f.seek(new_phoff)
    f.write(table + new)
    f.truncate(data + size)                             # the zero memory: a hole, no disk blocks
    want = min(data_mib << 20, size)
    if want:                                            # real pages at the segment's start
        zero = bytes(PAGE)
        pages = []
        for p in loads:
            f.seek(p[2])
            left = p[5] // PAGE
            while left:
                buf = f.read(min(left, 256) * PAGE)
                if not buf: break
                left -= len(buf) // PAGE
                pages += [buf[i:i + PAGE] for i in range(0, len(buf) - PAGE + 1, PAGE) if buf[i:i + PAGE] != zero]
        assert pages, "no non-zero page in the source"
        f.seek(data)
        written, shift = 0, 0
        while written < want:
            for pg in pages[shift % len(pages):] + pages[:shift % len(pages)]:
                if written >= want: break
                f.write(pg); written += PAGE
            shift += 1
    struct.pack_into("<Q", eh, 32, new_phoff)
    struct.pack_into("<H", eh, 56, phnum + 1)
    f.seek(0)
    f.write(eh)
print("%s: %.1f GiB file, %d GiB of memory at paddr 0x%x, the first %d MiB real pages, the rest zero" % (path,
      (data + size) / 2**30, gib, paddr, want >> 20))
PY

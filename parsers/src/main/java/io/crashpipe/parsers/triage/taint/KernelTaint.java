package io.crashpipe.parsers.triage.taint;

import java.util.List;

/** The kernel's taint: {@code tainted_mask} and every flag of its {@code taint_flags[]} table. */
public record KernelTaint(long mask, List<TaintFlag> flags) {

    public List<TaintFlag> setFlags() {
        return flags.stream().filter(TaintFlag::set).toList();
    }

    /** The letters as crash's {@code sys -t} (and the kernel's {@code print_tainted}) string them. */
    public String letters() {
        StringBuilder sb = new StringBuilder();
        flags.forEach(f -> sb.append(f.shown()));
        return sb.toString();
    }

    /** crash's {@code sys -t} line, then one line per set flag naming it (ours: crash stops at the letters). */
    public String crashText() {
        StringBuilder sb = new StringBuilder("TAINTED_MASK: ").append(Long.toHexString(mask)).append("  ")
                .append(letters()).append('\n');
        for (TaintFlag f : setFlags()) {
            sb.append(String.format("  %c  %-24s bit %d%n", f.onLetter(), f.name(), f.bit()));
        }
        return sb.toString();
    }
}

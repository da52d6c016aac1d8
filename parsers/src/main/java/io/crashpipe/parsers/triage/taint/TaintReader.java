package io.crashpipe.parsers.triage.taint;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.triage.TypedReader;
import io.crashpipe.parsers.view.KernelView;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the taint from the kernel's own tables, as crash's {@code sys -t} does: the
 * {@code tainted_mask} word and the letters of {@code taint_flags[]} (struct taint_flag: {@code
 * c_true}, {@code c_false}; before Linux 4.10 {@code true}/{@code false}). The table's length is
 * its symbol's extent divided by the struct size (a global array has no BTF VAR).
 */
public final class TaintReader {
    /**
     * The kernel's TAINT_* names by bit (include/linux/panic.h, formerly kernel.h): the bit
     * numbers are ABI (/proc/sys/kernel/tainted), so they never move; new ones are appended.
     */
    static final List<String> NAMES = List.of("PROPRIETARY_MODULE", "FORCED_MODULE", "CPU_OUT_OF_SPEC",
            "FORCED_RMMOD", "MACHINE_CHECK", "BAD_PAGE", "USER", "DIE", "OVERRIDDEN_ACPI_TABLE", "WARN", "CRAP",
            "FIRMWARE_WORKAROUND", "OOT_MODULE", "UNSIGNED_MODULE", "SOFTLOCKUP", "LIVEPATCH", "AUX", "RANDSTRUCT",
            "TEST", "FWCTL");
    /**
     * The letters by bit (Documentation/admin-guide/tainted-kernels.rst), for a kernel whose
     * {@code taint_flags[]} cannot be found (text-only kallsyms): like the bit numbers, the
     * letters are user-visible and never change.
     */
    static final String LETTERS = "PFSRMBUDAWCIOELKXTNJ";
    private static final int MAX_FLAGS = 64;

    private TaintReader() {}

    public static KernelTaint read(KernelView view, Btf btf) {
        long mask = view.memory().u64(maskAddress(view));
        if (view.symbol("taint_flags").isEmpty() && view.kallsymsListsTextOnly()) {
            return fromDocumentedLetters(mask);
        }
        long table = view.requireSymbol("taint_flags");
        TypedReader r = new TypedReader(btf, view.memory());
        long size = btf.sizeOf("taint_flag").orElseThrow(() -> new IllegalStateException(
                "the kernel's BTF has no struct taint_flag"));
        String on = r.has("taint_flag.c_true") ? "taint_flag.c_true" : "taint_flag.true";
        String off = r.has("taint_flag.c_false") ? "taint_flag.c_false" : "taint_flag.false";
        long extent = view.kallsyms().symbolize(table).map(SymbolOffset::size).orElse(0L);
        int count = (int) Math.min(MAX_FLAGS, extent > 0 ? extent / size : NAMES.size());
        List<TaintFlag> flags = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long at = table + i * size;
            char t = (char) r.u(at, on);
            char f = (char) r.u(at, off);
            if (t == 0 && f == 0) {
                break; // alignment padding after the last entry
            }
            String name = i < NAMES.size() ? "TAINT_" + NAMES.get(i) : "TAINT_BIT_" + i;
            flags.add(new TaintFlag(i, t, f, name, (mask >>> i & 1) != 0));
        }
        return new KernelTaint(mask, List.copyOf(flags));
    }

    /** {@code tainted_mask}, or where text-only kallsyms lacks it, the variable get_taint() loads. */
    private static long maskAddress(KernelView view) {
        var direct = view.symbol("tainted_mask");
        if (direct.isPresent()) {
            return direct.getAsLong();
        }
        long getTaint = view.symbol("get_taint").orElseThrow(() -> new IllegalStateException(
                "neither tainted_mask nor get_taint() is in kallsyms"));
        return GetTaintCode.taintedMaskAddress(view.memory(), view.architecture().name(), getTaint)
                .orElseThrow(() -> new IllegalStateException("tainted_mask is not in kallsyms and get_taint() at 0x"
                        + Long.toHexString(getTaint) + " does not start with the load it expects"));
    }

    private static KernelTaint fromDocumentedLetters(long mask) {
        List<TaintFlag> flags = new ArrayList<>();
        for (int i = 0; i < LETTERS.length(); i++) {
            flags.add(new TaintFlag(i, LETTERS.charAt(i), i == 0 ? 'G' : ' ', "TAINT_" + NAMES.get(i),
                    (mask >>> i & 1) != 0));
        }
        return new KernelTaint(mask, List.copyOf(flags));
    }
}

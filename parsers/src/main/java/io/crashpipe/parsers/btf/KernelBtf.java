package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.ksymtab.DataSymbols;
import io.crashpipe.parsers.view.KernelView;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds vmlinux's own BTF in kernel memory: the linker brackets the {@code .BTF} section with
 * {@code __start_BTF} and {@code __stop_BTF}, which kallsyms carries. Kernels built without
 * CONFIG_DEBUG_INFO_BTF have neither symbol; that is reported, never papered over.
 */
public final class KernelBtf {
    /** vmlinux BTF is a few MB; anything this large means the bracketing symbols are wrong. */
    private static final long MAX_SIZE = 256L << 20;
    /** How far past the end of kernel text the header is looked for. */
    private static final long SCAN_LENGTH = 96L << 20;

    private KernelBtf() {}

    /** The dump's BTF, or empty when the kernel carries none (no kallsyms or no .BTF section). */
    public static Optional<Btf> find(KernelView view) throws DumpFormatException {
        if (!view.hasKallsyms()) {
            return Optional.empty();
        }
        OptionalLong start = view.kallsyms().address("__start_BTF");
        OptionalLong stop = view.kallsyms().address("__stop_BTF");
        if (start.isEmpty() || stop.isEmpty()) {
            // A kallsyms without data symbols cannot bracket .BTF: look for its header instead.
            OptionalLong etext = view.kallsyms().address("_etext");
            if (etext.isEmpty() || !DataSymbols.needed(view.kallsyms())) {
                return Optional.empty();
            }
            return BtfScan.scan(view.memory(), etext.getAsLong(), SCAN_LENGTH).map(BtfScan.Found::btf);
        }
        long size = stop.getAsLong() - start.getAsLong();
        String source = ".BTF at __start_BTF 0x" + Long.toHexString(start.getAsLong());
        if (size <= 0 || size > MAX_SIZE) {
            throw new DumpFormatException(source, 0, "__stop_BTF above __start_BTF by at most " + MAX_SIZE + " bytes",
                    "a distance of " + size + " bytes");
        }
        return Optional.of(Btf.parse(view.memory().read(start.getAsLong(), (int) size), source));
    }

    /** The dump's BTF; fails with a message saying why the kernel has none. */
    public static Btf require(KernelView view) throws DumpFormatException {
        return find(view).orElseThrow(() -> new NoBtfException(view.hasKallsyms()
                ? "the kernel has no BTF (no __start_BTF/__stop_BTF in kallsyms: built without CONFIG_DEBUG_INFO_BTF);"
                        + " task and module layouts cannot be known without it"
                : "the dump has no kallsyms tables in VMCOREINFO (kernel older than 6.0?), so its BTF cannot be"
                        + " located; task and module layouts cannot be known without it"));
    }
}

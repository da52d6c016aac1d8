package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.kernel.ResumableRead;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.view.DumpMemo;
import io.crashpipe.parsers.view.KernelView;
import java.io.UncheckedIOException;
import io.crashpipe.parsers.view.TableFinding;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds vmlinux's own BTF in kernel memory: the linker brackets the {@code .BTF} section with
 * {@code __start_BTF} and {@code __stop_BTF}, which kallsyms carries (kallsyms itself comes from
 * VMCOREINFO on 6.0+ or from the image scan before). Kernels built without
 * CONFIG_DEBUG_INFO_BTF have neither symbol; that is reported, never papered over.
 */
public final class KernelBtf {
    /** vmlinux BTF is a few MB; anything this large means the bracketing symbols are wrong. */
    private static final long MAX_SIZE = 256L << 20;
    /** How far past the end of kernel text the header is looked for. */
    private static final long SCAN_LENGTH = 96L << 20;

    private KernelBtf() {}

    private static final DumpMemo.Key<Optional<Btf>> BTF = DumpMemo.Key.of("btf");
    /** The .BTF bytes read so far: a pass that waited for one of its pages resumes there. */
    private static final DumpMemo.Key<ResumableRead> BLOB = DumpMemo.Key.of(".BTF bytes");

    /**
     * The dump's BTF, or empty when the kernel carries none or it cannot be located ({@link #whyAbsent}).
     * Parsed once per view.
     */
    public static Optional<Btf> find(KernelView view) throws DumpFormatException {
        try {
            return view.memo().get(BTF, () -> {
                try {
                    return parse(view);
                } catch (DumpFormatException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof DumpFormatException d) {
                throw d;
            }
            throw e;
        }
    }

    private static Optional<Btf> parse(KernelView view) throws DumpFormatException {
        if (!view.hasKallsyms()) {
            return Optional.empty();
        }
        OptionalLong start = view.kallsyms().address("__start_BTF");
        OptionalLong stop = view.kallsyms().address("__stop_BTF");
        if (start.isEmpty() || stop.isEmpty()) {
            // A kallsyms without data symbols cannot bracket .BTF: look for its header instead.
            OptionalLong etext = view.kallsyms().address("_etext");
            if (etext.isEmpty() || !view.kallsymsListsTextOnly()) {
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
        ResumableRead blob = view.memo().get(BLOB.with(start.getAsLong()),
                () -> new ResumableRead(start.getAsLong(), (int) size));
        return Optional.of(Btf.parse(blob.finish(view.memory()), source));
    }

    /** The dump's BTF; fails with a message saying why the kernel has none. */
    public static Btf require(KernelView view) throws DumpFormatException {
        return find(view).orElseThrow(() -> new NoBtfException(whyAbsent(view)
                + "; task and module layouts cannot be known without it"));
    }

    /** Why {@link #find} came back empty: no kallsyms to locate BTF with, or a kernel built without it. */
    public static String whyAbsent(KernelView view) {
        if (!view.hasKallsyms()) {
            return "BTF cannot be located because kallsyms was not found (" + view.kallsymsFinding().detail() + ")";
        }
        return "the kernel has no BTF (no __start_BTF/__stop_BTF in kallsyms: built without CONFIG_DEBUG_INFO_BTF)";
    }

    /** Locates and parses BTF, saying where it came from and how long that took (kallsyms' own time excluded). */
    public static TableFinding locate(KernelView view) {
        TableFinding ks = view.kallsymsFinding();
        TableFinding.Stopwatch clock = TableFinding.start();
        TableFinding.Source source = ks.source();
        String detail;
        try {
            Optional<Btf> btf = find(view);
            if (btf.isPresent() && view.kallsyms().address("__start_BTF").isEmpty()) {
                source = TableFinding.Source.SCAN;
                detail = String.format("%s (%d types): kallsyms has no data symbols to bracket it",
                        btf.get().source(), btf.get().typeCount());
            } else if (btf.isPresent()) {
                long start = view.kallsyms().address("__start_BTF").getAsLong();
                long stop = view.kallsyms().address("__stop_BTF").getAsLong();
                detail = String.format(".BTF at 0x%x-0x%x (%d bytes, %d types), from __start_BTF/__stop_BTF in kallsyms"
                        + " (%s)", start, stop, stop - start, btf.get().typeCount(),
                        ks.source() == TableFinding.Source.SCAN ? "found by the image scan" : "named by VMCOREINFO");
            } else {
                source = TableFinding.Source.ABSENT;
                detail = whyAbsent(view);
            }
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            source = TableFinding.Source.ABSENT;
            detail = "the .BTF section cannot be read: " + e.unavailable().describe();
        } catch (DumpFormatException | IllegalStateException e) {
            source = TableFinding.Source.ABSENT;
            detail = "the .BTF section kallsyms points at does not parse: " + e.getMessage();
        }
        return clock.finish("BTF", source, detail);
    }
}

package io.crashpipe.parsers.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.testing.ArrivingPages;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one rule for missing pages, as the stream topology relies on it: every section of
 * {@link Sections#ALL}, run while a dump's pages arrive in chunks (in pfn order and in random
 * orders), waits for each page it needs that has not arrived, never finishes early on a partial
 * view, and once every page is there (and the dump sealed) ends exactly as it does on the file.
 */
class PageByPageExtractionTest {
    /** Pages per arriving chunk: small, so that sections meet many missing pages. */
    private static final int CHUNK_PAGES = 16;

    /**
     * The x86_64 fixtures: the first variant, and 7.2's filtered file. Not arm64: its kallsyms lists text
     * only, so every pass re-runs the ksymtab, BTF and module scans (Arm64WithoutDataSymbolsTest checks
     * its offline result).
     */
    static Stream<Arguments> dumps() {
        List<Arguments> out = new ArrayList<>();
        for (Path dir : Fixtures.dumpDirs()) {
            if (dir.getFileName().toString().startsWith("arm64-")) {
                continue;
            }
            List<Path> variants = Fixtures.variants(dir);
            out.add(Arguments.of(variants.get(0), "pfn order"));
            out.add(Arguments.of(variants.get(0), "random 1"));
            if (dir.getFileName().toString().equals("6.1-kdump-sysrq")) {
                // Strictly page by page, every section re-runs once per page it needs (kallsyms decoding
                // alone needs hundreds): minutes per dump, so on the genuine kdump only.
                out.add(Arguments.of(variants.get(0), "on demand"));
            }
            variants.stream().filter(v -> v.getFileName().toString().equals("vmcore.zlib-d31") && v != variants.get(0))
                    .forEach(v -> out.add(Arguments.of(v, "random 2")));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dumps")
    void everySectionWaitsForMissingPagesAndEndsEqualToTheOfflineResult(Path file, String order) throws Exception {
        try (Dump dump = Dumps.open(file)) {
            Extraction offline = new Extraction(KernelView.of(dump));
            List<String> expected = new ArrayList<>();
            for (Extractor<?> x : Sections.ALL) {
                expected.add(canonical(ExtractionRunner.run(x, offline)));
            }

            List<Long> pfns = arrivalOrder(dump, order);
            ArrivingPages memory = new ArrivingPages(new DumpMemory(dump), pfns, CHUNK_PAGES, ArrivingPages.AfterSeal.READ_THE_FILE);
            // One extraction for the whole arrival, as a pass that is re-run: only finished sections are kept.
            Extraction streaming = new Extraction(KernelView.of(dump, memory));
            int waits = 0;
            for (int i = 0; i < Sections.ALL.size(); i++) {
                Extractor<?> x = Sections.ALL.get(i);
                Outcome<?> o;
                while ((o = ExtractionRunner.run(x, streaming)) instanceof Outcome.Waiting<?> w) {
                    long pfn = w.missing().pfn();
                    assertFalse(memory.arrived(pfn), x.section() + " waits for pfn 0x" + Long.toHexString(pfn)
                            + " which has arrived");
                    waits++;
                    if (order.equals("on demand")) {
                        memory.arriveOnly(pfn); // just that page, the strictest order
                    }
                    memory.deliverUntil(pfn);
                }
                assertEquals(expected.get(i), canonical(o), x.section() + " of " + file + " (" + order + ")");
            }
            assertTrue(waits > (order.equals("on demand") ? 100 : 0), "a real analysis needs many pages, waited "
                    + waits + " times");
        }
    }

    /** Every page of the dump: in pfn order, or hot pages first (as the agent sends them) in a random order. */
    private static List<Long> arrivalOrder(Dump dump, String order) throws Exception {
        return order.equals("pfn order") || order.equals("on demand") ? ArrivingPages.pfnOrder(dump)
                : ArrivingPages.hotFirst(dump, order.hashCode());
    }

    /**
     * A value as text, records component by component and arrays by content, so that results of
     * any section compare by what they hold.
     */
    static String canonical(Object v) {
        StringBuilder sb = new StringBuilder();
        canonical(v, sb);
        return sb.toString();
    }

    private static void canonical(Object v, StringBuilder sb) {
        switch (v) {
            case null -> sb.append("null");
            case Record r -> {
                sb.append(r.getClass().getSimpleName()).append('(');
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    sb.append(c.getName()).append('=');
                    try {
                        c.getAccessor().setAccessible(true);
                        canonical(c.getAccessor().invoke(r), sb);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                    sb.append(", ");
                }
                sb.append(')');
            }
            case Optional<?> o -> canonical(o.orElse(null), sb.append("Optional:"));
            case OptionalLong o -> sb.append(o);
            case OptionalInt o -> sb.append(o);
            case Map<?, ?> m -> {
                sb.append('{');
                m.forEach((k, x) -> {
                    canonical(k, sb);
                    sb.append('=');
                    canonical(x, sb);
                    sb.append(", ");
                });
                sb.append('}');
            }
            case Collection<?> c -> {
                sb.append('[');
                for (Object e : c) {
                    canonical(e, sb);
                    sb.append(", ");
                }
                sb.append(']');
            }
            case byte[] b -> sb.append(Arrays.toString(b));
            case long[] b -> sb.append(Arrays.toString(b));
            case int[] b -> sb.append(Arrays.toString(b));
            case Object[] b -> canonical(Arrays.asList(b), sb);
            default -> sb.append(v);
        }
    }
}

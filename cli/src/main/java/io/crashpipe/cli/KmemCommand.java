package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.mm.MemoryInfo;
import io.crashpipe.parsers.mm.MemoryInfoReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code crashpipe kmem -i DUMP}: crash's memory summary from the kernel's own counters. */
@Command(name = "kmem", header = "crash's 'kmem -i' memory summary, from the kernel's own counters.",
        mixinStandardHelpOptions = true,
        description = {"With -i: total, free and used memory, shared, buffers, page cache, slab, huge pages, swap",
            "and the commit limit, in pages, size and percentage, as crash's 'kmem -i' prints them, read from",
            "the counters the kernel keeps for /proc/meminfo (enum indexes from BTF). SHARED, which no counter",
            "holds, is counted as crash counts it: every struct page not reserved and referenced more than once",
            "(one pass over mem_map, about 1/64 of RAM). SLAB is /proc/meminfo's Slab, as crash 8.0.3 and later",
            "print it (crash 8.0.2 counts PG_slab pages on 5.9+ kernels; --json gives that as slab_flagged_pages)."})
public final class KmemCommand implements Callable<Integer> {
    @Option(names = "-i", description = "the memory summary (the only mode for now)")
    boolean info;

    @Option(names = "--json", description = "print one JSON object, every figure in pages")
    boolean json;

    @Mixin
    DumpArgument dump;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!info) {
            throw new ParameterException(spec.commandLine(), "only 'kmem -i' is supported");
        }
        KernelAccess.with(dump.path(), view -> {
            MemoryInfoReader reader = new MemoryInfoReader(view, KernelBtf.require(view));
            MemoryInfo m = reader.read();
            PrintWriter out = spec.commandLine().getOut();
            if (reader.censusGap() != null) {
                spec.commandLine().getErr().println("kmem: SHARED left out: " + reader.censusGap());
            }
            if (json) {
                ObjectNode o = Json.object();
                o.put("page_size", m.pageSize());
                o.put("total", m.total());
                o.put("free", m.free());
                o.put("used", m.used());
                m.census().ifPresent(c -> {
                    o.put("shared", c.shared());
                    o.put("reserved", c.reserved());
                    o.put("struct_pages", c.pages());
                    // crash 8.0.2's SLAB on 5.9+ kernels (its count of PG_slab pages).
                    c.slab().ifPresent(v -> o.put("slab_flagged_pages", v));
                    o.put("struct_pages_unreadable", c.unreadable());
                });
                o.put("buffers", m.buffers());
                o.put("cached", m.cached());
                o.put("slab", m.slab());
                o.put("huge_total", m.hugeTotal().orElse(0));
                o.put("huge_free", m.hugeFree().orElse(0));
                m.swap().value().ifPresentOrElse(w -> {
                    o.put("swap_total", w.total());
                    o.put("swap_free", w.free());
                }, () -> o.put("swap_unknown", m.swap().whyUnknown()));
                m.commit().value().ifPresentOrElse(c -> {
                    o.put("commit_limit", c.limit());
                    o.put("committed", c.committed());
                }, () -> o.put("commit_unknown", m.commit().whyUnknown()));
                Json.print(out, o);
            } else {
                out.print(m.crashText());
                out.flush();
            }
        });
        return 0;
    }
}

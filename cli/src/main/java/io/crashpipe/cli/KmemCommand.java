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
            "the counters the kernel keeps for /proc/meminfo (enum indexes from BTF)."})
public final class KmemCommand implements Callable<Integer> {
    @Option(names = "-i", description = "the memory summary (the only mode for now)")
    boolean info;

    @Option(names = "--json", description = "print one JSON object (pages)")
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
            MemoryInfo m = new MemoryInfoReader(view, KernelBtf.require(view)).read();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = Json.object();
                o.put("page_size", m.pageSize());
                o.put("total", m.total());
                o.put("free", m.free());
                o.put("used", m.used());
                o.put("shared", m.shared());
                o.put("buffers", m.buffers());
                o.put("cached", m.cached());
                o.put("slab", m.slab());
                o.put("huge_total", m.hugeTotal().orElse(0));
                o.put("huge_free", m.hugeFree().orElse(0));
                o.put("swap_total", m.swapTotal());
                o.put("swap_free", m.swapFree());
                o.put("commit_limit", m.commitLimit());
                o.put("committed", m.committed());
                Json.print(out, o);
            } else {
                out.print(m.crashText());
                out.flush();
            }
        });
        return 0;
    }
}

package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.module.CrashModFormat;
import io.crashpipe.parsers.module.KernelModule;
import io.crashpipe.parsers.module.ModuleList;
import io.crashpipe.parsers.module.ModuleListReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code crashpipe mod DUMP}: the loaded modules, as crash's {@code mod} without object files. */
@Command(name = "mod", header = "The loaded modules, as crash's 'mod' prints them.", mixinStandardHelpOptions = true,
        description = {"Print each loaded module's struct address, name, base address and size as crash's",
            "'mod' does (without its OBJECT FILE column)."})
public final class ModCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Option(names = "--json", description = "print a JSON array, one object per module")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump.path(), view -> {
            ModuleList list = ModuleListReader.readList(view, KernelBtf.require(view));
            List<KernelModule> modules = list.modules();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode a = Json.MAPPER.createArrayNode();
                for (KernelModule m : modules) {
                    var o = a.addObject()
                            .put("module", "0x" + Long.toHexString(m.address()))
                            .put("name", m.name())
                            .put("base", "0x" + Long.toHexString(m.base()))
                            .put("size", m.size());
                    if (!m.completeness().isComplete()) {
                        m.completeness().unknown().forEach(o.putObject("unknown")::put);
                    }
                }
                Json.print(out, a);
            } else {
                out.print(CrashModFormat.text(list));
                out.flush();
            }
        });
        return 0;
    }
}

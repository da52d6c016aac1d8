package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.triage.struct.KernelStructs;
import io.crashpipe.parsers.triage.struct.StructQuery;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe struct DUMP TYPE[.member[,member]] ADDRESS}: a kernel structure from BTF, as crash prints it. */
@Command(name = "struct", header = "A kernel structure read from BTF, in crash's 'struct' layout.",
        mixinStandardHelpOptions = true,
        description = {"Print the structure TYPE at ADDRESS (or only the members named after a dot, comma",
            "separated) with the layout from the dump's BTF: nested structs, arrays, enums by name,",
            "pointers in hex with <symbol+offset>, char arrays as strings. --json prints the value as a tree."})
public final class StructCommand implements Callable<Integer> {
    @Option(names = "-x", description = "integers in hexadecimal")
    boolean hex;

    @Option(names = "--json", description = "print the value as a JSON tree")
    boolean json;

    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "TYPE[.member[,member]]", description = "e.g. task_struct or task_struct.comm,pid")
    String spec;

    @Parameters(index = "2", paramLabel = "ADDRESS|SYMBOL", description = "where the structure is (hex or a symbol)")
    String address;

    @Spec
    CommandSpec cmd;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump.path(), view -> {
            StructQuery q = StructQuery.parse(spec);
            Btf btf = KernelBtf.require(view);
            long addr = RdCommand.resolve(view, address);
            KernelStructs structs = new KernelStructs(btf, view.memory(), RdCommand.symbolizer(view));
            List<KernelStructs.Printed> printed = structs.read(q, addr, hex);
            PrintWriter out = cmd.commandLine().getOut();
            if (json) {
                ObjectNode o = Json.object();
                o.put("type", q.type());
                o.put("address", String.format("0x%016x", addr));
                ObjectNode v = o.putObject("value");
                if (q.members().isEmpty()) {
                    o.set("value", ValueJson.of(printed.get(0).value()));
                } else {
                    printed.forEach(p -> v.set(p.name(), ValueJson.of(p.value())));
                }
                Json.print(out, o);
            } else {
                out.print(KernelStructs.crashText(q, printed));
                out.flush();
            }
        });
        return 0;
    }
}

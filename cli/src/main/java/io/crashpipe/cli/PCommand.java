package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.triage.struct.GdbFormat;
import io.crashpipe.parsers.triage.struct.KernelStructs;
import io.crashpipe.parsers.triage.struct.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe p [-x] DUMP SYMBOL[.member]}: a kernel variable, as crash's {@code p} prints it. */
@Command(name = "p", header = "A kernel variable (SYMBOL[.member]) read through BTF, as crash's 'p' prints it.",
        mixinStandardHelpOptions = true,
        description = {"Print a kernel variable. Its type comes from BTF when BTF describes it, else from the",
            "kernel's declaration of well-known globals (init_uts_ns, init_task, ...), else --type;",
            "a bare symbol of unknown type is read as an unsigned long, as jiffies is."})
public final class PCommand implements Callable<Integer> {
    @Option(names = "-x", description = "integers in hexadecimal")
    boolean hex;

    @Option(names = "--type", paramLabel = "STRUCT", description = "the symbol's struct type, when BTF cannot say")
    String type;

    @Option(names = "--json", description = "print the value as a JSON tree")
    boolean json;

    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "SYMBOL[.member]", description = "e.g. jiffies or init_uts_ns.name")
    String expression;

    @Spec
    CommandSpec cmd;

    @Override
    public Integer call() throws IOException {
        KernelAccess.with(dump.path(), view -> {
            int dot = expression.indexOf('.');
            String symbol = dot < 0 ? expression : expression.substring(0, dot);
            String member = dot < 0 ? null : expression.substring(dot + 1);
            long addr = view.symbol(symbol).orElseThrow(() -> new IOException(dump.path() + ": no symbol '" + symbol
                    + "' in VMCOREINFO or kallsyms"));
            Btf btf = KernelBtf.require(view);
            KernelStructs structs = new KernelStructs(btf, view.memory(), RdCommand.symbolizer(view));
            Optional<String> t = Optional.ofNullable(type).or(() -> KernelStructs.knownGlobalType(symbol));
            Value v;
            if (t.isPresent()) {
                v = structs.readSymbol(addr, t.get(), member, hex);
            } else if (member == null) {
                v = structs.readWord(addr, hex);
            } else {
                throw new IOException(dump.path() + ": the type of '" + symbol + "' is not in the kernel's BTF"
                        + " (it describes only per-CPU variables); give it with --type STRUCT");
            }
            PrintWriter out = cmd.commandLine().getOut();
            if (json) {
                ObjectNode o = Json.object();
                o.put("expression", expression);
                o.put("address", String.format("0x%016x", addr));
                o.set("value", ValueJson.of(v));
                Json.print(out, o);
            } else {
                // crash names a bare symbol before gdb's value-history number; $1 as in a fresh session.
                out.println((member == null ? symbol + " = " : "") + "$1 = " + GdbFormat.render(v, 0));
                out.flush();
            }
        });
        return 0;
    }
}

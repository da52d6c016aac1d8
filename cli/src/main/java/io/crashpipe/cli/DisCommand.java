package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.arch.UnwindContext;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.triage.dis.CrashDisFormat;
import io.crashpipe.parsers.triage.dis.Disassembler;
import io.crashpipe.parsers.triage.dis.Instruction;
import io.crashpipe.parsers.triage.dis.KernelDisassembly;
import io.crashpipe.parsers.unwind.Symbolizer;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe dis [-r] DUMP SYMBOL|ADDRESS [COUNT]}: kernel text as crash's {@code dis} shows it. */
@Command(name = "dis", header = "Disassemble kernel text in crash's 'dis' layout (AT&T syntax, symbolised targets).",
        mixinStandardHelpOptions = true,
        description = {"A SYMBOL alone prints its whole function; an ADDRESS alone one instruction; COUNT",
            "instructions from either; -r from the start of the function up to and including ADDRESS",
            "(the faulting instruction, say). Function extents come from kallsyms, and in module text",
            "from the module's own symbol table; decoding is GNU objdump's (binutils, the disassembler",
            "gdb and crash use; CRASHPIPE_OBJDUMP overrides)."})
public final class DisCommand implements Callable<Integer> {
    @Option(names = "-r", description = "from the function's start up to ADDRESS")
    boolean reverse;

    @Option(names = "--json", description = "print a JSON array, one object per instruction")
    boolean json;

    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "SYMBOL|ADDRESS", description = "a kernel symbol or hex address")
    String where;

    @Parameters(index = "2", paramLabel = "COUNT", arity = "0..1", description = "number of instructions")
    Integer count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (count != null && count <= 0) {
            throw new ParameterException(spec.commandLine(), "COUNT must be 1 or more");
        }
        KernelAccess.with(dump.path(), view -> {
            long addr = RdCommand.resolve(view, where);
            boolean symbol = !RdCommand.isHex(where) || where.startsWith("0x") ? view.symbol(where).isPresent() : false;
            KernelDisassembly dis = disassembly(view);
            List<Instruction> insns;
            if (reverse) {
                insns = dis.upTo(addr);
            } else if (count != null) {
                insns = dis.from(addr, count);
            } else if (symbol) {
                insns = dis.function(addr);
            } else {
                insns = dis.from(addr, 1);
            }
            CrashDisFormat format = new CrashDisFormat(dis::symbolize);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Json.print(out, toJson(insns, format, dis));
            } else {
                out.print(format.text(insns));
                out.flush();
            }
        });
        return 0;
    }

    /**
     * Kernel text named from kallsyms and module text from each module's own symbols (the module
     * list needs BTF; without it module addresses stay unnamed and cannot be disassembled by -r).
     */
    static KernelDisassembly disassembly(KernelView view) throws IOException {
        if (!view.architecture().name().equals("x86_64")) {
            throw new IOException("dis decodes x86-64 only (GNU objdump's i386:x86-64, as crash and gdb print it);"
                    + " this dump's kernel is " + view.architecture().name());
        }
        Symbolizer symbols = UnwindContext.of(view, KernelBtf.find(view)).symbolizer();
        return new KernelDisassembly(view.memory(), symbols, Disassembler.system());
    }

    static ArrayNode toJson(List<Instruction> insns, CrashDisFormat format, KernelDisassembly dis) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Instruction i : insns) {
            ObjectNode o = arr.addObject();
            o.put("address", String.format("%016x", i.address()));
            dis.symbolize(i.address()).ifPresentOrElse(s -> {
                o.put("symbol", s.name());
                o.put("offset", s.offset());
            }, () -> o.putNull("symbol"));
            o.put("length", i.length());
            o.put("text", format.operands(i).strip());
        }
        return arr;
    }
}

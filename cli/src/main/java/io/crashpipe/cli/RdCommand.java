package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.MemoryFault;
import io.crashpipe.parsers.triage.rd.MemoryWords;
import io.crashpipe.parsers.triage.rd.WordSource;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code crashpipe rd [-p] [-s] DUMP ADDRESS|SYMBOL [COUNT]}: memory as crash's {@code rd} shows it. */
@Command(name = "rd", header = "Memory as 64-bit words, like crash's 'rd' (virtual, symbol, or -p physical).",
        mixinStandardHelpOptions = true,
        description = {"Read kernel virtual memory (an address or a kernel symbol) or, with -p, physical memory,",
            "like crash's 'rd': 64-bit hex words, two per line, then ASCII; with -s words that point into",
            "kernel symbols are shown as symbol+offset. A page that is not in the dump is named with its",
            "reason (excluded by the dump level, not RAM, not mapped, ...)."})
public final class RdCommand implements Callable<Integer> {
    @Option(names = "-p", description = "ADDRESS is a physical address")
    boolean physical;

    @Option(names = "-s", description = "show words that point into kernel symbols as symbol+offset")
    boolean symbolic;

    @Option(names = "--json", description = "print a JSON array, one object per word (address, value, symbol with -s)")
    boolean json;

    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "ADDRESS|SYMBOL", description = "hex address (0x optional) or a kernel symbol")
    String address;

    @Parameters(index = "2", paramLabel = "COUNT", arity = "0..1", defaultValue = "1",
            description = "number of 64-bit words (default ${DEFAULT-VALUE})")
    long count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (count <= 0 || count > (1 << 24)) {
            throw new ParameterException(spec.commandLine(), "COUNT must be 1 to 16777216 words");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (physical && !symbolic && isHex(address)) {
            // Physical reads need no VMCOREINFO: works on any dump container.
            try (Dump d = Dumps.open(dump.path())) {
                DumpMemory mem = new DumpMemory(d, 16);
                print(out, d.name(), mem::tryRead, parseHex(address), null);
            }
            return 0;
        }
        KernelAccess.with(dump.path(), view -> {
            long addr = resolve(view, address);
            LongFunction<Optional<SymbolOffset>> symbols = symbolic ? symbolizer(view) : null;
            WordSource src = physical ? new DumpPhysical(view)::tryRead : view.memory()::tryRead;
            print(out, dump.path().toString(), src, addr, symbols);
        });
        return 0;
    }

    private void print(PrintWriter out, String name, WordSource src, long addr,
            LongFunction<Optional<SymbolOffset>> symbols) throws IOException {
        try {
            List<MemoryWords.Word> words = MemoryWords.read(src, addr, count, symbols);
            if (json) {
                Json.print(out, toJson(words));
                return;
            }
            out.print(MemoryWords.text(words, symbolic));
            out.flush();
        } catch (MemoryFault e) {
            throw new IOException(name + ": rd cannot read " + e.unavailable().describe(), e);
        }
    }

    static ArrayNode toJson(List<MemoryWords.Word> words) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (MemoryWords.Word w : words) {
            ObjectNode o = arr.addObject();
            o.put("address", String.format("%016x", w.address()));
            o.put("value", String.format("%016x", w.value()));
            w.symbol().ifPresent(s -> o.put("symbol", s));
        }
        return arr;
    }

    /** Kernel-image symbols only, as crash's {@code in_ksymbol_range}; empty when kallsyms is absent. */
    static LongFunction<Optional<SymbolOffset>> symbolizer(KernelView view) {
        if (!view.hasKallsyms()) {
            return v -> Optional.empty();
        }
        var k = view.kallsyms();
        return k::symbolize;
    }

    /** An address in hex, else a symbol from VMCOREINFO or kallsyms; {@code 0x} forces hex. */
    static long resolve(KernelView view, String text) throws IOException {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            return hexArgument(text);
        }
        var sym = view.symbol(text);
        if (sym.isPresent()) {
            return sym.getAsLong();
        }
        if (isHex(text)) {
            return parseHex(text);
        }
        String why = view.hasKallsyms() && view.kallsymsListsTextOnly()
                ? " (this kernel's kallsyms lists text only: a static variable has no name here)" : "";
        throw new IOException("'" + text + "' is neither a hex address nor a symbol in this dump's VMCOREINFO or kallsyms"
                + why);
    }

    private static long hexArgument(String text) throws IOException {
        try {
            return parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static boolean isHex(String s) {
        String t = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
        return !t.isEmpty() && t.length() <= 16 && t.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    static long parseHex(String s) {
        String t = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ADDRESS must be hexadecimal, got '" + s + "'");
        }
    }

    /** Physical reads through the view's dump memory. */
    private record DumpPhysical(KernelView view) {
        io.crashpipe.parsers.memory.ReadResult tryRead(long a, byte[] d, int o, int l) {
            return view.memory().addressSpace().physical().tryRead(a, d, o, l);
        }
    }
}

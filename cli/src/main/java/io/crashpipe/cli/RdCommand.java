package io.crashpipe.cli;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe rd -p DUMP ADDRESS [COUNT]}: physical memory as crash's {@code rd -p} shows it. */
@Command(name = "rd", header = "Physical memory as 64-bit words with ASCII, like crash's 'rd -p'.", mixinStandardHelpOptions = true,
        description = {"Read physical memory like crash's 'rd -p': 64-bit hex words, two per line, with ASCII.",
            "A page that is not in the dump is reported with its reason (excluded by the dump level, not RAM, ...)."})
public final class RdCommand implements Callable<Integer> {
    @Option(names = "-p", required = true, description = "ADDRESS is a physical address (the only mode for now)")
    boolean physical;

    @Mixin
    DumpArgument dump;

    @Parameters(index = "1", paramLabel = "ADDRESS", description = "physical address, hex (0x optional)")
    String address;

    @Parameters(index = "2", paramLabel = "COUNT", defaultValue = "1", description = "number of 64-bit words (default 1)")
    long count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        long addr = parseHex(address);
        if (count <= 0 || count > (1 << 24)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "COUNT must be 1 to 16777216 words");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Dump d = Dumps.open(dump.path())) {
            DumpMemory mem = new DumpMemory(d, 16);
            byte[] line = new byte[16];
            for (long i = 0; i < count; i += 2) {
                long at = addr + i * 8;
                int words = (int) Math.min(2, count - i);
                ReadResult r = mem.tryRead(at, line, 0, words * 8);
                if (r instanceof Unavailable u) {
                    out.flush();
                    throw new IOException(d.name() + ": " + u.describe());
                }
                printLine(out, at, line, words);
            }
        }
        out.flush();
        return 0;
    }

    private static void printLine(PrintWriter out, long at, byte[] line, int words) {
        ByteBuffer b = ByteBuffer.wrap(line).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder(String.format("%8x:  ", at));
        for (int w = 0; w < 2; w++) {
            sb.append(w < words ? String.format("%016x ", b.getLong(w * 8)) : " ".repeat(17));
        }
        sb.append("  ");
        for (int i = 0; i < words * 8; i++) {
            int c = line[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        out.println(sb.toString().stripTrailing());
    }

    static long parseHex(String s) {
        String t = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
        try {
            return Long.parseUnsignedLong(t, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ADDRESS must be hexadecimal, got '" + s + "'");
        }
    }
}

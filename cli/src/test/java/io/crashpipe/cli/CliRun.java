package io.crashpipe.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * One in-process run of the crashpipe command line, with what it printed. Commands whose output
 * must be byte-exact ({@code log}, {@code analyze}) write to {@code System.out} directly, so that is
 * captured too: {@code out} is the command line's writer followed by those bytes, one char per byte
 * (ISO-8859-1), so {@link #outBytes()} gives them back unchanged.
 */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true));
        try {
            CommandLine cl = CrashpipeCommand.commandLine(args);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            System.out.flush();
            return new CliRun(code, out + stdout.toString(StandardCharsets.ISO_8859_1), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    byte[] outBytes() {
        return out.getBytes(StandardCharsets.ISO_8859_1);
    }
}

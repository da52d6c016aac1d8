package io.crashpipe.cli;

import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.ExtractionRunner;
import io.crashpipe.parsers.extract.Extractor;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.memory.MemoryFault;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * analyze's sections, each isolated from the others: a section that cannot be read (a page the
 * dump lacks, damaged data, a layout it does not reveal) prints {@code NAME: not available (why)}
 * in its place, and the rest are still printed. Text-mode sections are escaped for the terminal.
 * A page that may still arrive is never turned into "not available" (streaming waits for it).
 */
final class AnalyzeSections {
    /** How many sections were printed, and why the others were not. */
    record Tally(int read, List<String> reasons) {}

    /** A section that the dump cannot give, with the reason shown in its place. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String reason) {
            super(reason);
        }
    }

    interface Body<T> {
        T get() throws IOException;
    }

    private final OutputStream out;
    private final PrintWriter err;
    private final List<String> reasons = new ArrayList<>();
    private int read;

    AnalyzeSections(OutputStream out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /** An extractor's result, or empty when it is incomplete (the section using it says why). */
    <T> Optional<T> value(Extractor<T> extractor, Extraction x) {
        return outcome(extractor, x) instanceof Outcome.Done<T> d ? Optional.of(d.value()) : Optional.empty();
    }

    /** An extractor's result for a section; {@link Unavailable} with its reason when incomplete. */
    <T> T require(Extractor<T> extractor, Extraction x) {
        return switch (outcome(extractor, x)) {
            case Outcome.Done<T> d -> d.value();
            case Outcome.Incomplete<T> i -> throw new Unavailable(i.reason());
            case Outcome.Waiting<T> w -> throw new MemoryFault(w.missing());
        };
    }

    <T> Outcome<T> outcome(Extractor<T> extractor, Extraction x) {
        return ExtractionRunner.run(extractor, x);
    }

    /** A text section, escaped for the terminal, followed by a blank line. */
    void section(String name, Body<String> body) throws IOException {
        emit(name, () -> TerminalText.escape(body.get()).getBytes(StandardCharsets.UTF_8));
    }

    /** A section written as is (the log, already escaped as makedumpfile does). */
    void raw(String name, Body<byte[]> body) throws IOException {
        emit(name, body);
    }

    private void emit(String name, Body<byte[]> body) throws IOException {
        byte[] text;
        try {
            text = body.get();
            read++;
        } catch (MemoryFault f) {
            MemoryFault.propagateIfWaiting(f);
            text = unavailable(name, f.getMessage());
        } catch (UncheckedIOException e) {
            text = unavailable(name, e.getCause().getMessage());
        } catch (Unavailable | IllegalStateException | IllegalArgumentException e) {
            text = unavailable(name, e.getMessage());
        } catch (IOException e) {
            text = unavailable(name, e.getMessage());
        } catch (RuntimeException e) {
            // A bug must not cost the other sections; it is still reported as one.
            err.println("crashpipe analyze: internal error in section " + name + ": " + e
                    + "; rerun with CRASHPIPE_DEBUG=1 for details");
            if ("1".equals(System.getenv("CRASHPIPE_DEBUG"))) {
                e.printStackTrace(err);
            }
            err.flush();
            text = unavailable(name, "internal error: " + e.getClass().getSimpleName());
        }
        out.write(text);
        if (!name.equals("log")) {
            out.write('\n');
        }
    }

    private byte[] unavailable(String name, String reason) {
        reasons.add(name + ": " + reason);
        return TerminalText.escape(name + ": not available (" + reason + ")\n").getBytes(StandardCharsets.UTF_8);
    }

    Tally tally() {
        return new Tally(read, List.copyOf(reasons));
    }
}

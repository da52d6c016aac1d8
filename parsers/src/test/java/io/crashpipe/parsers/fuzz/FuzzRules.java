package io.crashpipe.parsers.fuzz;

import io.crashpipe.parsers.memory.MemoryFault;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a parser may do with damaged input: fail with a typed error the CLI turns into a clear
 * message and exit 1 (an {@link IOException} such as {@code DumpFormatException}, an
 * {@link IllegalStateException} such as a missing VMCOREINFO key or a table that does not decode,
 * or a {@link MemoryFault} naming the unreadable address). Anything else escapes the target, and
 * Jazzer reports it as a finding: an unchecked exception the CLI would print as an internal error
 * (exit 70), a stack overflow, or an allocation the input's size does not justify.
 */
public final class FuzzRules {
    private FuzzRules() {}

    /** A step over fuzzed input. */
    public interface Step {
        void run() throws Exception;
    }

    /** Runs {@code step}, accepting only the typed failures. */
    public static void expectTypedErrors(Step step) {
        try {
            step.run();
        } catch (IOException | UncheckedIOException | IllegalStateException | MemoryFault expected) {
            // A clear, typed refusal of bad input.
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("unexpected checked exception", e);
        }
    }
}

package io.crashpipe.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line for the user instead of a stack trace. Input problems
 * (a bad or unreadable dump) exit 1; anything unexpected exits 70 and prints the trace only
 * with CRASHPIPE_DEBUG=1.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_INPUT = 1;
    static final int EXIT_INTERNAL = 70;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        Throwable cause = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        boolean input = cause instanceof IOException;
        cl.getErr().println("crashpipe " + cl.getCommandName() + ": " + describe(cause));
        if (!input || "1".equals(System.getenv("CRASHPIPE_DEBUG"))) {
            if (!input) {
                cl.getErr().println("crashpipe: internal error; rerun with CRASHPIPE_DEBUG=1 for details");
            }
            if ("1".equals(System.getenv("CRASHPIPE_DEBUG"))) {
                cause.printStackTrace(cl.getErr());
            }
        }
        return input ? EXIT_INPUT : EXIT_INTERNAL;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}

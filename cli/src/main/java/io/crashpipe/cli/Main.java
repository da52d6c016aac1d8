package io.crashpipe.cli;

import picocli.CommandLine;

/** Entry point of the {@code crashpipe} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (kept separate for tests). */
    public static int run(String... args) {
        return CrashpipeCommand.commandLine(args).execute(args);
    }
}

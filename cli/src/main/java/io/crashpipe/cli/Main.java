package io.crashpipe.cli;

/** Entry point of the {@code crashpipe} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = run(args);
        System.out.flush();
        System.err.flush();
        if (code != 0 || otherThreadsKeepTheJvmAlive()) {
            System.exit(code);
        }
        // Exit 0 with nothing left running: returning ends the JVM by itself. System.exit would
        // first look up a System.Logger backend (JDK 17+ logs Runtime.exit), a service lookup
        // that opens every jar on the class path: ~0.2 s of CPU on every short command.
    }

    /** Runs the command line and returns its exit code (kept separate for tests). */
    public static int run(String... args) {
        return CrashpipeCommand.commandLine(args).execute(args);
    }

    /** A non-daemon thread still alive (a client's I/O thread, say) would keep the JVM from ending. */
    private static boolean otherThreadsKeepTheJvmAlive() {
        Thread[] threads = new Thread[Thread.activeCount() + 16];
        int n = Thread.enumerate(threads);
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) {
                return true;
            }
        }
        return n == threads.length; // more threads than counted: do not guess
    }
}

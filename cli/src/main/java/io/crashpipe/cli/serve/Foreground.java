package io.crashpipe.cli.serve;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Runs started services in the foreground: prints one ready line, then waits for SIGTERM or
 * Ctrl-C and closes them (a container's stop, a systemd stop).
 */
public final class Foreground {
    private Foreground() {}

    /** A URL for a bound address: the loopback for a wildcard bind, IPv6 in brackets. */
    static String url(String scheme, InetSocketAddress a) {
        String host = a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getHostString() + "]" : a.getHostString();
        return scheme + "://" + host + ":" + a.getPort() + "/";
    }

    public static void hold(AutoCloseable service, String readyLine, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                err.println("crashpipe: stopping failed: " + e.getMessage());
            }
            err.println("crashpipe stopped");
            err.flush();
            stopped.countDown();
        }, "crashpipe-stop"));
        if ("1".equals(System.getenv(STOP_ON_STDIN_EOF))) {
            stopWhenStdinCloses();
        }
        out.println(readyLine);
        out.flush();
        stopped.await();
    }

    /**
     * Opt-in ({@code CRASHPIPE_STOP_ON_STDIN_EOF=1}) for a service started by another process with
     * a pipe as standard input (a benchmark's child): however that process ends, even by SIGKILL,
     * the pipe closes and the service stops cleanly instead of living on. Off by default, since a
     * container's standard input is usually closed from the start.
     */
    public static final String STOP_ON_STDIN_EOF = "CRASHPIPE_STOP_ON_STDIN_EOF";

    private static void stopWhenStdinCloses() {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent: only the end of the pipe matters
                }
            } catch (java.io.IOException e) {
                // a broken pipe is the parent gone, too
            }
            System.exit(0);
        }, "crashpipe-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}

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
        out.println(readyLine);
        out.flush();
        stopped.await();
    }
}

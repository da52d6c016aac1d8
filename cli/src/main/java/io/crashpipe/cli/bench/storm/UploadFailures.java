package io.crashpipe.cli.bench.storm;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Why whole uploads failed and were resumed (the storm's "upload retries"), by cause: the last
 * answer the agent got before giving up (an HTTP status and, for a 503, the gateway's reason), or
 * the connection failure. Counted from the agent's own exception messages.
 */
final class UploadFailures {
    private static final Pattern STATUS = Pattern.compile("HTTP (\\d{3})");
    private final Map<String, LongAdder> causes = new ConcurrentHashMap<>();

    void count(Throwable e) {
        causes.computeIfAbsent(cause(e), c -> new LongAdder()).increment();
    }

    static String cause(Throwable e) {
        String m = String.valueOf(e.getMessage());
        Matcher s = STATUS.matcher(m);
        if (s.find()) {
            String status = s.group(1);
            if (status.equals("503")) {
                return m.contains("saturated") ? "503 saturated" : m.contains("shutting down") ? "503 draining"
                        : m.contains("not published") ? "503 not published" : m.contains("cannot read Kafka")
                        ? "503 Kafka unreadable" : "503 other";
            }
            return "HTTP " + status;
        }
        if (m.contains("cannot connect")) {
            return "connection refused";
        }
        if (m.contains("HttpTimeoutException") || m.contains("timed out")) {
            return "timeout";
        }
        if (m.contains("GOAWAY") || m.contains("closed") || m.contains("reset") || m.contains("EOF")) {
            return "connection lost";
        }
        return e.getClass().getSimpleName();
    }

    /** e.g. "412 connection refused, 31 503 saturated", most frequent first; "none" when nothing failed. */
    String summary() {
        Map<String, Long> sums = new TreeMap<>();
        causes.forEach((k, v) -> sums.put(k, v.sum()));
        if (sums.isEmpty()) {
            return "none";
        }
        return sums.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}

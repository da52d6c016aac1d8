package io.crashpipe.parsers.sched;

import io.crashpipe.parsers.memory.Completeness;
import java.util.Locale;
import java.util.Map;

/**
 * Formats a {@link TaskTable} as crash's {@code ps} prints it (default columns). A column the
 * dump could not give shows {@code ?}; after the table, one line per incomplete row says which
 * fields are unknown and why, and one line per gap of the table itself.
 */
public final class CrashPsFormat {
    public static final String HEADER =
            "      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM";

    private CrashPsFormat() {}

    /** One row; {@code >} in the first column marks a task running on a CPU at the crash. */
    public static String row(TaskTable table, Task t) {
        Completeness c = t.completeness();
        long rssKb = t.rssPages() * (table.pageSize() / 1024);
        return String.format(Locale.ROOT, "%s%8s %7s %3s  %16s  %2s  %4s %8s %8s  %s",
                t.active() ? ">" : " ", c.known("pid") ? t.pid() : "?", c.known("ppid") ? t.ppid() : "?",
                c.known("cpu") ? t.cpu() : "?", t.addressHex(), t.state().crashCode(),
                c.known("rss") ? String.format(Locale.ROOT, "%.1f", table.memPercent(t)) : "?",
                c.known("vsz") ? t.vszKb() : "?", c.known("rss") ? rssKb : "?",
                c.known("comm") ? t.displayComm() : "?");
    }

    public static String text(TaskTable table) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Task t : table.tasks()) {
            sb.append(row(table, t)).append('\n');
        }
        sb.append(notes(table));
        return sb.toString();
    }

    /** Why rows or the table are incomplete, crash-style ({@code ps: ...}); empty when nothing is. */
    public static String notes(TaskTable table) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : table.completeness().unknown().entrySet()) {
            sb.append("ps: ").append(e.getKey()).append(" incomplete: ").append(e.getValue()).append('\n');
        }
        for (Task t : table.tasks()) {
            if (t.incomplete()) {
                sb.append("ps: task ").append(t.addressHex())
                        .append(t.completeness().known("pid") ? " (PID " + t.pid() + ")" : "").append(": ")
                        .append(String.join(", ", t.completeness().unknown().keySet())).append(" unknown: ")
                        .append(t.completeness().unknown().values().iterator().next()).append('\n');
            }
        }
        return sb.toString();
    }
}

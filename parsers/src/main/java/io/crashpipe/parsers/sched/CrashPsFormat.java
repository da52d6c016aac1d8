package io.crashpipe.parsers.sched;

import java.util.Locale;

/** Formats a {@link TaskTable} as crash's {@code ps} prints it (default columns). */
public final class CrashPsFormat {
    public static final String HEADER =
            "      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM";

    private CrashPsFormat() {}

    /** One row; {@code >} in the first column marks a task running on a CPU at the crash. */
    public static String row(TaskTable table, Task t) {
        long rssKb = t.rssPages() * (table.pageSize() / 1024);
        return String.format(Locale.ROOT, "%s%8d %7d %3d  %16s  %2s  %4.1f %8d %8d  %s",
                t.active() ? ">" : " ", t.pid(), t.ppid(), t.cpu(), t.addressHex(), t.state().crashCode(),
                table.memPercent(t), t.vszKb(), rssKb, t.displayComm());
    }

    public static String text(TaskTable table) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Task t : table.tasks()) {
            sb.append(row(table, t)).append('\n');
        }
        return sb.toString();
    }
}

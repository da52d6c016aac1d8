package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.sched.Task;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Formats a {@link SystemSummary} field by field as crash's {@code sys} prints it. */
public final class CrashSysFormat {
    /** Without the task table (no BTF in the dump) these crash fields have no honest value. */
    public static final String NOT_YET = "(not available: needs the task table, which needs BTF)";

    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

    private CrashSysFormat() {}

    /** One field: crash's label and the text after it. */
    public record Field(String label, String value) {}

    public static List<Field> fields(SystemSummary s) {
        return fields(s, Optional.empty());
    }

    /** The fields, with the task ones from {@code tasks} when the task table could be read. */
    public static List<Field> fields(SystemSummary s, Optional<SysTasks> tasks) {
        List<Field> f = new ArrayList<>();
        int offline = s.cpus() - s.onlineCpus();
        f.add(new Field("CPUS", s.cpus() + (offline > 0 ? " [OFFLINE: " + offline + "]" : "")));
        f.add(new Field("DATE", s.date().map(CrashSysFormat::date).orElse("(unknown)")));
        f.add(new Field("UPTIME", s.uptimeSeconds().isPresent() ? uptime(s.uptimeSeconds().getAsLong())
                : "(cannot calculate: unknown HZ value)"));
        f.add(new Field("LOAD AVERAGE", s.avenrun().map(CrashSysFormat::loadAverage).orElse("(unknown)")));
        f.add(new Field("TASKS", tasks.map(t -> String.valueOf(t.count())).orElse(NOT_YET)));
        f.add(new Field("NODENAME", s.uts().nodename()));
        f.add(new Field("RELEASE", s.uts().release()));
        f.add(new Field("VERSION", s.uts().version()));
        f.add(new Field("MACHINE", s.uts().machine() + "  ("
                + (s.cpuKhz().isPresent() && s.cpuKhz().getAsLong() >= 1000 ? s.cpuKhz().getAsLong() / 1000 : "unknown")
                + " Mhz)"));
        f.add(new Field("MEMORY", s.memoryBytes().isPresent() ? memory(s.memoryBytes().getAsLong()) : "(unknown)"));
        f.add(new Field("PANIC", "\"" + s.panicMessage().orElse("") + "\""
                + (s.panicMessage().orElse("").contains("Oops: ") ? " (check log for details)" : "")));
        Optional<Task> panic = tasks.flatMap(SysTasks::panicTask);
        if (panic.isPresent()) {
            Task t = panic.get();
            f.add(new Field("PID", String.valueOf(t.pid())));
            f.add(new Field("COMMAND", "\"" + t.comm() + "\""));
            // With THREAD_INFO_IN_TASK the thread_info is the start of the task_struct.
            f.add(new Field("TASK", t.addressHex() + "  [THREAD_INFO: " + t.addressHex() + "]"));
            f.add(new Field("CPU", String.valueOf(t.cpu())));
            f.add(new Field("STATE", SysTasks.stateName(t) + " (PANIC)"));
        } else {
            String why = tasks.isPresent() ? "(no panic task: panic_cpu is not set)" : NOT_YET;
            for (String t : new String[] {"PID", "COMMAND", "TASK", "CPU", "STATE"}) {
                f.add(new Field(t, why));
            }
        }
        return f;
    }

    /** crash right-aligns labels so that the colons line up after "LOAD AVERAGE". */
    public static String text(SystemSummary s) {
        return text(s, Optional.empty());
    }

    public static String text(SystemSummary s, Optional<SysTasks> tasks) {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields(s, tasks)) {
            sb.append(String.format("%12s: %s%n", f.label(), f.value()));
        }
        return sb.toString();
    }

    static String date(Instant t) {
        return CTIME.format(t);
    }

    static String uptime(long seconds) {
        long days = seconds / 86400;
        long rest = seconds % 86400;
        return (days > 0 ? days + " days, " : "")
                + String.format("%02d:%02d:%02d", rest / 3600, rest % 3600 / 60, rest % 60);
    }

    /** Fixed point with 11 fractional bits, rounded to hundredths as the kernel's /proc/loadavg does. */
    static String loadAverage(long[] avenrun) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            long a = avenrun[i] + (1 << 11) / 200;
            sb.append(i > 0 ? ", " : "").append(a >> 11).append('.')
                    .append(String.format("%02d", ((a & ((1 << 11) - 1)) * 100) >> 11));
        }
        return sb.toString();
    }

    /** crash rounds up to the next GiB within 64 MiB, then prints one decimal and drops ".0". */
    static String memory(long bytes) {
        long gib = 1L << 30;
        long next = (bytes + gib - 1) / gib * gib;
        if (next - bytes <= 64L << 20) {
            bytes = next;
        }
        String s;
        if (bytes >= gib) {
            s = String.format(Locale.ROOT, "%.1f GB", bytes / (double) gib);
        } else if (bytes >= 1 << 20) {
            s = String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
        } else {
            return bytes / 1024 + " KB";
        }
        return s.replace(".0 ", " ");
    }
}

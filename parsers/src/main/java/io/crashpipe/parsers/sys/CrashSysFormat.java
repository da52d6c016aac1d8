package io.crashpipe.parsers.sys;

import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.memory.Fact;
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
    private static final String NOT_YET_REASON = "needs the task table, which needs BTF";

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
        return fields(s, tasks.map(Fact::known).orElse(Fact.unknown(NOT_YET_REASON)));
    }

    /** The fields; an unknown one says why in parentheses, as crash does, and the others still print. */
    public static List<Field> fields(SystemSummary s, Fact<SysTasks> tasks) {
        List<Field> f = new ArrayList<>();
        f.add(new Field("CPUS", show(s.cpuCount().map(c -> c.present()
                + (c.present() > c.online() ? " [OFFLINE: " + (c.present() - c.online()) + "]" : "")))));
        f.add(new Field("DATE", show(s.clock().map(c -> date(c.instant())))));
        f.add(new Field("UPTIME", switch (s.uptime()) {
            case Fact.Known<Long> k -> uptime(k.value());
            case Fact.Unknown<Long> u -> "(cannot calculate: " + u.reason() + ")";
        }));
        f.add(new Field("LOAD AVERAGE", show(s.loadAverage().map(a -> loadAverage(a.raw())))));
        f.add(new Field("TASKS", show(tasks.flatMap(t -> t.countGap().isPresent()
                ? Fact.<String>unknown("the task list is incomplete: " + t.countGap().get())
                : Fact.known(String.valueOf(t.count()))))));
        f.add(new Field("NODENAME", show(s.utsname().map(Utsname::nodename))));
        f.add(new Field("RELEASE", show(s.utsname().map(Utsname::release))));
        f.add(new Field("VERSION", show(s.utsname().map(Utsname::version))));
        long khz = s.cpuSpeedKhz().orElse(0L);
        f.add(new Field("MACHINE", show(s.utsname().map(u -> u.machine() + "  ("
                + (khz >= 1000 ? String.valueOf(khz / 1000) : "unknown") + " Mhz)"))));
        f.add(new Field("MEMORY", show(s.memory().map(CrashSysFormat::memory))));
        f.add(new Field("PANIC", show(s.panic().map(p -> "\"" + p.orElse("") + "\""
                + (p.orElse("").contains("Oops: ") ? " (check log for details)" : "")))));
        Fact<Optional<Task>> panic = tasks.map(SysTasks::panicTask);
        if (panic instanceof Fact.Known<Optional<Task>> k && k.value().isPresent()) {
            Task t = k.value().get();
            f.add(new Field("PID", t.completeness().known("pid") ? String.valueOf(t.pid()) : "(unknown)"));
            f.add(new Field("COMMAND", t.completeness().known("comm") ? "\"" + t.comm() + "\"" : "(unknown)"));
            // With THREAD_INFO_IN_TASK the thread_info is the start of the task_struct.
            f.add(new Field("TASK", t.addressHex() + "  [THREAD_INFO: " + t.addressHex() + "]"));
            f.add(new Field("CPU", t.completeness().known("cpu") ? String.valueOf(t.cpu()) : "(unknown)"));
            f.add(new Field("STATE", SysTasks.stateName(t) + " (PANIC)"));
        } else {
            String why = tasks.map(t -> "(" + t.noPanicTask() + ")").orElse("");
            if (why.isEmpty()) {
                why = "(unknown: " + panic.why().orElse("") + ")";
            }
            for (String t : new String[] {"PID", "COMMAND", "TASK", "CPU", "STATE"}) {
                f.add(new Field(t, why));
            }
        }
        return f;
    }

    /** A known value as is, an unknown one as {@code (unknown: reason)}. */
    static String show(Fact<String> value) {
        return switch (value) {
            case Fact.Known<String> k -> k.value();
            case Fact.Unknown<String> u -> "(unknown: " + u.reason() + ")";
        };
    }

    /** crash right-aligns labels so that the colons line up after "LOAD AVERAGE". */
    public static String text(SystemSummary s) {
        return text(s, Optional.empty());
    }

    public static String text(SystemSummary s, Optional<SysTasks> tasks) {
        return text(fields(s, tasks));
    }

    public static String text(SystemSummary s, Fact<SysTasks> tasks) {
        return text(fields(s, tasks));
    }

    private static String text(List<Field> fields) {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields) {
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

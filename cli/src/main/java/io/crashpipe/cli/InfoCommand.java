package io.crashpipe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.DumpHeader;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.PageCounts;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.view.KernelView;
import io.crashpipe.parsers.view.TableFinding;
import io.crashpipe.parsers.view.TableSurvey;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code crashpipe info DUMP}: what the container says, before any kernel analysis. */
@Command(name = "info", header = "Container facts of a dump: format, compression, page counts, VMCOREINFO, symbol tables, CPU registers.", mixinStandardHelpOptions = true,
        description = {"Show a dump's container facts: format, compression, page size, dump level, page counts,",
            "the VMCOREINFO keys, OSRELEASE, CRASHTIME, where kallsyms, BTF and ORC were found (VMCOREINFO,",
            "a scan of the kernel image, or absent and why) and how long finding each took, and each CPU's",
            "RIP and RSP from the register notes."})
public final class InfoCommand implements Callable<Integer> {
    @Mixin
    DumpArgument dump;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Dump d = Dumps.open(dump.path())) {
            Map<String, String> vmcoreinfo = keyValues(d.vmcoreinfo().orElse(""));
            PageCounts counts = d.countPages();
            List<TableFinding> tables = tables(d);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Json.print(out, toJson(d, counts, vmcoreinfo, tables));
            } else {
                printText(out, d, counts, vmcoreinfo, tables);
            }
        }
        return 0;
    }

    /** kallsyms, BTF and ORC: where each was found and how long it took; all absent when the kernel view cannot be built. */
    static List<TableFinding> tables(Dump d) {
        KernelView view;
        try {
            view = KernelView.of(d);
        } catch (DumpFormatException | RuntimeException e) {
            String why = "no kernel view: " + e.getMessage();
            return List.of(absent("kallsyms", why), absent("BTF", why), absent("ORC", why));
        }
        return TableSurvey.of(view);
    }

    private static TableFinding absent(String table, String why) {
        return new TableFinding(table, TableFinding.Source.ABSENT, why, Duration.ZERO, Duration.ZERO);
    }

    private static String describe(TableFinding f) {
        return f.source().name().toLowerCase() + ", " + f.elapsedText() + ": " + f.detail();
    }

    /** VMCOREINFO lines are KEY=VALUE; keys keep their file order. */
    static Map<String, String> keyValues(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static String crashTime(Map<String, String> vi) {
        String t = vi.get("CRASHTIME");
        if (t == null) {
            return "not recorded (the dump was not written through kdump's crash path, e.g. a hypervisor dump)";
        }
        return t + " (" + Instant.ofEpochSecond(Long.parseLong(t.trim())) + ")";
    }

    private static void printText(PrintWriter out, Dump d, PageCounts c, Map<String, String> vi,
            List<TableFinding> tables) {
        DumpHeader h = d.header();
        row(out, "DUMP", d.name());
        row(out, "FORMAT", h.format().description());
        row(out, "COMPRESSION", h.compression().name().toLowerCase());
        row(out, "PAGE SIZE", String.valueOf(h.pageSize()));
        h.headerVersion().ifPresent(v -> row(out, "HEADER VERSION", String.valueOf(v)));
        row(out, "DUMP LEVEL", h.dumpLevel().isPresent() ? h.dumpLevel().getAsInt() + " (" + DumpLevel.describe(h.dumpLevel().getAsInt()) + ")" : "not recorded (ELF)");
        row(out, "MAX PFN", h.maxPfn() + " (" + Sizes.human(h.maxPfn() * h.pageSize()) + " of physical address space)");
        row(out, "PAGES IN RAM", String.valueOf(c.inRam()));
        row(out, "PAGES DUMPED", c.dumped() + " (of which " + c.zero() + " stored as the shared zero page)");
        row(out, "PAGES EXCLUDED", String.valueOf(c.excluded()));
        if (h.incomplete() || c.notWritten() > 0) {
            row(out, "INCOMPLETE", "yes: " + c.notWritten() + " pages were never written");
        }
        h.splitRange().ifPresent(r -> row(out, "SPLIT RANGE", "pfn " + r[0] + " to " + r[1]));
        h.utsname().ifPresent(u -> row(out, "UTSNAME", u.nodename() + " " + u.release() + " " + u.machine()));
        h.timestamp().ifPresent(t -> row(out, "TIMESTAMP", t.toString()));
        h.physBase().ifPresent(p -> row(out, "PHYS_BASE", "0x" + Long.toHexString(p)));
        row(out, "OSRELEASE", vi.getOrDefault("OSRELEASE", "not found"));
        row(out, "CRASHTIME", crashTime(vi));
        row(out, "VMCOREINFO", vi.size() + " keys: " + String.join(" ", vi.keySet()));
        for (TableFinding f : tables) {
            row(out, f.table().toUpperCase(), describe(f));
        }
        out.println();
        out.printf("%4s %8s  %-18s %-18s%n", "CPU", "NOTE PID", "RIP", "RSP");
        for (CpuRegisters r : d.cpuRegisters()) {
            out.printf("%4d %8d  %016x   %016x%n", r.noteIndex(), r.pid(), r.rip(), r.rsp());
        }
        out.flush();
    }

    private static void row(PrintWriter out, String key, String value) {
        out.printf("%14s: %s%n", key, value);
    }

    private static ObjectNode toJson(Dump d, PageCounts c, Map<String, String> vi, List<TableFinding> tables) {
        DumpHeader h = d.header();
        ObjectNode o = Json.object();
        o.put("file", d.name());
        o.put("format", h.format().name().toLowerCase());
        o.put("compression", h.compression().name().toLowerCase());
        o.put("pageSize", h.pageSize());
        h.headerVersion().ifPresent(v -> o.put("headerVersion", v));
        h.dumpLevel().ifPresent(v -> o.put("dumpLevel", v));
        o.put("maxPfn", h.maxPfn());
        ObjectNode pages = o.putObject("pages");
        pages.put("inRam", c.inRam());
        pages.put("dumped", c.dumped());
        pages.put("excluded", c.excluded());
        pages.put("zero", c.zero());
        pages.put("notWritten", c.notWritten());
        o.put("incomplete", h.incomplete());
        h.utsname().ifPresent(u -> o.set("utsname", Json.MAPPER.valueToTree(u)));
        h.timestamp().ifPresent(t -> o.put("timestamp", t.toString()));
        h.physBase().ifPresent(p -> o.put("physBase", "0x" + Long.toHexString(p)));
        if (vi.containsKey("OSRELEASE")) {
            o.put("osrelease", vi.get("OSRELEASE"));
        }
        if (vi.containsKey("CRASHTIME")) {
            o.put("crashtime", Long.parseLong(vi.get("CRASHTIME").trim()));
        } else {
            o.putNull("crashtime");
        }
        List<String> keys = new ArrayList<>(vi.keySet());
        ArrayNode k = o.putArray("vmcoreinfoKeys");
        keys.forEach(k::add);
        ObjectNode t = o.putObject("tables");
        for (TableFinding f : tables) {
            ObjectNode one = t.putObject(f.table().toLowerCase());
            one.put("source", f.source().name().toLowerCase());
            one.put("millis", Math.round(f.elapsed().toNanos() / 1e4) / 100.0);
            one.put("cpuMillis", Math.round(f.cpu().toNanos() / 1e4) / 100.0);
            one.put("detail", f.detail());
        }
        ArrayNode cpus = o.putArray("cpus");
        for (CpuRegisters r : d.cpuRegisters()) {
            ObjectNode cpu = cpus.addObject();
            cpu.put("cpu", r.noteIndex());
            cpu.put("notePid", r.pid());
            cpu.put("rip", String.format("0x%016x", r.rip()));
            cpu.put("rsp", String.format("0x%016x", r.rsp()));
        }
        return o;
    }
}

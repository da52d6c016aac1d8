package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.testing.DamagedCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every triage command over every case of the damaged-dump corpus ({@link DamagedCorpus}). Whatever
 * the damage, a command never ends in an internal error (exit 70), never lets a terminal control
 * character from the dump through, and never prints less than on the intact dump without saying
 * why: output shorter than the intact dump's, a trace of fewer than three frames, or an analyze
 * section missing must come with an "incomplete", "unknown" or "not available" note (or be a clear
 * error, exit 1). Each run's outcome is written to {@code target/damaged-corpus.txt}.
 */
class DamagedCorpusCommandsTest {
    /** The commands run on each case; DUMP stands for the damaged file. */
    static final List<List<String>> COMMANDS = List.of(
            List.of("info", "DUMP"),
            List.of("sys", "DUMP"),
            List.of("sys", "-t", "DUMP"),
            List.of("ps", "DUMP"),
            List.of("ps", "--json", "DUMP"),
            List.of("bt", "DUMP"),
            List.of("bt", "-a", "DUMP"),
            List.of("foreach", "DUMP", "UN", "bt"),
            List.of("mod", "DUMP"),
            List.of("log", "DUMP"),
            List.of("kmem", "-i", "DUMP"),
            List.of("analyze", "DUMP"));

    /** Words that flag output as partial, or name why something could not be read. */
    private static final Pattern FLAGGED = Pattern.compile("incomplete|unknown|not available|could not be read|"
            + "\\?  |\\bno task\\b|not mapped|not in ram|excluded|corrupt|broken|loops back");

    /**
     * What a case must say, beyond the generic checks: case -> command -> text in its stdout or stderr.
     * These pin the cases that used to be silently wrong with exit 0 (issue 15).
     */
    static final Map<String, Map<String, String>> SAYS = Map.ofEntries(
            Map.entry("comm-escapes", Map.of("ps DUMP", "  \\x1b]0;pwn\\x07\\x1b[2J\n")),
            Map.entry("nodename-escapes", Map.of("sys DUMP", "NODENAME: vm\\x1b[31mRED")),
            Map.entry("module-name-escapes", Map.of("mod DUMP", "  qemu\\x1b[8m_fw  ")),
            Map.entry("printk-descs-wiped", Map.of("log DUMP", "crashpipe log: incomplete: descriptor id ",
                    "analyze DUMP", "PANIC: (unknown: the kernel log is incomplete: ")),
            Map.entry("printk-record-lpos-damaged", Map.of("log DUMP", "does not fit the 131072-byte data ring")),
            Map.entry("printk-text-page-zeroed", Map.of("log DUMP", "carries id 0")),
            Map.entry("printk-prb-null", Map.of("analyze DUMP", "PANIC: (unknown: virtual address 0x0")),
            Map.entry("btf-magic", Map.of("analyze DUMP", "\nps: not available (.BTF at __start_BTF 0x")),
            Map.entry("orc-ip-garbage", Map.of("bt -a DUMP", "(the kernel's ORC tables cannot be used: ")),
            Map.entry("orc-unwind-zeroed", Map.of("bt -a DUMP", "incomplete: the unwind stopped after 1 frame (ORC marks ")),
            Map.entry("panic-stack-zeroed", Map.of("bt DUMP", "incomplete: the unwind stopped after 1 frame (return address 0")),
            Map.entry("cpu0-stack-garbage", Map.of("bt -a DUMP", "incomplete: the unwind stopped after 2 frames (no ORC entry")),
            Map.entry("cpu0-rsp-unmapped", Map.of("bt -a DUMP", "incomplete: the unwind stopped after 1 frame (stack not readable")),
            Map.entry("cpu1-rip-outside-text", Map.of("bt DUMP", "[exception RIP: unknown or invalid address]")),
            Map.entry("cpu1-registers-zeroed", Map.of("bt -a DUMP", "CPU: 1    COMMAND: \"init\"\n    incomplete: ")),
            Map.entry("top-page-table-zeroed", Map.of("ps --json DUMP", "not mapped - no PGD entry")),
            Map.entry("direct-map-pgd-outside-ram", Map.of(
                    "ps --json DUMP", "translation failed: the PGD entry points outside RAM (page-table page at physical 0x",
                    "bt -a DUMP", "incomplete: the task running on CPU 1 could not be read (virtual address 0x")),
            Map.entry("task-list-cycle", Map.of("ps DUMP", "ps: tasks incomplete: the list at 0x",
                    "ps --json DUMP", "loops back to 0x")),
            Map.entry("task-list-null-link", Map.of("ps DUMP", "has a NULL link after 10 entries")),
            Map.entry("pid-index-cycle", Map.of("ps DUMP", "the PID IDR reaches node 0x")),
            Map.entry("module-list-loop", Map.of("mod DUMP", "mod: modules incomplete: the list at 0x")),
            Map.entry("vmcoreinfo-pagesize-abcd", Map.of("sys DUMP", "value of PAGESIZE is not a number")),
            Map.entry("vmcoreinfo-pagesize-absurd", Map.of("sys DUMP", "PAGESIZE is -4096, expected a power of two")),
            Map.entry("vmcoreinfo-printk-info-size-0", Map.of("log DUMP", "SIZE(printk_info)=0 but a field at offset 0")),
            Map.entry("vmcoreinfo-text-len-offset-wrong", Map.of("log DUMP", "a field at offset 4000 needs 4004 bytes")));

    static final Map<String, CliRun> INTACT = new LinkedHashMap<>();
    static final Path REPORT = Path.of("target", "damaged-corpus.txt");

    static Stream<String> cases() {
        return DamagedCorpus.names().stream();
    }

    @BeforeAll
    static void intact() throws IOException {
        Path fixture = DamagedCorpus.fixture();
        for (List<String> c : COMMANDS) {
            INTACT.put(String.join(" ", c), run(c, fixture));
        }
        Files.createDirectories(REPORT.getParent());
        Files.deleteIfExists(REPORT);
    }

    static CliRun run(List<String> command, Path dump) {
        return CliRun.of(command.stream().map(a -> a.equals("DUMP") ? dump.toString() : a).toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyCommandGivesAFlaggedResultOrAClearError(String name) throws IOException {
        Path dump = DamagedCorpus.build(name, DamagedCorpus.dir());
        List<String> failures = new ArrayList<>();
        StringBuilder report = new StringBuilder("== " + name + "\n");
        for (List<String> c : COMMANDS) {
            String label = String.join(" ", c);
            CliRun r = run(c, dump);
            CliRun ok = INTACT.get(label);
            Path saved = REPORT.resolveSibling("damaged-corpus").resolve(name);
            Files.createDirectories(saved);
            Files.writeString(saved.resolve(String.join("_", c).replace("DUMP", "").replaceAll("_+", "_") + ".txt"),
                    "exit " + r.exitCode() + "\n--- out\n" + r.out() + "--- err\n" + r.err());
            report.append(String.format("  %-20s exit %d, %d lines (intact %d)%s%n", label, r.exitCode(), lines(r.out()),
                    lines(ok.out()), r.err().isBlank() ? "" : "; err: " + r.err().strip().lines().findFirst().orElse("")));
            check(label, r, ok).forEach(f -> failures.add(label + ": " + f));
            String says = SAYS.getOrDefault(name, Map.of()).get(label);
            if (says != null && !(r.out() + r.err()).contains(says)) {
                failures.add(label + ": does not say '" + says + "':\n" + r.out() + r.err());
            }
        }
        Files.writeString(REPORT, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertTrue(failures.isEmpty(), name + ":\n  " + String.join("\n  ", failures));
        assertTrue(SAYS.containsKey(name), name + ": a new case says what it must print (SAYS)");
    }

    /** What is wrong with one run, compared with the same command on the intact dump. */
    static List<String> check(String label, CliRun r, CliRun intact) {
        List<String> out = new ArrayList<>();
        if (r.exitCode() == 70 || r.err().contains("internal error")) {
            out.add("internal error: " + r.err().strip());
        }
        if (controls(r.out()) || controls(r.err())) {
            out.add("a terminal control character reached the output");
        }
        if (r.exitCode() == 1) {
            if (r.err().isBlank()) {
                out.add("exit 1 without a message");
            }
            return out; // a clear error
        }
        if (r.exitCode() != 0) {
            out.add("exit " + r.exitCode());
            return out;
        }
        boolean flagged = FLAGGED.matcher(r.out()).find() || FLAGGED.matcher(r.err()).find();
        if (lines(r.out()) < lines(intact.out()) && !flagged) {
            out.add("shorter than on the intact dump (" + lines(r.out()) + " < " + lines(intact.out())
                    + " lines) with nothing flagged:\n" + r.out() + r.err());
        }
        if (label.startsWith("bt") || label.startsWith("foreach") || label.startsWith("analyze")) {
            shortTraces(r.out()).forEach(t -> out.add("a trace of fewer than 3 frames without 'incomplete':\n" + t));
        }
        if (label.equals("sys DUMP") || label.startsWith("analyze")) {
            if (r.out().contains("PANIC: \"\"")) {
                out.add("an empty PANIC");
            }
        }
        if (label.startsWith("analyze")) {
            for (String section : List.of("KERNEL:", "PID    PPID", "MODULE", "PID: ")) {
                if (intact.out().contains(section) && !r.out().contains(section) && !flagged) {
                    out.add("section '" + section + "' missing with nothing flagged");
                }
            }
        }
        return out;
    }

    private static final Pattern TRACE_HEADER = Pattern.compile("(?m)^PID: .*$");
    private static final Pattern FRAME = Pattern.compile("(?m)^ ?#\\d+ ");

    /** Text-mode traces (crash's layout) with fewer than three frames and no incomplete line. */
    static List<String> shortTraces(String out) {
        List<String> bad = new ArrayList<>();
        Matcher m = TRACE_HEADER.matcher(out);
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            starts.add(m.start());
        }
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : out.length();
            String block = out.substring(starts.get(i), end);
            int blank = block.indexOf("\n\n");
            if (blank > 0) {
                block = block.substring(0, blank + 1);
            }
            long frames = FRAME.matcher(block).results().count();
            if (frames < 3 && !block.contains("incomplete")) {
                bad.add(block);
            }
        }
        return bad;
    }

    private static boolean controls(String s) {
        return s.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f));
    }

    private static long lines(String s) {
        return s.lines().count();
    }
}

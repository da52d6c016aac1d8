package io.crashpipe.parsers.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskTableFixtureTest {

    static Stream<Arguments> everyVariant() {
        return x86Dirs().flatMap(dir -> Fixtures.variants(dir).stream().map(v -> Arguments.of(dir, v)));
    }

    /** Every fixture, arm64 included. */
    static Stream<Path> x86Dirs() {
        return Fixtures.dumpDirs().stream();
    }

    /** Fixtures whose guest printed its own task list and modules before the crash (5.10, 7.2). */
    static Stream<Arguments> guestVariants() {
        return x86Dirs().filter(d -> Files.exists(Fixtures.truth(d, "guest-truth.json")))
                .flatMap(dir -> Fixtures.variants(dir).stream().map(v -> Arguments.of(dir, v)));
    }

    /** Each variant is read once; the four checks below share the result. */
    private static final Map<Path, TaskTable> TABLES = new ConcurrentHashMap<>();

    static TaskTable read(Path variant) throws Exception {
        TaskTable t = TABLES.get(variant);
        if (t == null) {
            t = readUncached(variant);
            TABLES.put(variant, t);
        }
        return t;
    }

    private static TaskTable readUncached(Path variant) throws Exception {
        try (Dump d = Dumps.open(variant)) {
            KernelView v = KernelView.of(d);
            return TaskTableReader.read(v, KernelBtf.require(v));
        }
    }

    static JsonNode drgn(Path dir) throws Exception {
        return new ObjectMapper().readTree(Fixtures.truth(dir, "drgn.json").toFile());
    }

    /** pid, tgid, ppid, cpu, task, state letter, comm: the columns both tools agree on. */
    static String key(int pid, int tgid, int ppid, int cpu, String task, String state, String comm) {
        return String.format("%d/%d/%d cpu%d %s %s %s", pid, tgid, ppid, cpu, task, state, comm);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void everyThreadEqualsDrgnsTaskTable(Path dir, Path variant) throws Exception {
        TaskTable table = read(variant);
        JsonNode truth = drgn(dir);
        TreeSet<String> expected = new TreeSet<>();
        for (JsonNode t : truth.get("tasks")) {
            expected.add(key(t.get("pid").asInt(), t.get("tgid").asInt(), t.get("ppid").asInt(), t.get("cpu").asInt(),
                    t.get("task").asText().substring(2), t.get("state").asText(), t.get("comm").asText()));
        }
        TreeSet<String> ours = new TreeSet<>();
        for (Task t : table.tasks()) {
            if (!t.idle()) {
                ours.add(key(t.pid(), t.tgid(), t.ppid(), t.cpu(), t.addressHex(), String.valueOf(t.state().procLetter()),
                        t.comm()));
            }
        }
        assertEquals(String.join("\n", expected), String.join("\n", ours));
        if (truth.has("nr_threads")) { // the arm64 drgn run did not record it
            assertEquals(truth.get("nr_threads").asInt(), ours.size());
        }
        assertEquals(List.of(), table.skipped());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void idleTasksActiveTasksAndPanicTaskEqualDrgn(Path dir, Path variant) throws Exception {
        TaskTable table = read(variant);
        JsonNode truth = drgn(dir);
        org.junit.jupiter.api.Assumptions.assumeTrue(truth.has("idle_tasks"),
                dir + ": drgn.json has no idle_tasks (arm64: Arm64WithoutDataSymbolsTest checks the running tasks)");
        List<String> idle = new ArrayList<>();
        for (JsonNode t : truth.get("idle_tasks")) {
            idle.add(t.get("cpu").asInt() + " " + t.get("task").asText().substring(2) + " [" + t.get("comm").asText() + "]");
        }
        assertEquals(idle, table.tasks().stream().filter(Task::idle)
                .map(t -> t.cpu() + " " + t.addressHex() + " " + t.displayComm()).toList());
        Map<String, String> curr = new TreeMap<>();
        truth.get("cpu_curr").fields().forEachRemaining(e -> curr.put(e.getKey(),
                e.getValue().get("pid").asInt() + " " + e.getValue().get("task").asText().substring(2)));
        Map<String, String> ours = new TreeMap<>();
        for (CpuTasks c : table.cpus()) {
            Task t = table.byAddress(c.running()).orElseThrow();
            ours.put(String.valueOf(c.cpu()), t.pid() + " " + t.addressHex());
        }
        assertEquals(curr, ours);
        assertEquals(new TreeSet<>(curr.values()), table.active().stream().map(t -> t.pid() + " " + t.addressHex())
                .collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(truth.get("panic_cpu").asInt(), table.panicCpu().orElseThrow());
        JsonNode panic = truth.get("crashed").get("panic_cpu_task");
        assertEquals(panic.get("pid").asInt(), table.panicTask().orElseThrow().pid());
        assertEquals(panic.get("comm").asText(), table.panicTask().orElseThrow().comm());
    }

    /** crash 8.0.2 lists only the active and idle tasks here (see fixtures README); those rows must be identical. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void crashsPsRowsAppearVerbatim(Path dir, Path variant) throws Exception {
        Path ps = Fixtures.truth(dir, "crash/ps.txt");
        if (!Files.exists(ps)) {
            return; // crash 8.0.2 cannot read 6.12 dumps
        }
        List<String> expected = Files.readAllLines(ps);
        List<String> ours = CrashPsFormat.text(read(variant)).lines().toList();
        assertEquals(expected.get(0), ours.get(0));
        for (String row : expected.subList(1, expected.size())) {
            assertTrue(ours.contains(row), "missing crash row:\n" + row + "\nin\n" + String.join("\n", ours));
        }
    }

    /**
     * The guest's own {@code /proc} list, printed just before the crash: every task in it is a row
     * with the same pid, tgid, ppid and comm, and the same state unless drgn (with the debug
     * package) sees the task in another state at the crash; the CPU is drgn's. Tasks the list
     * lacks were born after it was printed. /proc names are longer than {@code task->comm}: a
     * kworker's workqueue is appended, and 7.x shows kernel thread names past 15 bytes.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("guestVariants")
    void everyRowEqualsTheGuestsOwnTaskList(Path dir, Path variant) throws Exception {
        TaskTable table = read(variant);
        JsonNode guest = new ObjectMapper().readTree(Fixtures.truth(dir, "guest-truth.json").toFile());
        Map<Integer, JsonNode> atCrash = new TreeMap<>();
        drgn(dir).get("tasks").forEach(t -> atCrash.put(t.get("pid").asInt(), t));
        Map<Integer, Task> ours = new TreeMap<>();
        table.tasks().stream().filter(t -> !t.idle()).forEach(t -> ours.put(t.pid(), t));
        int newest = 0;
        for (JsonNode g : guest.get("ps")) {
            int pid = g.get("pid").asInt();
            newest = Math.max(newest, pid);
            Task t = ours.get(pid);
            if (t == null && g.get("comm").asText().equals("sleep") && !atCrash.containsKey(pid)) {
                continue; // the shell's sleep loop: this one exited between the list and the crash (drgn agrees)
            }
            assertTrue(t != null, "pid " + pid + " of the guest's list is not in " + variant);
            for (String f : List.of("pid", "tgid", "ppid", "comm", "state", "cpu")) {
                assertTrue(t.completeness().known(f), f + " of pid " + pid + ": " + t.completeness());
            }
            assertEquals(g.get("ppid").asInt(), t.ppid(), "ppid of " + pid);
            assertEquals(g.get("tgid").asInt(), t.tgid(), "tgid of " + pid);
            String comm = g.get("comm").asText();
            assertTrue(comm.equals(t.comm()) || comm.startsWith(t.comm())
                    && (t.comm().length() == 15 || comm.charAt(t.comm().length()) == '-'),
                    "comm of " + pid + ": " + t.comm() + " vs /proc's " + comm);
            String drgnState = atCrash.get(pid).get("state").asText();
            String expected = drgnState.equals(g.get("state").asText()) ? g.get("state").asText() : drgnState;
            assertEquals(expected, String.valueOf(t.state().procLetter()), "state of " + pid);
            assertEquals(atCrash.get(pid).get("cpu").asInt(), t.cpu(), "cpu of " + pid);
        }
        for (Task t : ours.values()) {
            if (guest.get("ps").findValues("pid").stream().noneMatch(p -> p.asInt() == t.pid())) {
                assertTrue(t.pid() > newest, "pid " + t.pid() + " (" + t.comm() + ") is in the dump, not in the"
                        + " guest's list, and not newer than it");
            }
        }
    }

    /**
     * 7.2's filtered dump lacks some kernel pages (makedumpfile 1.7.2 does not know 7.2's page
     * flags): every row is still there, each field it lacks says the page is excluded, and every
     * field it has equals the unfiltered dump's.
     */
    @org.junit.jupiter.api.Test
    void aFilteredDumpLosesOnlyTheFieldsInItsMissingPages() throws Exception {
        Path dir = Fixtures.dir("7.2-qemu-sysrq");
        TaskTable filtered = read(dir.resolve("vmcore.zlib-d31"));
        TaskTable whole = read(dir.resolve("vmcore.zlib-unfiltered"));
        assertEquals(whole.tasks().size(), filtered.tasks().size());
        assertTrue(whole.tasks().stream().noneMatch(Task::incomplete));
        int incomplete = 0;
        for (int i = 0; i < whole.tasks().size(); i++) {
            Task f = filtered.tasks().get(i);
            Task w = whole.tasks().get(i);
            assertEquals(w.address(), f.address());
            f.completeness().unknown().values().forEach(r -> assertTrue(r.contains("excluded"), r));
            incomplete += f.incomplete() ? 1 : 0;
            String[] fr = CrashPsFormat.row(filtered, f).trim().split("\\s+");
            String[] wr = CrashPsFormat.row(whole, w).trim().split("\\s+");
            for (int c = 0; c < wr.length; c++) {
                assertTrue(fr[c].equals("?") || fr[c].equals(wr[c]), "column " + c + " of\n" + String.join(" ", fr)
                        + "\nvs\n" + String.join(" ", wr));
            }
        }
        assertTrue(incomplete > 0, "the filtered dump's missing pages hold task fields");
    }

    /** crash's {@code list task_struct.tasks -h init_task}: init_task then every thread-group leader. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void threadGroupLeadersEqualCrashsTaskList(Path dir, Path variant) throws Exception {
        Path list = Fixtures.truth(dir, "crash/tasklist.txt");
        if (!Files.exists(list)) {
            return;
        }
        String text = Files.readString(list);
        // The arm64 session listed only pid and comm: tgid and __state are optional.
        Matcher m = Pattern.compile("(?m)^([0-9a-f]{16})\\n  pid = (\\d+),\\n(?:  tgid = \\d+,\\n)?  comm = \"([^\\\\\"]*)[^\\n]*\\n"
                + "(?:  __state = (\\d+),|list: invalid [^\\n]*)?").matcher(text);
        // crash asked for __state, which 5.10 calls state: there the list has no state to compare.
        List<String> expected = new ArrayList<>();
        boolean states = true;
        while (m.find()) {
            states &= m.group(4) != null;
            expected.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + (m.group(4) == null ? "" : " " + m.group(4)));
        }
        boolean withState = states;
        TaskTable table = read(variant);
        List<String> ours = new ArrayList<>();
        Task swapper0 = table.tasks().stream().filter(t -> t.idle() && t.cpu() == 0).findFirst().orElseThrow();
        ours.add(swapper0.addressHex() + " 0 " + swapper0.comm() + (withState ? " " + swapper0.state().state() : ""));
        table.tasks().stream().filter(t -> !t.idle() && t.pid() == t.tgid()).forEach(t -> ours.add(t.addressHex()
                + " " + t.pid() + " " + t.comm() + (withState ? " " + t.state().state() : "")));
        assertEquals(new TreeSet<>(expected), new TreeSet<>(ours));
        assertEquals(expected.size(), ours.size());
    }
}

package io.crashpipe.parsers.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.ModuleListExtractor;
import io.crashpipe.parsers.extract.TaskTableExtractor;
import io.crashpipe.parsers.ksymtab.DataSymbols;
import io.crashpipe.parsers.module.KernelModule;
import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.sched.TaskTable;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Debian's arm64 kernel is built without CONFIG_KALLSYMS_ALL: kallsyms lists text only, so
 * init_task, the per-CPU offsets and the module list come from the exports, BTF and module memory.
 */
class Arm64WithoutDataSymbolsTest {

    private static Path dir() {
        return Fixtures.dir("arm64-6.1-qemu-sysrq");
    }

    private static JsonNode drgn() throws Exception {
        return new ObjectMapper().readTree(Fixtures.truth(dir(), "drgn.json").toFile());
    }

    @Test
    void dataSymbolsComeFromTheExportsWhenKallsymsListsTextOnly() throws Exception {
        try (Dump d = Dumps.open(dir().resolve("vmcore.zlib-d31"))) {
            KernelView view = KernelView.of(d);
            assertTrue(DataSymbols.needed(view.kallsyms()));
            // drgn's task address of PID 0 on CPU 0 is init_task.
            long initTask = Long.parseUnsignedLong(drgn().get("tasks").get(0).get("task").asText().substring(2), 16);
            JsonNode swapper = null;
            for (JsonNode t : drgn().get("tasks")) {
                if (t.get("pid").asInt() == 0) {
                    swapper = t;
                    break;
                }
            }
            if (swapper != null) {
                initTask = Long.parseUnsignedLong(swapper.get("task").asText().substring(2), 16);
                assertEquals(initTask, view.symbol("init_task").getAsLong());
            }
            assertTrue(view.symbol("__per_cpu_offset").isPresent());
            assertTrue(view.symbol("runqueues").isPresent(), "per-CPU runqueues from BTF");
        }
    }

    @Test
    void everyTaskDrgnListsIsInTheTaskTableWithItsParentNameAndCpu() throws Exception {
        try (Dump d = Dumps.open(dir().resolve("vmcore.zlib-d31"))) {
            TaskTable table = new Extraction(KernelView.of(d)).require(TaskTableExtractor.INSTANCE).orElseThrow();
            Map<Long, Task> byAddress = table.tasks().stream()
                    .collect(Collectors.toMap(Task::address, Function.identity(), (a, b) -> a));
            for (JsonNode t : drgn().get("tasks")) {
                long addr = Long.parseUnsignedLong(t.get("task").asText().substring(2), 16);
                Task ours = byAddress.get(addr);
                assertTrue(ours != null, "drgn's task " + t);
                assertEquals(t.get("pid").asInt(), ours.pid(), t.toString());
                assertEquals(t.get("ppid").asInt(), ours.ppid(), t.toString());
                assertEquals(t.get("comm").asText(), ours.comm(), t.toString());
                assertEquals(t.get("cpu").asInt(), ours.cpu(), t.toString());
            }
            // crash's bt -a: CPU 1 was running PID 119 (an init shell), CPU 0 the panic task, PID 1.
            JsonNode curr = drgn().get("cpu_curr");
            for (int cpu = 0; cpu < 2; cpu++) {
                long expected = Long.parseUnsignedLong(curr.get(Integer.toString(cpu)).get("task").asText().substring(2), 16);
                assertEquals(expected, table.cpus().get(cpu).running(), "CPU " + cpu);
            }
        }
    }

    @Test
    void moduleListEqualsTheGuestsProcModules() throws Exception {
        JsonNode guest = new ObjectMapper().readTree(Fixtures.truth(dir(), "guest-truth.json").toFile()).get("mod");
        try (Dump d = Dumps.open(dir().resolve("vmcore.zlib-d31"))) {
            List<KernelModule> mods = new Extraction(KernelView.of(d)).require(ModuleListExtractor.INSTANCE).orElseThrow();
            assertEquals(guest.size(), mods.size());
            assertEquals(guest.get(0).get("name").asText(), mods.get(0).name());
            assertEquals(guest.get(0).get("size").asLong(), mods.get(0).size());
            assertEquals(guest.get(0).get("addr").asLong(), mods.get(0).base());
        }
    }

    /**
     * Without panic_cpu (text-only kallsyms) the bt section's panic trace is the one of the task
     * that printed the panic line, as sys names it: the guest's own panic CPU.
     */
    @Test
    void theBtSectionsPanicTraceIsOnTheCpuOfTheTaskThatPrintedThePanicLine() throws Exception {
        Path dir = Fixtures.dir("arm64-6.1-qemu-sysrq");
        int guestPanicCpu = new ObjectMapper()
                .readTree(Fixtures.truth(dir, "guest-truth.json").toFile()).get("panic_cpu").asInt();
        try (Dump d = Dumps.open(dir.resolve("vmcore.zlib-d31"))) {
            var bt = new Extraction(KernelView.of(d))
                    .require(io.crashpipe.parsers.extract.BacktraceExtractor.DEFAULT);
            assertEquals(guestPanicCpu, bt.panic().orElseThrow().cpu());
            assertTrue(bt.gaps().stream().noneMatch(g -> g.subject().equals("panic_cpu")), bt.gaps().toString());
        }
    }

    /**
     * arm64 keeps current in sp_el0 and this kernel's kallsyms has no __entry_task, so each CPU's
     * trace is named from the task table's running tasks: the tasks crash's bt -a names.
     */
    @Test
    void eachCpusTraceNamesTheTaskCrashNamesFromTheTaskTable() throws Exception {
        Path dir = Fixtures.dir("arm64-6.1-qemu-sysrq");
        java.util.regex.Pattern header = java.util.regex.Pattern.compile(
                "^PID: (\\d+)\\s+TASK: ([0-9a-f]+)\\s+CPU: (\\d+)\\s+COMMAND: \"(.*)\"$");
        List<String> crash = java.nio.file.Files.readAllLines(Fixtures.truth(dir, "crash/bt-a.txt")).stream()
                .filter(l -> header.matcher(l).matches()).toList();
        try (Dump d = Dumps.open(dir.resolve("vmcore.zlib-d31"))) {
            var bt = new Extraction(KernelView.of(d))
                    .require(io.crashpipe.parsers.extract.BacktraceExtractor.DEFAULT);
            assertEquals(crash.size(), bt.cpus().size());
            for (int i = 0; i < crash.size(); i++) {
                var m = header.matcher(crash.get(i));
                assertTrue(m.matches());
                var trace = bt.cpus().get(i);
                var task = trace.task().orElseThrow(() -> new AssertionError("CPU " + trace.cpu() + " has no task"));
                assertEquals(Integer.parseInt(m.group(1)), task.pid().getAsInt(), crash.get(i));
                assertEquals(Long.parseUnsignedLong(m.group(2), 16), task.task(), crash.get(i));
                assertEquals(Integer.parseInt(m.group(3)), trace.cpu(), crash.get(i));
                assertEquals(m.group(4), task.comm().orElseThrow(), crash.get(i));
                assertTrue(trace.incomplete().isEmpty(), trace.incomplete().toString());
            }
        }
    }
}

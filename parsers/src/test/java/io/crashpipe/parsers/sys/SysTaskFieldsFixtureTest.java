package io.crashpipe.parsers.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.extract.Extraction;
import io.crashpipe.parsers.extract.SystemSummaryExtractor;
import io.crashpipe.parsers.sched.TaskTableReader;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * crash 8.0.2's own sys on these kernels says TASKS: 4 and omits the panic task (its PID table
 * bug, see the fixtures README), so the task fields are checked against drgn's task table.
 */
class SysTaskFieldsFixtureTest {

    static Stream<Path> dumpDirs() {
        return Fixtures.dumpDirs().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpDirs")
    void tasksAndThePanicTaskEqualDrgn(Path dir) throws Exception {
        Map<String, String> ours = new LinkedHashMap<>();
        try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
            KernelView v = KernelView.of(d);
            SystemSummary s = new Extraction(v).require(SystemSummaryExtractor.INSTANCE);
            SysTasks tasks = SysTasks.of(TaskTableReader.read(v, KernelBtf.require(v)));
            for (CrashSysFormat.Field f : CrashSysFormat.fields(s, Optional.of(tasks))) {
                ours.put(f.label(), f.value());
            }
        }
        JsonNode drgn = new ObjectMapper().readTree(Fixtures.truth(dir, "drgn.json").toFile());
        org.junit.jupiter.api.Assumptions.assumeTrue(drgn.has("nr_threads") && drgn.has("idle_tasks"),
                dir + ": drgn.json has no nr_threads / idle_tasks (arm64: Arm64WithoutDataSymbolsTest checks tasks)");
        JsonNode panic = drgn.get("crashed").get("panic_cpu_task");
        int cpu = drgn.get("panic_cpu").asInt();
        String task = drgn.get("cpu_curr").get(String.valueOf(cpu)).get("task").asText().substring(2);
        assertEquals(String.valueOf(drgn.get("nr_threads").asInt() + drgn.get("idle_tasks").size()), ours.get("TASKS"));
        assertEquals(panic.get("pid").asText(), ours.get("PID"));
        assertEquals("\"" + panic.get("comm").asText() + "\"", ours.get("COMMAND"));
        assertEquals(task + "  [THREAD_INFO: " + task + "]", ours.get("TASK"));
        assertEquals(String.valueOf(cpu), ours.get("CPU"));
        assertEquals("TASK_RUNNING (PANIC)", ours.get("STATE"));
    }
}

package io.crashpipe.parsers.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kallsyms.Kallsyms;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.testing.ArchFixtures;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Blocked tasks unwound from their saved switch frame, for every task of drgn's task table that
 * was not on a CPU. Without BTF the test finds {@code thread.sp} by its content: the task_struct
 * word whose inactive_task_frame returns into {@code __schedule}.
 */
class BlockedTaskBacktraceTest {

    @Test
    void everyBlockedTaskUnwindsFromScheduleToItsUserRegistersOrTheKernelThreadEnd() throws IOException {
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            JsonNode truth = new ObjectMapper().readTree(Files.readString(Fixtures.truth(dir, "drgn.json")));
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                Kallsyms k = v.kallsyms();
                BacktraceReader reader = BacktraceReader.withoutBtf(v, d.cpuRegisters());
                int checked = 0;
                for (JsonNode t : truth.get("tasks")) {
                    if (t.get("on_cpu").asInt() != 0) {
                        continue;
                    }
                    long task = Long.parseUnsignedLong(t.get("task").asText().substring(2), 16);
                    String where = dir.getFileName() + " pid " + t.get("pid").asInt() + " " + t.get("comm").asText();
                    if (!readable(v.memory(), task)) {
                        continue; // the -d 31 dump of 7.2 lacks some task_struct pages (makedumpfile 1.7.2)
                    }
                    long threadSp = threadSp(v.memory(), k, task).orElseThrow(() -> new AssertionError(where + ": no switch frame"));
                    TaskRef ref = new TaskRef(t.get("cpu").asInt(), task, OptionalInt.of(t.get("pid").asInt()),
                            Optional.of(t.get("comm").asText()));
                    Backtrace bt = reader.forBlockedTask(ref, threadSp);
                    List<Frame> frames = bt.frames();
                    assertTrue(bt.stop().isEmpty(), where + ": " + bt.stop() + "\n" + CrashBtFormat.text(bt));
                    assertEquals("__schedule", frames.get(0).name().orElseThrow(), where);
                    boolean user = bt.steps().get(bt.steps().size() - 1) instanceof ExceptionFrame e && e.regs().userMode();
                    assertEquals(!t.get("kthread").asBoolean(), user, where + "\n" + CrashBtFormat.text(bt));
                    if (t.get("kthread").asBoolean()) {
                        // ret_from_fork_asm since Linux 6.7.
                        String last = frames.get(frames.size() - 1).name().orElseThrow();
                        assertTrue(last.startsWith("ret_from_fork"), where + ": ends in " + last);
                    }
                    checked++;
                }
                assertTrue(checked > 20, dir + ": " + checked + " blocked tasks");
            }
        }
    }

    private static boolean readable(VirtualMemory memory, long task) {
        return memory.tryRead(task, new byte[16 * 1024], 0, 16 * 1024) == io.crashpipe.parsers.memory.ReadResult.OK;
    }

    private static Optional<Long> threadSp(VirtualMemory memory, Kallsyms k, long task) {
        ByteBuffer b = memory.buffer(task, 16 * 1024);
        for (int off = 0; off + 8 <= b.limit(); off += 8) {
            long w = b.getLong(off);
            if (w >= 0 || (w & 7) != 0 || w == task) {
                continue;
            }
            try {
                long ret = memory.u64(w + 48);
                if (k.symbolize(ret).filter(s -> s.name().equals("__schedule")).isPresent()) {
                    return Optional.of(w);
                }
            } catch (RuntimeException e) {
                // Not a readable address: not thread.sp.
            }
        }
        return Optional.empty();
    }
}

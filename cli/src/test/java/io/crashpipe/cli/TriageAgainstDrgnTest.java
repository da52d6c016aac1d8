package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.triage.dis.ObjdumpDisassembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The triage commands on the kernels crash 8.0.2 cannot open (6.12, 7.2), checked against what
 * drgn (with the debug vmlinux) and the guest itself recorded: task names and ids, the utsname,
 * the panic task's call chain (dis -r at each of drgn's frame addresses, and those return
 * addresses on the stack through rd -s), the taint the panic header printed, the D-state tasks,
 * and MemTotal. Nothing holds open files for these dumps, so files is checked on 6.1/5.10 only
 * (against crash, in {@link TriageCommandsTest}).
 */
class TriageAgainstDrgnTest {
    private static final Pattern DIS_LINE = Pattern.compile("^0x([0-9a-f]+) <([^>+]+)(?:\\+(\\d+))?>:\\t(.*)$");

    record Fixture(Path dir, Path dump, JsonNode drgn) {}

    static Fixture fixture(String name) throws IOException {
        Path dir = Fixtures.dir(name);
        Path drgn = Fixtures.truth(dir, "drgn.json");
        assumeTrue(Files.exists(drgn), name + " has no drgn ground truth");
        Path dump = Fixtures.variants(dir).stream().filter(p -> p.getFileName().toString().contains("-d31"))
                .findFirst().orElseThrow();
        return new Fixture(dir, dump, Json.MAPPER.readTree(drgn.toFile()));
    }

    private static String run(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    private static JsonNode panicTask(Fixture f) {
        int pid = f.drgn().get("crashed").get("panic_cpu_task").get("pid").asInt();
        for (JsonNode t : f.drgn().get("tasks")) {
            if (t.get("pid").asInt() == pid) {
                return t;
            }
        }
        throw new AssertionError("drgn lists no task " + pid);
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.12-qemu-sysrq", "7.2-qemu-sysrq"})
    void structCommPidTgidOfTasksEqualDrgn(String name) throws IOException {
        Fixture f = fixture(name);
        List<JsonNode> tasks = new ArrayList<>();
        f.drgn().get("tasks").forEach(tasks::add);
        // The panic task and every seventh other: each run reopens the dump, so not all ~70.
        List<JsonNode> some = new ArrayList<>(List.of(panicTask(f)));
        for (int i = 0; i < tasks.size(); i += 7) {
            some.add(tasks.get(i));
        }
        for (JsonNode t : some) {
            String addr = t.get("task").asText();
            String out = run("struct", f.dump().toString(), "task_struct.comm,pid,tgid", addr);
            // gdb prints all of char comm[16], NUL padding as \000; drgn gives the C string.
            String comm = t.get("comm").asText();
            String padded = comm + "\\000".repeat(15 - comm.length());
            assertEquals("  comm = \"" + padded + "\",\n  pid = " + t.get("pid").asInt() + ",\n  tgid = "
                    + t.get("tgid").asInt() + ",\n", out, addr);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.12-qemu-sysrq", "7.2-qemu-sysrq"})
    void pInitUtsNameEqualsDrgnsUtsname(String name) throws IOException {
        Fixture f = fixture(name);
        String out = run("p", "-x", f.dump().toString(), "init_uts_ns.name");
        JsonNode uts = f.drgn().get("uts");
        for (String field : List.of("sysname", "nodename", "release", "version", "machine")) {
            Matcher m = Pattern.compile("(?m)^  " + field + " = \"([^\"\\\\]*)(\\\\000)*\",?$").matcher(out);
            assertTrue(m.find(), field + " in\n" + out);
            assertEquals(uts.get(field).asText(), m.group(1), field);
        }
        // jiffies has no drgn counterpart here; its value is checked against crash on 6.1/5.10.
        assertTrue(run("p", f.dump().toString(), "jiffies").matches("jiffies = \\$1 = \\d+\n"));
    }

    /** drgn's frames of the panic task: pc and the symbol its vmlinux names (null past a function's end). */
    private static List<JsonNode> frames(Fixture f) {
        List<JsonNode> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode fr : f.drgn().get("crashed").get("panic_cpu_task").get("stack_trace_from_prstatus")) {
            String pc = fr.path("pc").asText("");
            // An inlined function shares its caller's pc: one check per address, with the real symbol.
            if (!fr.path("inline").asBoolean() && pc.startsWith("0xffffffff") && seen.add(pc)) {
                out.add(fr);
            }
        }
        return out;
    }

    /**
     * By design kallsyms may name a global label inside the function drgn names from the ELF
     * symbol table (entry_SYSCALL_64_after_hwframe inside entry_SYSCALL_64); crash, which also
     * prints the label, agrees with us there.
     */
    private static boolean sameFunction(String drgn, String ours) {
        return ours.equals(drgn) || ours.startsWith(drgn + "_");
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.12-qemu-sysrq", "7.2-qemu-sysrq"})
    void disUpToEachOfDrgnsFramesEndsInItsFunctionAfterACall(String name) throws IOException {
        assumeTrue(ObjdumpDisassembler.onPath().available(), "objdump (GNU binutils) is not installed");
        Fixture f = fixture(name);
        List<JsonNode> frames = frames(f);
        assertTrue(frames.size() >= 6, frames.toString());
        int checked = 0;
        for (int i = 0; i < frames.size(); i++) {
            JsonNode fr = frames.get(i);
            if (fr.get("symbol").isNull()) {
                continue; // a return address just past a noreturn call: drgn names no symbol there
            }
            String pc = fr.get("pc").asText().substring(2);
            List<String> lines = run("dis", "-r", f.dump().toString(), pc).lines().toList();
            Matcher last = DIS_LINE.matcher(lines.get(lines.size() - 1));
            assertTrue(last.matches(), lines.get(lines.size() - 1));
            assertEquals(pc, last.group(1));
            assertTrue(sameFunction(fr.get("symbol").asText(), last.group(2)), pc + ": " + last.group(2));
            Matcher first = DIS_LINE.matcher(lines.get(0));
            assertTrue(first.matches() && first.group(3) == null, "dis -r starts at the function: " + lines.get(0));
            if (i > 0) {
                // Every caller frame's pc is a return address: the instruction before it is the call.
                Matcher before = DIS_LINE.matcher(lines.get(lines.size() - 2));
                assertTrue(before.matches() && before.group(4).startsWith("call"), lines.get(lines.size() - 2));
            }
            checked++;
        }
        assertTrue(checked >= 5, "checked " + checked);
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.12-qemu-sysrq", "7.2-qemu-sysrq"})
    void rdSymbolicOfThePanicStackNamesDrgnsReturnAddresses(String name) throws IOException {
        Fixture f = fixture(name);
        String task = panicTask(f).get("task").asText();
        Matcher stack = Pattern.compile("stack = (0x[0-9a-f]+)").matcher(
                run("struct", f.dump().toString(), "task_struct.stack", task));
        assertTrue(stack.find());
        // THREAD_SIZE is 16 KiB on x86_64: 2048 words.
        String rd = run("rd", "-s", f.dump().toString(), stack.group(1), "2048");
        List<JsonNode> frames = frames(f);
        int found = 0;
        for (JsonNode fr : frames.subList(1, frames.size())) {
            if (!fr.get("symbol").isNull()) {
                String sym = Pattern.quote(fr.get("symbol").asText());
                assertTrue(Pattern.compile(" " + sym + "(_\\w+)?\\+\\d+").matcher(rd).find(), fr + " on the stack");
                found++;
            }
        }
        assertTrue(found >= 4, "found " + found);
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.12-qemu-sysrq", "7.2-qemu-sysrq"})
    void sysTaintIsWhatThePanicHeaderPrinted(String name) throws IOException {
        Fixture f = fixture(name);
        String log = Files.readString(Fixtures.truth(f.dir(), "dmesg.makedumpfile.txt"));
        Matcher m = Pattern.compile("Comm: \\S+ (Not tainted|Tainted: [A-Z ]+?) +\\d").matcher(log);
        assertTrue(m.find(), "the panic header");
        // A sysrq panic adds no taint after its header is printed: the mask is the same.
        assertEquals("Not tainted", m.group(1));
        assertEquals("TAINTED_MASK: 0  \n", run("sys", "-t", f.dump().toString()));
        JsonNode json = Json.MAPPER.readTree(run("sys", "-t", "--json", f.dump().toString()));
        assertEquals(0, json.get("tainted_mask").asLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"6.12-qemu-sysrq", "7.2-qemu-sysrq"})
    void foreachUninterruptibleListsDrgnsDStateTasks(String name) throws IOException {
        Fixture f = fixture(name);
        List<Integer> d = new ArrayList<>();
        f.drgn().get("tasks").forEach(t -> {
            if (t.get("state").asText().equals("D")) {
                d.add(t.get("pid").asInt());
            }
        });
        String out = run("foreach", f.dump().toString(), "UN", "bt");
        List<Integer> ours = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^PID: (\\d+)").matcher(out);
        while (m.find()) {
            ours.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(d, ours);
    }

    @Test
    void kmemTotalMemIsTheGuestsMemTotal() throws IOException {
        Path dir = Fixtures.dir("7.2-qemu-sysrq");
        Path guest = Fixtures.truth(dir, "guest-truth.json");
        assumeTrue(Files.exists(guest), "7.2 has no guest truth (6.12 has none at all: nothing to check kmem against)");
        Matcher kb = Pattern.compile("MemTotal:\\s+(\\d+) kB").matcher(Json.MAPPER.readTree(guest.toFile())
                .get("meminfo").asText());
        assertTrue(kb.find());
        Fixture f = fixture("7.2-qemu-sysrq");
        JsonNode k = Json.MAPPER.readTree(run("kmem", "-i", "--json", f.dump().toString()));
        assertEquals(Long.parseLong(kb.group(1)), k.get("total").asLong() * k.get("page_size").asLong() / 1024);
        // The rest has no guest counterpart; it must at least add up.
        assertEquals(k.get("total").asLong() - k.get("free").asLong(), k.get("used").asLong());
        assertFalse(k.has("slab_flagged_pages"), "7.2 has no PG_slab (slab is a page type since 6.10)");
    }

    /**
     * No ground truth lists 7.2's open files, but the lab's init is the same script on every
     * kernel: PID 1 holds what crash lists for it on 6.1 (fd, type, path). In the filtered dump the
     * pages of the root's dentry and mount are left out (makedumpfile's filter on 7.2): every path
     * says so and which page, and the rest of each line equals the unfiltered dump's.
     */
    @Test
    void filesOfInitOn72AreTheLabInitsAndAFilteredPathSaysWhichPageIsMissing() throws IOException {
        Path dir = Fixtures.dir("7.2-qemu-sysrq");
        Path unfiltered = dir.resolve("vmcore.zlib-unfiltered");
        Path crash61 = Fixtures.truth(Fixtures.dir("6.1-qemu-sysrq"), "crash/files-1.txt");
        assumeTrue(Files.exists(unfiltered) && Files.exists(crash61), "needs 7.2's unfiltered dump and 6.1's crash files");
        List<String> full = run("files", unfiltered.toString(), "1").lines().toList();
        List<String> crash = Files.readString(crash61).lines().toList();
        assertEquals(crash.size(), full.size());
        for (int i = 1; i < crash.size(); i++) {
            // Addresses differ between the two boots; fd, type and path do not.
            assertEquals(crash.get(i).replaceAll("[0-9a-f]{16}", "ADDR"), full.get(i).replaceAll("[0-9a-f]{16}", "ADDR"));
        }
        List<String> filtered = run("files", dir.resolve("vmcore.zlib-d31").toString(), "1").lines().toList();
        assertEquals(full.size(), filtered.size());
        assertEquals(full.get(0), filtered.get(0));
        for (int i = 3; i < full.size(); i++) {
            String columns = full.get(i).substring(0, full.get(i).lastIndexOf(' ') + 1);
            assertTrue(filtered.get(i).startsWith(columns), filtered.get(i));
            assertTrue(filtered.get(i).matches(".*\\(unreadable: virtual address 0x[0-9a-f]+ \\(pfn 0x[0-9a-f]+\\): excluded\\)"),
                    filtered.get(i));
        }
    }
}

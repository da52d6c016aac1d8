package io.crashpipe.parsers.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KernelBtfFixtureTest {

    /** The x86_64 fixtures (KernelView reads x86_64 only until the architecture seam lands). */
    static Stream<Path> dumpDirs() {
        return Fixtures.dumpDirs().stream();
    }

    record Loaded(Btf btf, Vmcoreinfo vi) {}

    static Loaded load(Path dir) throws Exception {
        try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
            KernelView v = KernelView.of(d);
            return new Loaded(KernelBtf.require(v), v.vmcoreinfo());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpDirs")
    void btfIsFoundBetweenStartAndStopBtfWithTheHeaderTheReportRecorded(Path dir) throws Exception {
        assumeTrue(Files.exists(Fixtures.truth(dir, "vmcoreinfo-report.json")), dir.getFileName() + " has no lab report");
        JsonNode report = new ObjectMapper().readTree(Fixtures.truth(dir, "vmcoreinfo-report.json").toFile())
                .get("btf_from_dump");
        // The lab located .BTF only through VMCOREINFO's kallsyms (6.0+, and not 7.2's PC-relative offsets).
        assumeTrue(report != null, dir.getFileName() + ": the lab report has no btf_from_dump to compare with");
        Btf btf = load(dir).btf();
        assertEquals(report.get("hdr_len").asInt(), btf.header().hdrLen());
        assertEquals(report.get("type_len").asInt(), btf.header().typeLen());
        assertEquals(report.get("str_len").asInt(), btf.header().strLen());
        assertTrue(btf.source().contains(report.get("__start_BTF").asText().substring(2)), btf.source());
        assertTrue(btf.typeCount() > 50_000, "vmlinux has tens of thousands of types: " + btf.typeCount());
    }

    /** VMCOREINFO's OFFSET and SIZE keys come from the kernel's own compiler: BTF must agree on each. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpDirs")
    void everyVmcoreinfoOffsetAndSizeEqualsBtf(Path dir) throws Exception {
        Loaded l = load(dir);
        String text = java.nio.file.Files.readString(Fixtures.truth(dir, "vmcoreinfo.txt"));
        Matcher m = Pattern.compile("(?m)^(OFFSET|SIZE)\\(([^)]+)\\)=(\\d+)$").matcher(text);
        int checked = 0;
        while (m.find()) {
            String key = m.group(2);
            long expected = Long.parseLong(m.group(3));
            if (m.group(1).equals("SIZE")) {
                OptionalLong size = l.btf().sizeOf(key);
                assertEquals(expected, size.orElse(-1), "SIZE(" + key + ")");
            } else {
                int dot = key.indexOf('.');
                String type = key.substring(0, dot);
                String member = key.substring(dot + 1);
                // VMCOREINFO names a few typedefs (atomic_long_t) and tags structs by their usual name.
                assertEquals(expected, l.btf().field(type + "." + member).offset(), "OFFSET(" + key + ")");
            }
            checked++;
        }
        assertTrue(checked > 40, "checked " + checked);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpDirs")
    void nestedPathsBitfieldsAndRenamesResolve(Path dir) throws Exception {
        Btf btf = load(dir).btf();
        BtfField se = btf.field("task_struct.se");
        BtfField sum = btf.field("task_struct.se.sum_exec_runtime");
        assertEquals(se.offset() + btf.field("sched_entity.sum_exec_runtime").offset(), sum.offset());
        assertEquals(8, sum.size());
        // __state replaced state in 5.14: exactly one of them, whichever the kernel has.
        assertTrue(btf.hasMember("task_struct", "__state") != btf.hasMember("task_struct", "state"));
        assertEquals(16, btf.field("task_struct.comm").size());
        // sched_reset_on_fork is a 1-bit bitfield in task_struct.
        BtfField bit = btf.field("task_struct.sched_reset_on_fork");
        assertEquals(1, bit.bitfieldSize());
        // mm_struct's fields sit in an anonymous struct; paths look through it.
        assertTrue(btf.field("mm_struct.total_vm").offset() > 0);
        assertEquals(0, btf.enumValue("MM_FILEPAGES").orElseThrow());
        assertEquals(1, btf.enumValue("MM_ANONPAGES").orElseThrow());
        assertEquals(2, btf.field("list_head.prev").offset() / 4);
        BtfLookupException e = assertThrows(BtfLookupException.class, () -> btf.field("task_struct.no_such_member"));
        assertTrue(e.getMessage().contains("no member 'no_such_member'"), e.getMessage());
    }

    @Test
    void rssCountersAreAnArrayOn61AndPercpuCountersOn612() throws Exception {
        Map<String, Boolean> percpu = Map.of("6.1-kdump-sysrq", false, "6.12-qemu-sysrq", true);
        for (var e : percpu.entrySet()) {
            Btf btf = load(Fixtures.dir(e.getKey())).btf();
            assertEquals(!e.getValue(), btf.findField("mm_struct.rss_stat.count").isPresent(), e.getKey());
            assertEquals(e.getValue(), btf.findStruct("percpu_counter").isPresent()
                    && btf.findField("mm_struct.rss_stat[1].count").isPresent(), e.getKey());
        }
    }

    @Test
    void aBlobWithoutTheMagicIsRejectedNamingTheOffset() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0x1234);
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> Btf.parse(b.array(), "test blob"));
        assertTrue(e.getMessage().contains("test blob") && e.getMessage().contains("0xeb9f"), e.getMessage());
    }
}

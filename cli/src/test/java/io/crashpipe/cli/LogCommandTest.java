package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.parsers.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogCommandTest {

    static Stream<Arguments> everyVariant() {
        return Fixtures.allDumpDirs().stream()
                .flatMap(dir -> Fixtures.variants(dir).stream().map(v -> Arguments.of(dir, v)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void logPrintsMakedumpfilesDumpDmesgByteForByte(Path dir, Path variant) throws Exception {
        CliRun run = CliRun.of("log", variant.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertArrayEquals(Files.readAllBytes(Fixtures.truth(dir, "dmesg.makedumpfile.txt")), run.outBytes(),
                variant.toString());
    }

    /**
     * makedumpfile 1.7.5+ layout: the 1.7.2 reference with each record's caller id column
     * ({@code [%8s] }) after the timestamp and continuation lines indented past it. Where the lab
     * recorded a newer makedumpfile's own output (ground-truth/dmesg.makedumpfile-1.7.9.txt),
     * that file is the reference instead.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void callerIdsOptionPrintsMakedumpfile175Layout(Path dir, Path variant) throws Exception {
        CliRun run = CliRun.of("log", "--caller-ids", variant.toString());
        assertEquals(0, run.exitCode(), run.err());
        Path newer = Fixtures.truth(dir, "dmesg.makedumpfile-1.7.9.txt");
        if (Files.exists(newer)) {
            assertArrayEquals(Files.readAllBytes(newer), run.outBytes(), variant.toString());
            return;
        }
        List<JsonNode> records = jsonRecords(variant);
        StringBuilder expected = new StringBuilder();
        int record = -1;
        String column = "";
        for (String line : Files.readString(Fixtures.truth(dir, "dmesg.makedumpfile.txt"), StandardCharsets.ISO_8859_1)
                .split("\n", -1)) {
            if (line.startsWith("[")) { // the next record with this timestamp (records without text are not printed)
                String stamp = line.substring(0, 15);
                do {
                    record++;
                } while (!stamp(records.get(record)).equals(stamp));
                column = String.format("[%8s] ", records.get(record).path("caller").asText());
                expected.append(stamp).append(column).append(line.substring(15)).append('\n');
            } else if (!line.isEmpty()) {
                expected.append(" ".repeat(column.length())).append(line).append('\n');
            }
        }
        assertEquals(expected.toString(), run.out(), variant.toString());
    }

    static String stamp(JsonNode record) {
        long ts = record.path("timestamp_ns").asLong();
        return String.format("[%5d.%06d] ", ts / 1_000_000_000L, ts % 1_000_000_000L / 1000);
    }

    static List<JsonNode> jsonRecords(Path variant) throws Exception {
        CliRun run = CliRun.of("log", "--json", variant.toString());
        assertEquals(0, run.exitCode(), run.err());
        String text = new String(run.outBytes(), StandardCharsets.UTF_8);
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }

    /** Values as drgn 0.0.22's get_printk_records() reads them from the same dump with debug info. */
    @Test
    void logJsonRecordsCarrySequenceTimestampLevelFacilityCallerTextAndDeviceInfo() throws Exception {
        Path dir = Fixtures.dir("6.12-qemu-sysrq");
        List<JsonNode> r = jsonRecords(Fixtures.variants(dir).get(0));
        assertEquals(411, r.size());

        JsonNode first = r.get(0);
        assertEquals(0, first.path("sequence").asLong());
        assertEquals(0, first.path("timestamp_ns").asLong());
        assertEquals(5, first.path("level").asInt());
        assertEquals(0, first.path("facility").asInt());
        assertEquals("T0", first.path("caller").asText());
        assertTrue(first.path("text").asText().startsWith("Linux version 6.12.117+deb12-amd64 "));
        assertTrue(first.path("device_info").isNull());

        JsonNode dev = r.get(199);
        assertEquals(199, dev.path("sequence").asLong());
        assertEquals(992493743L, dev.path("timestamp_ns").asLong());
        assertEquals(6, dev.path("level").asInt());
        assertEquals("T1", dev.path("caller").asText());
        assertEquals("acpi PNP0A03:00: _OSC: OS supports [ASPM ClockPM Segments MSI HPX-Type3]",
                dev.path("text").asText());
        assertEquals("acpi", dev.path("device_info").path("subsystem").asText());
        assertEquals("+acpi:PNP0A03:00", dev.path("device_info").path("device").asText());
        assertEquals(4, r.get(201).path("level").asInt());

        JsonNode last = r.get(410);
        assertEquals(410, last.path("sequence").asLong());
        assertEquals(5711288165L, last.path("timestamp_ns").asLong());
        assertEquals(0, last.path("level").asInt());
        assertEquals("---[ end Kernel panic - not syncing: sysrq triggered crash ]---", last.path("text").asText());
    }

    @Test
    void logJsonIsTheSameRecordListInEveryContainerVariant() throws Exception {
        Path dir = Fixtures.dir("6.1-kdump-sysrq");
        List<JsonNode> reference = null;
        for (Path variant : Fixtures.variants(dir)) {
            List<JsonNode> r = jsonRecords(variant);
            if (reference == null) {
                reference = r;
            }
            assertEquals(reference, r, variant.toString());
        }
        // One JSON record per printed record: makedumpfile prints one line per record plus the
        // continuation lines of multi-line records.
        long multiLineExtra = reference.stream().mapToLong(n -> n.path("text").asText().chars().filter(c -> c == '\n').count()).sum();
        long printed = Files.readAllLines(Fixtures.truth(dir, "dmesg.makedumpfile.txt")).size();
        assertEquals(printed, reference.size() + multiLineExtra);
    }

    @Test
    void aDumpWithoutKernelLogDescriptionIsAOneLineError() throws Exception {
        Path notADump = Files.createTempFile("crashpipe-log", ".bin");
        Files.write(notADump, new byte[4096]);
        CliRun run = CliRun.of("log", notADump.toString());
        assertEquals(1, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(notADump.toString()), run.err());
    }
}

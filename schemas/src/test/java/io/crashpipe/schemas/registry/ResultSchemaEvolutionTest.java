package io.crashpipe.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.schemas.EventTypes;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.SectionStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/**
 * The result schemas evolve backward-compatibly: the registry's own BACKWARD check accepts the
 * current schemas after the ones released before them (kept in test resources as they were), and
 * records written with an old schema decode with today's classes, new fields taking their defaults.
 */
class ResultSchemaEvolutionTest {

    private static Schema released(String resource) throws IOException {
        try (InputStream in = ResultSchemaEvolutionTest.class.getResourceAsStream("/evolution/" + resource)) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void theRegistrysBackwardCheckAcceptsTodaysResultSchemasAfterTheReleasedOnes() throws IOException {
        assertTrue(Compatibility.BACKWARD.allows(CrashReport.getClassSchema(), List.of(released("CrashReport.v1.avsc"))));
        assertTrue(Compatibility.BACKWARD.allows(KernelLogLine.getClassSchema(), List.of(released("KernelLogLine.v1.avsc"))));
        assertTrue(Compatibility.BACKWARD_TRANSITIVE.allows(CrashReport.getClassSchema(),
                List.of(released("CrashReport.v1.avsc"))));
    }

    @Test
    void everyEnumInTheResultSchemasHasADefaultSoSymbolsCanBeAddedLater() {
        for (Schema root : List.of(CrashReport.getClassSchema(), KernelLogLine.getClassSchema())) {
            List<Schema> enums = new ArrayList<>();
            collectEnums(root, new HashSet<>(), enums);
            for (Schema e : enums) {
                assertNotNull(e.getEnumDefault(), e.getFullName() + " has no default symbol");
            }
        }
    }

    @Test
    void crashReportsWrittenWithTheReleasedSchemaDecodeWithTodaysClass() throws IOException {
        Schema v1 = released("CrashReport.v1.avsc");
        int n = 0;
        for (Object o : new RandomData(v1, 25, 13L)) {
            GenericRecord old = (GenericRecord) o;
            CrashReport now = decode(old, v1, CrashReport.getClassSchema());
            assertEquals(old.get("dumpId").toString(), now.getDumpId());
            assertEquals(old.get("kernelRelease").toString(), now.getKernelRelease());
            assertEquals(((List<?>) old.get("tasks")).size(), now.getTasks().size());
            assertEquals(((List<?>) old.get("sections")).size(), now.getSections().size());
            assertTrue(now.getBacktraces().isEmpty());
            assertEquals(0, now.getBacktracesOmitted());
            assertEquals("", now.getArchitecture());
            assertEquals("", now.getAgentVersion());
            assertNull(now.getTaint());
            assertNull(now.getHardware());
            assertTrue(now.getSections().stream().map(SectionStatus::getFields).allMatch(List::isEmpty));
            n++;
        }
        assertEquals(25, n);
    }

    @Test
    void logLinesWrittenWithTheReleasedSchemaDecodeWithoutAFirstSeenTime() throws IOException {
        Schema v1 = released("KernelLogLine.v1.avsc");
        for (Object o : new RandomData(v1, 10, 7L)) {
            GenericRecord old = (GenericRecord) o;
            KernelLogLine now = decode(old, v1, KernelLogLine.getClassSchema());
            assertEquals(old.get("sequence"), now.getSequence());
            assertEquals(old.get("text").toString(), now.getText());
            assertNull(now.getFirstSeen());
        }
    }

    private static <T> T decode(GenericRecord record, Schema writer, Schema reader) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, enc);
        enc.flush();
        EventTypes.trust();
        return new SpecificDatumReader<T>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    private static void collectEnums(Schema s, Set<String> seen, List<Schema> out) {
        switch (s.getType()) {
            case ENUM -> out.add(s);
            case RECORD -> {
                if (seen.add(s.getFullName())) {
                    s.getFields().forEach(f -> collectEnums(f.schema(), seen, out));
                }
            }
            case ARRAY -> collectEnums(s.getElementType(), seen, out);
            case MAP -> collectEnums(s.getValueType(), seen, out);
            case UNION -> s.getTypes().forEach(t -> collectEnums(t, seen, out));
            default -> { }
        }
    }
}

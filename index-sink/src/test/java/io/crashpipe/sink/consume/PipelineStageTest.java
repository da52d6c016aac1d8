package io.crashpipe.sink.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.PipelineStage;
import io.crashpipe.schemas.results.ReportTimings;
import io.crashpipe.sink.IndexTemplate;
import io.crashpipe.sink.doc.Timings;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** {@link PipelineStage} is the one list of stages: the Avro record, the index and the sink agree with it. */
class PipelineStageTest {
    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void everyStageTheTopologyStampsIsANullableTimestampOfReportTimingsWithADefault() {
        for (PipelineStage stage : PipelineStage.values()) {
            stage.avroField().ifPresent(name -> {
                Schema.Field f = ReportTimings.getClassSchema().getField(name);
                assertTrue(f != null, stage + ": ReportTimings has no field " + name);
                assertTrue(f.hasDefaultValue(), name + " needs a default (schema evolution)");
                Schema t = f.schema().getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
                assertEquals(LogicalTypes.timestampMillis(), t.getLogicalType(), name);
            });
        }
    }

    @Test
    void everyStageIsADateOfTheCrashReportsTemplate() {
        JsonNode timings = IndexTemplate.CRASH_REPORTS.body().at("/mappings/properties/crash/properties/timings/properties");
        for (PipelineStage stage : PipelineStage.values()) {
            assertEquals("date", timings.path(stage.esField()).path("type").asText(), stage + " as " + stage.esField());
        }
    }

    @Test
    void theSinkIndexesEveryStageOfTheReportUnderItsFieldAndAddsSearchableAfterTheRefresh() {
        ReportTimings.Builder b = ReportTimings.newBuilder().setAnalysisMillis(12).setPasses(2).setChunksSeen(8);
        List<PipelineStage> stamped = Arrays.stream(PipelineStage.values()).filter(s -> s.avroField().isPresent()).toList();
        ReportTimings t = b.build();
        for (int i = 0; i < stamped.size(); i++) {
            t.put(stamped.get(i).avroField().get(), T0.plusMillis(100L * i));
        }
        Timings timings = ResultDocuments.timings(t);
        assertEquals(stamped.size(), timings.stages().size(), timings.toString());
        ObjectNode doc = io.crashpipe.sink.TestDocuments.crashReport("d-stages", "0.1.0").toSource();
        ObjectNode source = Timings.withSearchable(doc, T0.plusSeconds(3));
        assertEquals("2026-12-06T12:00:03Z", source.at("/crash/timings/searchable").asText());
        assertTrue(doc.at("/crash/timings/searchable").isMissingNode(), "the written source is left as it was");
        for (int i = 0; i < stamped.size(); i++) {
            assertEquals(T0.plusMillis(100L * i), timings.at(stamped.get(i)).orElseThrow(), stamped.get(i).toString());
        }
    }
}

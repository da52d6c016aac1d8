package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashpipe.sink.consume.ResultDocuments;
import io.crashpipe.sink.consume.ResultEvents;
import io.crashpipe.sink.doc.KernelLogLineDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IndexTemplateTest {
    /** Field types this Elasticsearch (the integ-test distribution) does not have. */
    private static final Set<String> UNAVAILABLE = Set.of("wildcard", "match_only_text", "constant_keyword", "unsigned_long");

    @Test
    void everyFieldACrashReportWritesIsMapped() {
        JsonNode source = TestDocuments.crashReport("d1", "0.1.0").toSource();
        assertMapped(IndexTemplate.CRASH_REPORTS, source);
    }

    @Test
    void everyFieldALogLineWritesIsMapped() {
        for (KernelLogLineDocument line : TestDocuments.logLines("d1", "0.1.0")) {
            assertMapped(IndexTemplate.KERNEL_LOG, line.toSource());
        }
    }

    @Test
    void everyFieldADocumentMappedFromResultEventsWritesIsMapped() {
        Instant now = ResultEvents.CRASH_TIME.plusSeconds(70);
        assertMapped(IndexTemplate.CRASH_REPORTS, ResultDocuments.crashReport(ResultEvents.crashReport("d1", "0.3.1"), now)
                .toSource());
        assertMapped(IndexTemplate.KERNEL_LOG, ResultDocuments.logLine(
                ResultEvents.logLine("d1", 7, 1_000_000L, 6, "Linux version 6.1.0-41-amd64", "0.3.1"), now).toSource());
    }

    @Test
    void ecsFieldsHaveTheirEcsTypes() {
        Map<String, String> crash = IndexTemplate.CRASH_REPORTS.fieldTypes();
        assertEquals("date", crash.get("@timestamp"));
        assertEquals("date", crash.get("event.created"));
        assertEquals("keyword", crash.get("host.name"));
        assertEquals("keyword", crash.get("host.os.kernel"));
        assertEquals("text", crash.get("error.message"));
        assertEquals("keyword", crash.get("error.message.keyword"));
        assertEquals("keyword", crash.get("crash.title"));
        assertEquals("keyword", crash.get("host.id"));
        assertEquals("keyword", crash.get("file.path"));
        assertEquals("long", crash.get("process.pid"));
        assertEquals("keyword", crash.get("process.name"));
        Map<String, String> log = IndexTemplate.KERNEL_LOG.fieldTypes();
        assertEquals("text", log.get("message"));
        assertEquals("keyword", log.get("log.level"));
        assertEquals("long", log.get("log.syslog.severity.code"));
        assertEquals("long", log.get("log.syslog.facility.code"));
        assertEquals("long", log.get("event.sequence"));
        assertEquals("date", log.get("event.ingested"));
        assertEquals("keyword", crash.get("ecs.version"));
        assertEquals("keyword", crash.get("event.kind"));
        assertEquals("date", crash.get("event.ingested"));
        assertEquals("text", crash.get("message"));
        assertEquals("keyword", crash.get("error.type"));
        assertEquals("text", crash.get("error.stack_trace"));
        assertEquals("long", crash.get("process.thread.id"));
        assertEquals("keyword", crash.get("host.hostname"));
        assertEquals("keyword", crash.get("agent.version"));
        assertEquals("keyword", crash.get("crash.backtrace.frame.function"));
    }

    @Test
    void onlyTypesThisElasticsearchHasAndStrictMappings() {
        for (IndexTemplate t : List.of(IndexTemplate.CRASH_REPORTS, IndexTemplate.KERNEL_LOG)) {
            Set<String> bad = new TreeSet<>();
            t.fieldTypes().forEach((field, type) -> {
                if (UNAVAILABLE.contains(type)) {
                    bad.add(field + ":" + type);
                }
            });
            assertTrue(bad.isEmpty(), t.resource() + " uses types missing here: " + bad);
            // Strict: a field the template does not know is a poison record, not a silent new mapping.
            assertEquals("strict", t.body().path("mappings").path("dynamic").asText(), t.resource());
        }
    }

    private static void assertMapped(IndexTemplate template, JsonNode source) {
        Map<String, String> types = template.fieldTypes();
        Set<String> missing = new TreeSet<>(SourceFields.of(source, types));
        missing.removeAll(types.keySet());
        assertTrue(missing.isEmpty(), template.resource() + " lacks " + missing);
    }
}

package io.crashpipe.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.schemas.DeadLetterHeaders;
import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.KernelLogLine;
import io.crashpipe.schemas.results.SectionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DumpProcessor}, the per-dump state machine, driven event by event with the real events of
 * a real dump (the repository's shrunk genuine kdump of Debian's 6.1 kernel, split by the agent's
 * own splitter): every arrival order ends in the one report the ground truth describes, exactly
 * once; a stall, a purge, a registry outage and a replay behave as the design says.
 */
class DumpProcessorTest {
    private static DumpEvents sample;
    private static JsonNode drgn;

    private TestRegistry registry;
    private final List<TopologyHarness> harnesses = new ArrayList<>();

    @BeforeAll
    static void events() throws Exception {
        var truth = Fixtures.dir("6.1-kdump-sysrq"); // the sample is cut from this fixture's dump.*
        drgn = new ObjectMapper().readTree(Fixtures.truth(truth, "drgn.json").toFile());
        sample = DumpEvents.of(DumpEvents.SAMPLE);
        assertTrue(sample.chunks().size() > 3 && sample.hotChunks() > 0 && sample.hotChunks() < sample.chunks().size(),
                "hot chunks then cold ones: " + sample.hotChunks() + " of " + sample.chunks().size());
    }

    @BeforeEach
    void registry() throws Exception {
        registry = new TestRegistry();
    }

    @AfterEach
    void close() {
        harnesses.forEach(TopologyHarness::close);
        registry.close();
    }

    private TopologyHarness topology(TopologyHarness.Settings settings) throws Exception {
        TopologyHarness h = new TopologyHarness(registry, settings);
        harnesses.add(h);
        return h;
    }

    private TopologyHarness live() throws Exception {
        return topology(TopologyHarness.Settings.LIVE);
    }

    /** The report the ground truth describes: drgn's uts, panic, task table and log records. */
    private static void assertGroundTruth(CrashReport r) {
        assertEquals(sample.dumpId(), r.getDumpId());
        assertEquals(drgn.at("/uts/release").asText(), r.getKernelRelease());
        assertEquals(drgn.at("/uts/version").asText(), r.getKernelVersion());
        assertEquals(drgn.at("/panic/panic_message").asText(), r.getPanicMessage());
        int tasks = drgn.at("/nr_threads").asInt() + drgn.at("/idle_tasks").size();
        assertEquals(tasks, r.getSys().getTasks(), "sys TASKS: every thread and each CPU's idle task, as crash counts");
        assertEquals(tasks, r.getTasks().size(), "task table rows");
        assertEquals(drgn.at("/dmesg_records").asLong(), r.getLogRecords(), "log records");
        assertEquals(List.of("sys", "ps", "mod", "log", "bt"), r.getSections().stream().map(SectionStatus::getName).toList());
        assertTrue(r.getSections().stream().allMatch(SectionStatus::getComplete), r.getSections().toString());
        assertEquals(drgn.at("/crashed/panic_cpu_task/pid").asLong(), r.getSys().getPanicTask().getPid());
        assertEquals(drgn.at("/crashed/panic_cpu_task/comm").asText(), r.getSys().getPanicTask().getComm());
    }

    /** The report with what depends on arrival (timings) and on the parser version taken out. */
    private static CrashReport content(CrashReport r) {
        return CrashReport.newBuilder(r).setTimings(sampleTimings()).setParserVersion("-").build();
    }

    private static io.crashpipe.schemas.results.ReportTimings sampleTimings() {
        return io.crashpipe.schemas.results.ReportTimings.newBuilder().setAnalysisMillis(0).setPasses(0).setChunksSeen(0)
                .build();
    }

    private static CrashReport onlyReport(TopologyHarness h) {
        List<CrashReport> reports = h.reports();
        assertEquals(1, reports.size(), "exactly one report");
        return reports.getFirst();
    }

    @Test
    void anUploadInTheAgentsOrderGivesOneCompleteReportEqualToTheGroundTruth() throws Exception {
        TopologyHarness h = live();
        h.upload(sample);
        CrashReport r = onlyReport(h);
        assertGroundTruth(r);
        assertEquals("0.1.0", r.getParserVersion());
        assertEquals(r.getLogRecords(), h.logLines().size(), "one kernel-log record per log line");
        assertTrue(h.chunkReads() > 0, "passes read chunks back from the pages topic (the one copy of page data)");
        assertEquals(List.of(), h.deadLetters());
    }

    /**
     * The pfn the dump's analysis waits for, and that no chunk of the dump carries: only the seal can
     * say it will never come (the shrunk sample excludes pages an extractor looks at).
     */
    private static long waitingFor(TopologyHarness h) {
        return DumpProgress.decode(h.store(DumpTopology.PROGRESS_STORE).get(sample.dumpId())).waitingForPfn();
    }

    @Test
    void withEveryChunkInAPageTheDumpLacksIsWaitedForUntilTheSealThenTheReportGoesOut() throws Exception {
        TopologyHarness h = live();
        h.metadata(sample);
        for (int i = 0; i < sample.chunks().size(); i++) {
            h.chunk(sample, i);
        }
        assertEquals(List.of(), h.reports(), "before the seal a page not seen yet may still come");
        long pfn = waitingFor(h);
        assertTrue(pfn >= 0 && sample.chunks().stream().noneMatch(c -> carries(c, pfn)),
                "waits for pfn " + Long.toHexString(pfn) + ", which no chunk carries");
        h.seal(sample);
        CrashReport r = onlyReport(h);
        assertGroundTruth(r);
        assertTrue(r.getTimings().getSealed() != null, "reported at the seal");
    }

    private static boolean carries(io.crashpipe.schemas.events.PageChunk c, long pfn) {
        return java.util.stream.Stream.concat(ChunkDecoder.spans(c.getPages()).stream(),
                ChunkDecoder.spans(c.getZeroPages()).stream()).anyMatch(s -> s.contains(pfn));
    }

    @Test
    void chunksInReverseAndShuffledOrderGiveTheSameReport() throws Exception {
        TopologyHarness inOrder = live();
        inOrder.upload(sample);
        CrashReport expected = content(onlyReport(inOrder));

        List<Integer> reversed = new ArrayList<>(IntStream.range(0, sample.chunks().size()).boxed().toList());
        Collections.reverse(reversed);
        List<Integer> shuffled = new ArrayList<>(reversed);
        Collections.shuffle(shuffled, new java.util.Random(15));
        for (List<Integer> order : List.of(reversed, shuffled)) {
            TopologyHarness h = live();
            h.metadata(sample);
            h.chunks(sample, order);
            h.seal(sample);
            CrashReport r = onlyReport(h);
            assertEquals(expected, content(r), "order " + order);
            assertGroundTruth(r);
        }
    }

    @Test
    void duplicateChunksAndARepeatedMetadataStillGiveExactlyOneReport() throws Exception {
        TopologyHarness h = live();
        h.metadata(sample);
        for (int i = sample.chunks().size() - 1; i >= 0; i--) { // cold chunks first, so the report waits for the hot ones
            h.chunk(sample, i);
            h.chunk(sample, i); // the gateway retried: the same chunk twice
        }
        h.metadata(sample); // an agent restart re-announces the dump
        h.seal(sample);
        h.seal(sample);
        CrashReport r = onlyReport(h);
        assertGroundTruth(r);
        assertEquals(sample.chunks().size(), r.getTimings().getChunksSeen(), "a repeated chunk counts once");
        assertEquals(List.of(), h.deadLetters());
    }

    @Test
    void pagesAndSealBeforeTheMetadataAreAnalysedWhenItArrives() throws Exception {
        TopologyHarness h = live();
        for (int i = 0; i < sample.chunks().size(); i++) {
            h.chunk(sample, i);
        }
        h.seal(sample);
        assertEquals(List.of(), h.reports(), "nothing to analyse without the metadata");
        h.metadata(sample);
        CrashReport r = onlyReport(h);
        assertGroundTruth(r);
        assertEquals(sample.chunks().size(), r.getTimings().getChunksSeen());
    }

    @Test
    void metadataAfterThePagesRunsThePassOnThemAndTheSealThenReports() throws Exception {
        TopologyHarness h = live();
        for (int i = 0; i < sample.chunks().size(); i++) {
            h.chunk(sample, i);
        }
        assertEquals(-1, waitingFor(h), "no pass without the metadata");
        h.metadata(sample);
        assertTrue(waitingFor(h) >= 0, "the metadata's pass ran over the pages already indexed");
        assertEquals(List.of(), h.reports());
        h.seal(sample);
        CrashReport r = onlyReport(h);
        assertGroundTruth(r);
        assertEquals(2, r.getTimings().getPasses(), "one pass at the metadata, one at the seal");
    }

    @Test
    void aDumpWhoseEventsStopBeforeItsSealIsReportedPartialAfterTheStallTimeoutNamingTheMissingPages()
            throws Exception {
        TopologyHarness h = live();
        h.metadata(sample);
        h.chunk(sample, sample.chunks().size() - 1); // a cold chunk: no page the analysis reads
        assertEquals(List.of(), h.reports(), "waiting for pages, not reporting");
        h.advance(Duration.ofMinutes(9));
        assertEquals(List.of(), h.reports(), "not before the stall timeout (10 min)");
        h.advance(Duration.ofMinutes(2));
        CrashReport r = onlyReport(h);
        assertEquals(sample.dumpId(), r.getDumpId());
        assertEquals(1, r.getTimings().getChunksSeen());
        assertTrue(r.getSections().stream().noneMatch(SectionStatus::getComplete), r.getSections().toString());
        for (SectionStatus s : r.getSections()) {
            assertFalse(s.getNote().isEmpty(), s.getName() + " says why it is partial");
        }
        assertTrue(r.getSections().stream().anyMatch(s -> s.getNote().contains("pfn")), "a missing page is named: "
                + r.getSections());
        assertEquals(List.of(), h.deadLetters());
    }

    /**
     * A crash storm held agents back by retries for longer than the stall timeout: their dumps were
     * reported partial, and the pages that came afterwards were accepted and never read.
     */
    @Test
    void anUploadThatResumesAfterItsStallReportEndsInACompleteReportReplacingThePartialOne() throws Exception {
        TopologyHarness h = live();
        h.metadata(sample);
        int cold = sample.chunks().size() - 1;
        h.chunk(sample, cold);
        h.advance(Duration.ofMinutes(11));
        CrashReport partial = onlyReport(h);
        assertTrue(partial.getSections().stream().noneMatch(SectionStatus::getComplete), partial.getSections().toString());
        for (int i = 0; i < sample.chunks().size(); i++) {
            if (i != cold) {
                h.chunk(sample, i);
            }
        }
        h.seal(sample);
        CrashReport last = onlyReport(h); // the partial one was read above: this is the second report
        assertGroundTruth(last);
        assertEquals(sample.chunks().size(), last.getTimings().getChunksSeen());
        assertEquals(last.getLogRecords(), h.logLines().stream().map(KernelLogLine::getSequence)
                .distinct().count(), "every log line of the complete report went out");
        h.advance(Duration.ofMinutes(11));
        assertEquals(List.of(), h.reports(), "a complete dump does not stall again");
        assertEquals(List.of(), h.deadLetters());
    }

    @Test
    void aFinishedDumpsStateIsPurgedAfterTheGraceTimeAndALateDuplicateBeforeThatAddsNothing() throws Exception {
        TopologyHarness h = live();
        h.upload(sample);
        onlyReport(h);
        assertTrue(h.entries(DumpTopology.PAGE_INDEX_STORE) > 0);
        h.advance(Duration.ofMinutes(5));
        h.chunk(sample, 0); // a late retry inside the grace time
        h.metadata(sample);
        assertEquals(List.of(), h.reports(), "the dump is known as reported: no second report");
        assertTrue(h.store(DumpTopology.PROGRESS_STORE).get(sample.dumpId()) != null);
        h.advance(Duration.ofMinutes(11));
        assertNull(h.store(DumpTopology.PROGRESS_STORE).get(sample.dumpId()), "progress purged");
        assertNull(h.store(DumpTopology.METADATA_STORE).get(sample.dumpId()), "metadata purged");
        assertEquals(0, h.entries(DumpTopology.PAGE_INDEX_STORE), "page index purged");
        assertEquals(List.of(), h.reports());
    }

    @Test
    void chunksWithoutMetadataAreForgottenAfterTheGraceTime() throws Exception {
        TopologyHarness h = live();
        h.chunk(sample, 0);
        h.advance(Duration.ofMinutes(11));
        assertEquals(0, h.entries(DumpTopology.PROGRESS_STORE));
        assertEquals(0, h.entries(DumpTopology.PAGE_INDEX_STORE));
        assertEquals(List.of(), h.reports());
    }

    @Test
    void aRegistryOutageIsWaitedOutNeverDeadLettered() throws Exception {
        TopologyHarness h = live();
        h.metadata(sample); // the topology learns the metadata's schema while the registry answers
        h.registerOnTheAgentSide(sample); // the gateway registered the chunk schemas long ago
        registry.down(true);
        // The first chunk carries a schema id the topology has not seen: decoding needs the registry,
        // and so does registering the report's schemas when the report goes out.
        Thread piping = new Thread(() -> {
            for (int i = 0; i < sample.chunks().size(); i++) {
                h.chunk(sample, i);
            }
            h.seal(sample);
        });
        int before = registry.refused();
        piping.start();
        piping.join(3000);
        assertTrue(piping.isAlive(), "the topology waits while the registry is down");
        assertTrue(registry.refused() > before + 1, "and keeps asking it (" + (registry.refused() - before) + " tries)");
        registry.down(false);
        piping.join(60_000);
        assertFalse(piping.isAlive());
        assertGroundTruth(onlyReport(h));
        assertEquals(List.of(), h.deadLetters(), "nothing dead-lettered");
    }

    @Test
    void aRegistryWaitCutShortFailsTheRecordForARetryInsteadOfDeadLetteringIt() throws Exception {
        TopologyHarness h = live();
        h.metadata(sample);
        h.registerOnTheAgentSide(sample);
        registry.down(true);
        Throwable[] thrown = new Throwable[1];
        Thread piping = new Thread(() -> {
            try {
                h.chunk(sample, 0);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        piping.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (registry.refused() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        piping.interrupt(); // a shutdown while waiting
        piping.join(30_000);
        registry.down(false);
        assertTrue(thrown[0] != null, "the record is not taken as processed");
        boolean outage = false;
        for (Throwable t = thrown[0]; t != null; t = t.getCause()) {
            outage |= String.valueOf(t.getMessage()).contains("schema registry unavailable");
        }
        assertTrue(outage, "failed as an outage: " + thrown[0]);
        assertEquals(List.of(), h.deadLetters(), "nothing dead-lettered");
    }

    @Test
    void aReplayAtAnOlderParserVersionReportsTheSameContentStampedWithThatVersion() throws Exception {
        TopologyHarness first = live();
        first.upload(sample);
        CrashReport original = onlyReport(first);

        TopologyHarness replay = topology(TopologyHarness.Settings.LIVE.asReplay("0.0.9"));
        replay.upload(sample);
        CrashReport again = onlyReport(replay);
        assertEquals("0.0.9", again.getParserVersion());
        assertEquals(content(original), content(again));
        assertEquals(original.getLogRecords(), replay.logLines().stream()
                .filter(l -> l.getParserVersion().equals("0.0.9")).count());
        assertEquals(0, replay.shared.skipped().get());
    }

    @Test
    void aReplayWhoseSealShowsChunksGoneSkipsTheDumpAndSaysSo() throws Exception {
        TopologyHarness replay = topology(TopologyHarness.Settings.LIVE.asReplay("0.2.0"));
        replay.metadata(sample);
        // Retention deleted the oldest segments: the hot chunks, sent first, are gone; the rest and the seal remain.
        for (int i = sample.hotChunks(); i < sample.chunks().size(); i++) {
            replay.chunk(sample, i);
        }
        replay.seal(sample);
        assertEquals(List.of(), replay.reports(), "no partial report to replace the complete one");
        List<TestRecord<String, byte[]>> dead = replay.deadLetters();
        assertEquals(1, dead.size());
        String reason = header(dead.getFirst(), DeadLetterHeaders.ERROR);
        assertTrue(reason.contains(sample.dumpId()) && reason.contains(sample.hotChunks() + " of its "
                + sample.chunks().size() + " page chunks are no longer in dump-pages"), reason);
        assertEquals(1, replay.shared.skipped().get());
        replay.advance(Duration.ofMinutes(11));
        assertEquals(List.of(), replay.reports(), "not even after the stall timeout");
        assertNull(replay.store(DumpTopology.PROGRESS_STORE).get(sample.dumpId()), "purged like a reported dump");
    }

    @Test
    void aReplayMeetingTheSealBeforeTheMetadataStillSkipsADumpShortOfChunks() throws Exception {
        TopologyHarness replay = topology(TopologyHarness.Settings.LIVE.asReplay("0.2.0"));
        replay.chunk(sample, sample.chunks().size() - 1);
        replay.seal(sample);
        replay.metadata(sample);
        assertEquals(List.of(), replay.reports());
        assertEquals(1, replay.shared.skipped().get());
        assertEquals(1, replay.deadLetters().size());
    }

    @Test
    void aReplayWhoseEventsStopBeforeTheSealSkipsTheDumpWhereALiveTopologyReportsItPartial() throws Exception {
        TopologyHarness replay = topology(TopologyHarness.Settings.LIVE.asReplay("0.2.0"));
        replay.metadata(sample); // pages and seal all expired, the metadata stayed
        replay.advance(Duration.ofMinutes(11));
        assertEquals(List.of(), replay.reports());
        assertEquals(1, replay.shared.skipped().get());
        assertTrue(DumpProgress.decode(replay.store(DumpTopology.PROGRESS_STORE).get(sample.dumpId())).skipped());

        TopologyHarness live = live();
        live.metadata(sample);
        live.advance(Duration.ofMinutes(11));
        assertEquals(1, live.reports().size(), "live, the stall is reported partial");
    }

    private static String header(TestRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        assertTrue(h != null, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}

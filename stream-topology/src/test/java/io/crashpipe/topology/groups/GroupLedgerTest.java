package io.crashpipe.topology.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.schemas.results.AlertKind;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.results.ReleaseSeen;
import io.crashpipe.schemas.state.GroupState;
import io.crashpipe.schemas.state.GroupedDump;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupLedgerTest {
    static final long DAY = Duration.ofDays(1).toMillis();
    static final long T0 = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
    final GroupLedger ledger = new GroupLedger(new AlertRules(Duration.ofDays(14), 7, 3.0, 3));

    static GroupedDump dump(String id, String host, String release, long time, int change) {
        return GroupedDump.newBuilder().setDumpId(id).setSignature("sig").setTitle("BUG: x in f").setType("BUG")
                .setFrame("f").setParserVersion("0.1.0").setHostname(host).setKernelRelease(release).setCrashTime(time)
                .setChange(change).build();
    }

    GroupState state;

    List<CrashAlert> apply(GroupedDump d) {
        GroupLedger.Applied a = ledger.apply(state, d, 0);
        state = a.state();
        return a.alerts();
    }

    static List<AlertKind> kinds(List<CrashAlert> alerts) {
        return alerts.stream().map(CrashAlert::getKind).toList();
    }

    @Test
    void theFirstDumpIsANewSignatureAndANewReleaseOfAKnownOneIsARegressionCandidate() {
        assertEquals(List.of(AlertKind.NEW_SIGNATURE), kinds(apply(dump("d1", "h1", "6.1", T0, 1))));
        assertEquals(List.of(), kinds(apply(dump("d2", "h2", "6.1", T0 + DAY, 1))));
        List<CrashAlert> a = apply(dump("d3", "h1", "6.12", T0 + 2 * DAY, 1));
        assertEquals(List.of(AlertKind.FIRST_ON_RELEASE), kinds(a));
        assertEquals("6.12", a.get(0).getKernelRelease());
        assertEquals(3, a.get(0).getGroupCount());
        assertEquals(3, state.getGroup().getCount());
        assertEquals(2, state.getGroup().getHosts().getCount());
        assertEquals(List.of("h1", "h2"), state.getGroup().getHosts().getSample());
        assertEquals(List.of("6.1", "6.12"), state.getGroup().getKernelReleases().stream().map(ReleaseSeen::getRelease).toList());
        assertEquals(List.of("d3", "d2", "d1"), state.getGroup().getExampleDumpIds());
    }

    @Test
    void aCrashAfterTheQuietPeriodIsBackAndASpikeNeedsABaselineAndIsRaisedOncePerDay() {
        apply(dump("d1", "h1", "6.1", T0, 1));
        assertEquals(List.of(AlertKind.BACK_AFTER_QUIET), kinds(apply(dump("d2", "h1", "6.1", T0 + 20 * DAY, 1))));
        assertEquals(List.of(), kinds(apply(dump("d3", "h2", "6.1", T0 + 20 * DAY + 1, 1))));
        List<CrashAlert> spike = apply(dump("d4", "h3", "6.1", T0 + 20 * DAY + 2, 1));
        assertEquals(List.of(AlertKind.SPIKE), kinds(spike));
        assertEquals("2026-10-21", spike.get(0).getDay());
        assertEquals(3L, spike.get(0).getDayCount());
        assertEquals(List.of(), kinds(apply(dump("d5", "h4", "6.1", T0 + 20 * DAY + 3, 1))), "one spike a day");
        // the same alert condition always gets the same id
        assertEquals(Alerts.id(AlertKind.SPIKE, "sig", "2026-10-21"), spike.get(0).getAlertId());
    }

    @Test
    void aSignatureYoungerThanTheBaselineWindowNeverSpikes() {
        apply(dump("d1", "h1", "6.1", T0, 1));
        apply(dump("d2", "h1", "6.1", T0 + 1, 1));
        assertEquals(List.of(), kinds(apply(dump("d3", "h1", "6.1", T0 + 2, 1))));
    }

    @Test
    void aDumpLeavingTakesExactlyItsShareAndARejoinRaisesNothing() {
        apply(dump("d1", "h1", "6.1", T0, 1));
        apply(dump("d2", "h2", "6.12", T0 + DAY, 1));
        apply(dump("d2", "h2", "6.12", T0 + DAY, -1));
        assertEquals(1, state.getGroup().getCount());
        assertEquals(List.of("h1"), state.getGroup().getHosts().getSample());
        assertEquals(0, state.getGroup().getKernelReleases().get(1).getCount());
        assertEquals(List.of("d1"), state.getGroup().getExampleDumpIds());
        assertEquals(List.of(), kinds(apply(dump("d2", "h2", "6.12", T0 + DAY, 0))), "a newer report of a counted dump");
        assertEquals(2, state.getGroup().getCount());
        assertEquals("d2", state.getGroup().getLatest().getDumpId());
    }

    @Test
    void aLeaveOfAGroupNeverSeenChangesNothing() {
        assertNull(ledger.apply(null, dump("d1", "h1", "6.1", T0, -1), 0).state());
    }

    @Test
    void pastTheHostCapTheHostCountIsALowerBoundAndSaysSo() {
        GroupLedger small = new GroupLedger(new AlertRules(Duration.ofDays(14), 7, 3.0, 3), 2);
        GroupState s = null;
        for (String h : List.of("a", "b", "c", "d")) {
            s = small.apply(s, dump("d-" + h, h, "6.1", T0, 1), 0).state();
        }
        assertEquals(4, s.getGroup().getCount());
        assertEquals(3, s.getGroup().getHosts().getCount());
        assertFalse(s.getGroup().getHosts().getExact());
        assertTrue(s.getHostDumps().size() <= 2);
    }

    @Test
    void everyChangeRaisesTheRevisionTheIndexVersionsBy() {
        apply(dump("d1", "h1", "6.1", T0, 1));
        long r1 = state.getGroup().getRevision();
        apply(dump("d1", "h1", "6.1", T0, -1));
        apply(dump("d1", "h1", "6.1", T0, 0));
        assertEquals(r1 + 2, state.getGroup().getRevision());
    }
}

package io.crashpipe.topology.groups;

import io.crashpipe.schemas.EventTypes;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.results.CrashGroup;
import io.crashpipe.schemas.results.HostTally;
import io.crashpipe.schemas.results.LatestReport;
import io.crashpipe.schemas.results.ReleaseSeen;
import io.crashpipe.schemas.state.GroupState;
import io.crashpipe.schemas.state.GroupedDump;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies one change of a group (a dump joining, leaving or rejoining it) to the group's state:
 * pure, so that the aggregation's rules are tested without Kafka. First and last seen only ever
 * widen (a dump moving away leaves the group's history as it was); counts, hosts, releases and
 * days are reference counts, so a dump that moves away takes exactly its own share with it.
 *
 * <p>Hosts are an exact map of host to dumps, capped at {@link #HOST_CAP} hosts: a sketch
 * (HyperLogLog) would be smaller but cannot forget a host when its dump moves to another
 * signature, and the cap keeps a group's state under ~100 KiB whatever the fleet; past the cap
 * the count is a lower bound and says so ({@code hosts.exact = false}).
 */
final class GroupLedger {
    static {
        EventTypes.trust(); // copying and decoding the generated state classes needs Avro to trust their package
    }

    static final int HOST_CAP = 4096;
    static final int HOST_SAMPLE = 10;
    static final int EXAMPLES = 5;
    /** Daily counts are kept this long past the newest day (the spike baseline needs a week or so). */
    static final int DAYS_KEPT = 62;

    private final AlertRules rules;
    private final int hostCap;

    GroupLedger(AlertRules rules, int hostCap) {
        this.rules = rules;
        this.hostCap = hostCap;
    }

    GroupLedger(AlertRules rules) {
        this(rules, HOST_CAP);
    }

    /** The group after the change, and the alerts the change raises. */
    record Applied(GroupState state, List<CrashAlert> alerts) {}

    Applied apply(GroupState before, GroupedDump d, long now) {
        if (d.getChange() < 0) {
            return new Applied(before == null ? null : leave(before, d, now), List.of());
        }
        List<CrashAlert> alerts = new ArrayList<>();
        if (d.getChange() > 0) {
            alerts.addAll(arrivalAlerts(before, d, now));
        }
        GroupState after = join(before, d, now);
        if (d.getChange() > 0) {
            spike(after, d, now).ifPresent(a -> {
                alerts.add(a);
                after.getSpikeDays().add(a.getDay());
            });
        }
        return new Applied(after, alerts);
    }

    private List<CrashAlert> arrivalAlerts(GroupState before, GroupedDump d, long now) {
        if (before == null) {
            return List.of(Alerts.newSignature(d, now));
        }
        List<CrashAlert> out = new ArrayList<>();
        CrashGroup g = before.getGroup();
        boolean releaseKnown = g.getKernelReleases().stream().anyMatch(r -> r.getRelease().equals(d.getKernelRelease()));
        if (!releaseKnown) {
            out.add(Alerts.firstOnRelease(d, g.getCount() + 1, now));
        }
        long quiet = d.getCrashTime() - g.getLastSeen().toEpochMilli();
        if (quiet >= rules.quietPeriod().toMillis()) {
            out.add(Alerts.backAfterQuiet(d, g.getCount() + 1, quiet, now));
        }
        return out;
    }

    private java.util.Optional<CrashAlert> spike(GroupState s, GroupedDump d, long now) {
        LocalDate day = day(d.getCrashTime());
        String key = day.toString();
        long dayCount = s.getDumpsPerDay().getOrDefault(key, 0L);
        LocalDate windowStart = day.minusDays(rules.baselineDays());
        boolean hasBaseline = !day(s.getGroup().getFirstSeen().toEpochMilli()).isAfter(windowStart);
        if (!hasBaseline || dayCount < rules.spikeMinCount() || s.getSpikeDays().contains(key)) {
            return java.util.Optional.empty();
        }
        long sum = 0;
        for (LocalDate x = windowStart; x.isBefore(day); x = x.plusDays(1)) {
            sum += s.getDumpsPerDay().getOrDefault(x.toString(), 0L);
        }
        double baseline = (double) sum / rules.baselineDays();
        if (dayCount < rules.spikeFactor() * Math.max(1.0, baseline)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Alerts.spike(d, s.getGroup().getCount(), key, dayCount, baseline, now));
    }

    private GroupState join(GroupState before, GroupedDump d, long now) {
        GroupState s = before != null ? GroupState.newBuilder(before).build() : fresh(d, now);
        CrashGroup g = s.getGroup();
        Instant t = Instant.ofEpochMilli(d.getCrashTime());
        g.setTitle(d.getTitle());
        g.setType(d.getType());
        g.setFrame(d.getFrame());
        g.setCount(g.getCount() + 1);
        if (t.isBefore(g.getFirstSeen())) {
            g.setFirstSeen(t);
        }
        if (t.isAfter(g.getLastSeen())) {
            g.setLastSeen(t);
        }
        addHost(s, d.getHostname(), 1);
        joinRelease(g, d, t);
        addDay(s, d.getCrashTime(), 1);
        List<GroupedDump> ex = new ArrayList<>(s.getExamples().stream()
                .filter(e -> !e.getDumpId().equals(d.getDumpId())).toList());
        ex.add(GroupedDumps.withChange(d, 1));
        ex.sort(Comparator.comparingLong(GroupedDump::getCrashTime).reversed().thenComparing(GroupedDump::getDumpId));
        s.setExamples(new ArrayList<>(ex.subList(0, Math.min(EXAMPLES, ex.size()))));
        return finish(s, now);
    }

    private GroupState leave(GroupState before, GroupedDump d, long now) {
        GroupState s = GroupState.newBuilder(before).build();
        CrashGroup g = s.getGroup();
        g.setCount(Math.max(0, g.getCount() - 1));
        addHost(s, d.getHostname(), -1);
        for (ReleaseSeen r : g.getKernelReleases()) {
            if (r.getRelease().equals(d.getKernelRelease())) {
                r.setCount(Math.max(0, r.getCount() - 1));
            }
        }
        addDay(s, d.getCrashTime(), -1);
        s.setExamples(new ArrayList<>(s.getExamples().stream().filter(e -> !e.getDumpId().equals(d.getDumpId())).toList()));
        return finish(s, now);
    }

    private static GroupState fresh(GroupedDump d, long now) {
        Instant t = Instant.ofEpochMilli(d.getCrashTime());
        CrashGroup g = CrashGroup.newBuilder().setSignature(d.getSignature()).setTitle(d.getTitle()).setType(d.getType())
                .setFrame(d.getFrame()).setFirstSeen(t).setLastSeen(t).setCount(0)
                .setHosts(HostTally.newBuilder().setCount(0).setExact(true).setSample(new ArrayList<>()).build())
                .setKernelReleases(new ArrayList<>()).setExampleDumpIds(new ArrayList<>())
                .setLatest(latest(d)).setRevision(0).setUpdated(Instant.ofEpochMilli(now)).build();
        return GroupState.newBuilder().setGroup(g).setHostDumps(new HashMap<>()).setUntrackedHostDumps(0)
                .setDumpsPerDay(new HashMap<>()).setSpikeDays(new ArrayList<>()).setExamples(new ArrayList<>()).build();
    }

    private void addHost(GroupState s, String host, int delta) {
        Map<String, Long> hosts = new HashMap<>(s.getHostDumps());
        Long n = hosts.get(host);
        if (n == null && delta > 0 && hosts.size() >= hostCap) {
            s.setUntrackedHostDumps(s.getUntrackedHostDumps() + delta);
        } else if (n == null && delta < 0) {
            s.setUntrackedHostDumps(Math.max(0, s.getUntrackedHostDumps() + delta));
        } else {
            long m = (n == null ? 0 : n) + delta;
            if (m <= 0) {
                hosts.remove(host);
            } else {
                hosts.put(host, m);
            }
        }
        s.setHostDumps(hosts);
    }

    private static void joinRelease(CrashGroup g, GroupedDump d, Instant t) {
        List<ReleaseSeen> rs = new ArrayList<>(g.getKernelReleases());
        ReleaseSeen r = rs.stream().filter(x -> x.getRelease().equals(d.getKernelRelease())).findFirst().orElse(null);
        if (r == null) {
            rs.add(ReleaseSeen.newBuilder().setRelease(d.getKernelRelease()).setFirstSeen(t).setLastSeen(t).setCount(1).build());
        } else {
            r.setCount(r.getCount() + 1);
            if (t.isBefore(r.getFirstSeen())) {
                r.setFirstSeen(t);
            }
            if (t.isAfter(r.getLastSeen())) {
                r.setLastSeen(t);
            }
        }
        rs.sort(Comparator.comparing(ReleaseSeen::getFirstSeen).thenComparing(ReleaseSeen::getRelease));
        g.setKernelReleases(rs);
    }

    private static void addDay(GroupState s, long time, int delta) {
        TreeMap<String, Long> days = new TreeMap<>(s.getDumpsPerDay());
        String key = day(time).toString();
        long n = days.getOrDefault(key, 0L) + delta;
        if (n <= 0) {
            days.remove(key);
        } else {
            days.put(key, n);
        }
        if (!days.isEmpty()) {
            String oldest = LocalDate.parse(days.lastKey()).minusDays(DAYS_KEPT).toString();
            days.headMap(oldest).clear();
            s.setSpikeDays(new ArrayList<>(s.getSpikeDays().stream().filter(x -> x.compareTo(oldest) >= 0).toList()));
        }
        s.setDumpsPerDay(new HashMap<>(days));
    }

    /** The published fields that derive from the state, and a new revision. */
    private static GroupState finish(GroupState s, long now) {
        CrashGroup g = s.getGroup();
        List<String> sample = s.getHostDumps().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(HOST_SAMPLE).map(Map.Entry::getKey).toList();
        g.setHosts(HostTally.newBuilder().setCount(s.getHostDumps().size() + (s.getUntrackedHostDumps() > 0 ? 1 : 0))
                .setExact(s.getUntrackedHostDumps() == 0).setSample(new ArrayList<>(sample)).build());
        g.setExampleDumpIds(new ArrayList<>(s.getExamples().stream().map(GroupedDump::getDumpId).toList()));
        if (!s.getExamples().isEmpty()) {
            g.setLatest(latest(s.getExamples().get(0)));
        }
        g.setRevision(g.getRevision() + 1);
        g.setUpdated(Instant.ofEpochMilli(now));
        return s;
    }

    private static LatestReport latest(GroupedDump d) {
        return LatestReport.newBuilder().setDumpId(d.getDumpId()).setHostname(d.getHostname())
                .setKernelRelease(d.getKernelRelease()).setCrashTime(Instant.ofEpochMilli(d.getCrashTime()))
                .setParserVersion(d.getParserVersion()).build();
    }

    static LocalDate day(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
    }
}

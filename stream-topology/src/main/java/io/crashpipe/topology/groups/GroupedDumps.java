package io.crashpipe.topology.groups;

import io.crashpipe.schemas.results.CrashReport;
import io.crashpipe.schemas.results.OopsReport;
import io.crashpipe.schemas.state.GroupedDump;
import java.util.Optional;

/** A crash report as the groups aggregation counts it: its signature and the identity of its dump. */
final class GroupedDumps {
    private GroupedDumps() {}

    /**
     * Empty when the report has no crash report in its log (nothing to group by). The time is the
     * crash time; without one (no CRASHTIME, no timekeeper), when the topology first saw the dump;
     * else the record's timestamp.
     */
    static Optional<GroupedDump> of(CrashReport r, long recordTimestamp) {
        OopsReport oops = r.getOops();
        if (oops == null || oops.getSignature() == null || oops.getSignature().isBlank()) {
            return Optional.empty();
        }
        long time = r.getCrashTime() != null ? r.getCrashTime().toEpochMilli()
                : r.getTimings() != null && r.getTimings().getFirstSeen() != null
                        ? r.getTimings().getFirstSeen().toEpochMilli() : recordTimestamp;
        return Optional.of(GroupedDump.newBuilder()
                .setDumpId(r.getDumpId())
                .setSignature(oops.getSignature())
                .setTitle(oops.getTitle())
                .setType(oops.getType())
                .setFrame(oops.getFrame())
                .setParserVersion(r.getParserVersion())
                .setHostname(r.getHostname())
                .setKernelRelease(r.getKernelRelease())
                .setCrashTime(time)
                .setChange(1)
                .build());
    }

    static GroupedDump withChange(GroupedDump d, int change) {
        return GroupedDump.newBuilder(d).setChange(change).build();
    }
}

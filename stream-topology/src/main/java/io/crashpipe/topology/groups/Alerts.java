package io.crashpipe.topology.groups;

import io.crashpipe.schemas.results.AlertKind;
import io.crashpipe.schemas.results.CrashAlert;
import io.crashpipe.schemas.state.GroupedDump;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The alert events, each with an id made of what makes it one occurrence (kind, signature and
 * the release, dump or day), so a re-processed change raises the same id and every consumer
 * can drop the copy.
 */
final class Alerts {
    private Alerts() {}

    static CrashAlert newSignature(GroupedDump d, long now) {
        return base(AlertKind.NEW_SIGNATURE, d, 1, now, "")
                .setSummary("new crash signature: " + d.getTitle() + " (host " + d.getHostname() + ", kernel "
                        + d.getKernelRelease() + ")")
                .build();
    }

    static CrashAlert firstOnRelease(GroupedDump d, long count, long now) {
        return base(AlertKind.FIRST_ON_RELEASE, d, count, now, d.getKernelRelease())
                .setSummary("first crash on kernel " + d.getKernelRelease() + " (regression candidate): " + d.getTitle()
                        + " (" + count + " dumps in all)")
                .build();
    }

    static CrashAlert backAfterQuiet(GroupedDump d, long count, long quietMillis, long now) {
        return base(AlertKind.BACK_AFTER_QUIET, d, count, now, d.getDumpId())
                .setQuietMillis(quietMillis)
                .setSummary("crashing again after " + Duration.ofMillis(quietMillis).toDays() + " days quiet: " + d.getTitle()
                        + " (host " + d.getHostname() + ", kernel " + d.getKernelRelease() + ")")
                .build();
    }

    static CrashAlert spike(GroupedDump d, long count, String day, long dayCount, double baseline, long now) {
        return base(AlertKind.SPIKE, d, count, now, day)
                .setDay(day).setDayCount(dayCount).setBaseline(baseline)
                .setSummary(String.format("spike on %s: %d dumps against a baseline of %.2f a day: %s", day, dayCount,
                        baseline, d.getTitle()))
                .build();
    }

    private static CrashAlert.Builder base(AlertKind kind, GroupedDump d, long count, long now, String occurrence) {
        return CrashAlert.newBuilder()
                .setAlertId(id(kind, d.getSignature(), occurrence))
                .setKind(kind)
                .setSignature(d.getSignature())
                .setTitle(d.getTitle())
                .setType(d.getType())
                .setFrame(d.getFrame())
                .setDumpId(d.getDumpId())
                .setHostname(d.getHostname())
                .setKernelRelease(d.getKernelRelease())
                .setCrashTime(Instant.ofEpochMilli(d.getCrashTime()))
                .setRaisedAt(Instant.ofEpochMilli(now))
                .setGroupCount(count);
    }

    /** 32 hex digits of SHA-256 over kind, signature and occurrence. */
    static String id(AlertKind kind, String signature, String occurrence) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest((kind.name() + "\n" + signature + "\n" + occurrence).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

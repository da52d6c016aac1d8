package io.crashpipe.sink.doc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.schemas.results.CrashGroup;
import io.crashpipe.schemas.results.ReleaseSeen;
import io.crashpipe.sink.SinkIndices;
import io.crashpipe.sink.write.SinkDocument;

/**
 * A crash group as indexed in {@code crash-groups}: id the signature (idempotent), external
 * version the group's revision, so a re-delivered or older record never replaces a newer one.
 * {@code @timestamp} is the last crash, so Kibana's time picker shows the groups active then.
 */
public final class CrashGroupDocument {
    public static final String DATASET = "crashpipe.crash_group";

    private CrashGroupDocument() {}

    public static SinkDocument of(CrashGroup g, SinkIndices indices) {
        return new SinkDocument(indices.crashGroups(), g.getSignature(), g.getRevision(), source(g));
    }

    public static ObjectNode source(CrashGroup g) {
        ObjectNode o = Sources.object();
        Sources.put(o, "@timestamp", g.getLastSeen());
        ObjectNode event = o.putObject("event");
        Sources.put(event, "created", g.getUpdated());
        event.put("dataset", DATASET);
        ObjectNode crash = o.putObject("crash");
        crash.put("signature", g.getSignature());
        crash.put("title", g.getTitle());
        crash.put("type", g.getType());
        if (g.getFrame() != null) {
            crash.put("frame", g.getFrame());
        }
        ObjectNode group = o.putObject("group");
        group.put("count", g.getCount());
        Sources.put(group, "first_seen", g.getFirstSeen());
        Sources.put(group, "last_seen", g.getLastSeen());
        group.put("revision", g.getRevision());
        ObjectNode hosts = group.putObject("hosts");
        hosts.put("count", g.getHosts().getCount());
        hosts.put("exact", g.getHosts().getExact());
        ArrayNode sample = hosts.putArray("sample");
        g.getHosts().getSample().forEach(sample::add);
        ArrayNode names = group.putArray("kernel_release");
        ArrayNode releases = group.putArray("kernel_releases");
        for (ReleaseSeen r : g.getKernelReleases()) {
            names.add(r.getRelease());
            ObjectNode x = releases.addObject();
            x.put("release", r.getRelease());
            Sources.put(x, "first_seen", r.getFirstSeen());
            Sources.put(x, "last_seen", r.getLastSeen());
            x.put("count", r.getCount());
        }
        ArrayNode examples = group.putArray("example_dump_ids");
        g.getExampleDumpIds().forEach(examples::add);
        ObjectNode latest = group.putObject("latest");
        latest.put("dump_id", g.getLatest().getDumpId());
        latest.put("host", g.getLatest().getHostname());
        latest.put("kernel_release", g.getLatest().getKernelRelease());
        Sources.put(latest, "crash_time", g.getLatest().getCrashTime());
        latest.put("parser_version", g.getLatest().getParserVersion());
        return o;
    }
}

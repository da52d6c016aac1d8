package io.crashpipe.cli.bench.storm;

import io.crashpipe.agent.DumpId;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.dump.kdump.KdumpRestamp;
import io.crashpipe.parsers.printk.KernelLogReader;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dumps of a simulated fleet: copies of small (shrunk) kdump files, each restamped with the
 * host it crashed on and a time of its own ({@link KdumpRestamp}), so every copy has its own
 * content-derived dump id while its analyses read the same memory. Each carries the number of
 * kernel-log records the offline {@code crashpipe log --json} gives for it.
 */
final class StormDumps {
    /** One host's dump. */
    record HostDump(String host, Path file, String dumpId, int logLines) {}

    private StormDumps() {}

    /**
     * @param count dumps in all, spread over {@code hosts} hosts round-robin and over the
     *        sources in turn
     */
    static List<HostDump> make(List<Path> sources, int count, int hosts, Path dir, Instant stormStart) throws IOException {
        Files.createDirectories(dir);
        List<HostDump> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Path source = sources.get(i % sources.size());
            String host = String.format("storm-host-%03d", i % hosts);
            Path file = dir.resolve(host + "-dump-" + i + ".kdump");
            Files.copy(source, file, StandardCopyOption.REPLACE_EXISTING);
            KdumpRestamp.restamp(file, host, stormStart.plus(Duration.ofMillis(i)));
            String id = DumpId.of(file);
            Integer before = seen.put(id, i);
            if (before != null) {
                throw new IOException(file + " has the dump id of dump " + before + " (" + id + "): restamping failed");
            }
            out.add(new HostDump(host, file, id, offlineLogLines(file)));
        }
        return out;
    }

    /** Records of the kernel log as {@code crashpipe log --json} prints them, one per line. */
    static int offlineLogLines(Path file) throws IOException {
        try (Dump d = Dumps.open(file)) {
            KernelView view = KernelView.of(d);
            return KernelLogReader.read(view.memory(), view.vmcoreinfo()).records().size();
        }
    }
}

package io.crashpipe.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.DumpHeader;
import io.crashpipe.parsers.dump.ElfNote;
import io.crashpipe.parsers.dump.PageCounts;
import io.crashpipe.parsers.dump.PageState;
import io.crashpipe.schemas.events.ContainerFormat;
import io.crashpipe.schemas.events.DumpHeaderFacts;
import io.crashpipe.schemas.events.DumpMetadata;
import io.crashpipe.schemas.events.DumpSource;
import io.crashpipe.schemas.events.HostIdentity;
import io.crashpipe.schemas.events.PageTally;
import io.crashpipe.schemas.events.PfnRun;
import io.crashpipe.schemas.events.UtsnameFacts;

/** The metadata event of a dump: header facts, notes, memory map, tallies, host, dmesg text. */
public final class MetadataBuilder {
    /** A dmesg file beyond this is not a dmesg file; cut, so the event stays well under the limit. */
    private static final int MAX_DMESG_BYTES = 4 * 1024 * 1024;

    private MetadataBuilder() {}

    public static DumpMetadata build(String dumpId, FoundDump found, Dump dump, String agentVersion) throws IOException {
        return build(dumpId, found, dump, agentVersion, AgentHost.local());
    }

    public static DumpMetadata build(String dumpId, FoundDump found, Dump dump, String agentVersion, AgentHost host)
            throws IOException {
        DumpHeader h = dump.header();
        List<ByteBuffer> notes = new ArrayList<>();
        for (ElfNote n : dump.notes()) {
            if (n.isPrstatus()) {
                notes.add(ByteBuffer.wrap(n.desc()));
            }
        }
        PageCounts c = dump.countPages();
        return DumpMetadata.newBuilder()
                .setDumpId(dumpId)
                .setHost(HostIdentity.newBuilder().setHostname(host.hostname()).setMachineId(host.machineId().orElse(null))
                        .setAgentVersion(agentVersion).build())
                .setSource(DumpSource.newBuilder().setPath(found.file().toAbsolutePath().toString())
                        .setLayout(found.layout()).setFileSize(Files.size(found.file())).build())
                .setContainer(switch (h.format()) {
                    case ELF -> ContainerFormat.ELF;
                    case KDUMP -> ContainerFormat.KDUMP;
                    case FLATTENED -> ContainerFormat.FLATTENED;
                    default -> ContainerFormat.UNKNOWN;
                })
                .setCompression(h.compression().name())
                .setArchitecture(h.utsname().map(u -> u.machine()).filter(s -> !s.isEmpty()).orElse("x86_64"))
                .setPageSize(h.pageSize())
                .setMaxPfn(h.maxPfn())
                .setMemoryMap(memoryMap(dump))
                .setHeader(DumpHeaderFacts.newBuilder()
                        .setUtsname(h.utsname().map(u -> UtsnameFacts.newBuilder().setSysname(u.sysname())
                                .setNodename(u.nodename()).setRelease(u.release()).setVersion(u.version())
                                .setMachine(u.machine()).setDomainname(u.domainname()).build()).orElse(null))
                        .setTimestamp(h.timestamp().orElse(null))
                        .setHeaderVersion(h.headerVersion().isPresent() ? h.headerVersion().getAsInt() : null)
                        .setDumpLevel(h.dumpLevel().isPresent() ? h.dumpLevel().getAsInt() : null)
                        .setNrCpus(h.nrCpus().isPresent() ? h.nrCpus().getAsInt() : null)
                        .setIncomplete(h.incomplete())
                        .build())
                .setVmcoreinfo(dump.vmcoreinfo().orElse(null))
                .setCpuNotes(notes)
                .setPageCounts(new PageTally(c.inRam(), c.dumped(), c.excluded(), c.zero(), c.notWritten()))
                .setDmesgText(found.dmesg().isPresent() ? dmesg(found.dmesg().get()) : null)
                .build();
    }

    /** RAM as runs of pfns: everything the dump does not call "not in RAM". */
    static List<PfnRun> memoryMap(Dump dump) {
        List<PfnRun> runs = new ArrayList<>();
        long start = -1;
        long max = dump.maxPfn();
        for (long pfn = 0; pfn <= max; pfn++) {
            boolean ram = pfn < max && dump.pageState(pfn) != PageState.NOT_IN_RAM;
            if (ram && start < 0) {
                start = pfn;
            } else if ((!ram || pfn - start == Integer.MAX_VALUE) && start >= 0) {
                runs.add(new PfnRun(start, (int) (pfn - start)));
                start = ram ? pfn : -1;
            }
        }
        return runs;
    }

    private static String dmesg(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        int n = Math.min(b.length, MAX_DMESG_BYTES);
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}

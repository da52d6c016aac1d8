package io.crashpipe.parsers.dump.kdump;

import io.crashpipe.parsers.dump.Utsname;
import io.crashpipe.parsers.io.FileByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Gives a kdump-compressed file another identity in place: the host name (utsname.nodename) and
 * the dump time of its {@code disk_dump_header}. Everything the analyses read (VMCOREINFO, notes,
 * pages) stays as it was, so a copy restamped this way is the same crash seen from another host
 * at another time, with its own content-derived dump id (a simulated fleet, crash storms).
 */
public final class KdumpRestamp {
    private KdumpRestamp() {}

    public static void restamp(Path file, String nodename, Instant timestamp) throws IOException {
        DiskDumpHeader h;
        try (FileByteSource src = new FileByteSource(file)) {
            h = DiskDumpHeader.read(src);
        }
        Utsname u = h.utsname();
        DiskDumpHeader restamped = new DiskDumpHeader(h.headerVersion(),
                new Utsname(u.sysname(), nodename, u.release(), u.version(), u.machine(), u.domainname()), timestamp,
                h.status(), h.blockSize(), h.subHdrSize(), h.bitmapBlocks(), h.maxMapnr32(), h.totalRamBlocks(),
                h.deviceBlocks(), h.writtenBlocks(), h.currentCpu(), h.nrCpus());
        // only the structure itself: the rest of block 0 is left as the writer left it
        ByteBuffer block = ByteBuffer.wrap(restamped.encode(), 0, DiskDumpHeader.SIZE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (block.hasRemaining()) {
                ch.write(block, block.position());
            }
        }
    }
}

package io.crashpipe.gateway;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

import io.crashpipe.schemas.events.DumpSealed;
import io.crashpipe.schemas.events.PageChunk;
import io.crashpipe.schemas.events.PfnRun;

/**
 * A CRC32C over an event's decoded fields (not its encoding, which a client may legally vary),
 * so a repeated sequence number or a second seal can be told apart from an honest retry.
 */
final class ContentDigest {
    private ContentDigest() {}

    static int of(PageChunk c) {
        CRC32C crc = new CRC32C();
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        crc.update(head.putInt(c.getSequence()).putInt(c.getCodec().ordinal()).putInt(c.getUncompressedSize()).flip());
        runs(crc, c.getPages());
        crc.update(new byte[] {(byte) 0xff}); // pages and zero pages are not interchangeable
        runs(crc, c.getZeroPages());
        crc.update(c.getPayload().duplicate());
        return (int) crc.getValue();
    }

    static int of(DumpSealed s) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(s.getChunkCount())
                .putLong(s.getPageCount()).putLong(s.getZeroPageCount()).flip());
        crc.update(s.getPageDataSha256().getBytes(StandardCharsets.US_ASCII));
        return (int) crc.getValue();
    }

    private static void runs(CRC32C crc, List<PfnRun> runs) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (PfnRun r : runs) {
            crc.update(b.clear().putLong(r.getStartPfn()).putInt(r.getCount()).flip());
        }
    }
}

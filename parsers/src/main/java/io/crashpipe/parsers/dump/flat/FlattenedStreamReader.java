package io.crashpipe.parsers.dump.flat;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.DumpFormat;
import io.crashpipe.parsers.dump.PageCodec;
import io.crashpipe.parsers.dump.kdump.KdumpFile;
import io.crashpipe.parsers.dump.kdump.PageDescriptor;
import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a flattened dump forward only (a pipe, a socket, ssh output) and hands out its pages
 * as soon as both a page's descriptor and its data have been seen. makedumpfile flushes page
 * data and descriptors from separate buffers, so data usually arrives before the descriptors
 * that name it: that data waits in a reorder buffer whose size is capped by the caller.
 *
 * <p>The metadata (header, sub-header, VMCOREINFO, notes, bitmaps) comes first in every stream
 * makedumpfile writes; {@link Listener#onMetadata} gets it as a {@link Dump} whose page reads
 * all fail (the page data goes to {@link Listener#onPage} instead).
 */
public final class FlattenedStreamReader {

    /** Receives what the stream carries, in stream order. */
    public interface Listener {
        void onMetadata(Dump metadata) throws IOException;

        /** One dumped page, decompressed ({@code page} is reused after the call returns). */
        void onPage(long pfn, byte[] page) throws IOException;
    }

    private final String name;
    private final long maxBufferedBytes;

    /**
     * @param name for messages
     * @param maxBufferedBytes cap on data held while waiting for the other half (descriptors or
     *     page data); a stream that needs more fails with a clear error instead of growing
     */
    public FlattenedStreamReader(String name, long maxBufferedBytes) {
        this.name = name;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /** Reads the whole stream; returns the number of pages handed to the listener. */
    public long read(InputStream in, Listener listener) throws IOException {
        return new Run(in, listener).run();
    }

    private final class Run {
        private final InputStream in;
        private final Listener listener;
        private long streamPos;

        private long metaEnd;           // header .. end of bitmaps, as the header declares it
        private SparseRegion meta;      // [0, metaEnd) as received; gaps read as zero
        private int blockSize;
        private long bitmapStart;
        private final Coverage metaCoverage = new Coverage();
        private KdumpFile layout;       // parsed from meta once complete
        private long tableOffset;
        private long descriptorCount;
        private long zeroPageOffset;
        private int pageSize;

        private final TreeMap<Long, byte[]> pendingTable = new TreeMap<>(); // descriptor bytes by file offset
        private final TreeMap<Long, byte[]> pendingData = new TreeMap<>();  // page data by file offset
        private final ArrayDeque<long[]> ready = new ArrayDeque<>();        // {pfn, offset, size, flags}
        private long buffered;
        private long nextDescriptor;    // index of the next descriptor to decode
        private long nextPfn = -1;
        private long emitted;
        private byte[] page;
        private byte[] zeroPage;

        Run(InputStream in, Listener listener) {
            this.in = in;
            this.listener = listener;
        }

        long run() throws IOException {
            byte[] head = readExactly(FlattenedHeader.SIZE, "flattened header");
            FlattenedHeader.validate(head, head.length, name);
            byte[] rh = new byte[FlatRecord.SIZE];
            while (true) {
                long at = streamPos;
                int n = in.readNBytes(rh, 0, FlatRecord.SIZE);
                streamPos += n;
                if (n == 0) {
                    break; // no end marker: the dump was cut short; keep what we have
                }
                if (n < FlatRecord.SIZE) {
                    throw new DumpFormatException(name, at, "a 16-byte flattened record header", n + " bytes before end of stream");
                }
                FlatRecord r = FlatRecord.parse(rh, name, at);
                if (r.isEnd()) {
                    break;
                }
                byte[] data = readExactly((int) r.size(), "flattened record data");
                accept(r.offset(), data);
            }
            if (layout == null) {
                throw new DumpFormatException(name, streamPos, "the kdump header and bitmaps before the end of the stream",
                        "the stream ended before them");
            }
            drain();
            return emitted;
        }

        private byte[] readExactly(int len, String what) throws IOException {
            byte[] b = in.readNBytes(len);
            if (b.length < len) {
                throw new EOFException(name + ": at offset " + streamPos + ": expected " + len + " bytes of " + what
                        + ", found end of stream after " + b.length);
            }
            streamPos += len;
            return b;
        }

        private void accept(long offset, byte[] data) throws IOException {
            if (meta == null) {
                startMeta(offset, data);
            }
            if (offset < metaEnd) {
                int n = (int) Math.min(data.length, metaEnd - offset);
                meta.write(offset, data, 0, n);
                metaCoverage.add(offset, offset + n);
                if (layout == null && metadataComplete()) {
                    openLayout();
                }
                if (n == data.length) {
                    return;
                }
                byte[] rest = new byte[data.length - n];
                System.arraycopy(data, n, rest, 0, rest.length);
                offset += n;
                data = rest;
            }
            boolean isTable = layout == null || offset < zeroPageOffset;
            (isTable ? pendingTable : pendingData).put(offset, data);
            buffered += data.length;
            if (buffered > maxBufferedBytes) {
                throw new DumpFormatException(name, streamPos, "pages to arrive within " + maxBufferedBytes
                        + " bytes of their descriptors (raise the reorder buffer)", buffered + " bytes waiting");
            }
            if (layout != null) {
                drain();
            }
        }

        private void startMeta(long offset, byte[] data) throws IOException {
            if (offset != 0 || data.length < 464) {
                throw new DumpFormatException(name, streamPos, "the kdump header as the first record",
                        "a record for offset " + offset + " of " + data.length + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            blockSize = b.getInt(428);
            int subHdrSize = b.getInt(432);
            long bitmapBlocks = Integer.toUnsignedLong(b.getInt(436));
            long end = (1L + subHdrSize + bitmapBlocks) * blockSize;
            if (blockSize <= 0 || subHdrSize < 0 || end <= 0 || end > (512L << 20) + (1L << 24)) {
                throw new DumpFormatException(name, FlattenedHeader.SIZE + FlatRecord.SIZE + 428L,
                        "a plausible block size, sub-header and bitmap size", "block size " + blockSize
                                + ", sub-header blocks " + subHdrSize + ", bitmap blocks " + bitmapBlocks);
            }
            // The region holds what arrives: its declared size and the records' offsets allocate nothing.
            metaEnd = end;
            meta = new SparseRegion(name, end);
            bitmapStart = (1L + subHdrSize) * blockSize;
        }


        /**
         * The sub-header and, of each bitmap, the bytes that describe pfns below max_mapnr: makedumpfile
         * leaves the rest of the last bitmap block unwritten.
         */
        private boolean metadataComplete() throws IOException {
            if (!metaCoverage.covers(0, 464) || !metaCoverage.covers(blockSize, blockSize + 104L)) {
                return false;
            }
            long maxMapnr = meta.readLE(8, 4, "header version").getInt(0) >= 6
                    ? meta.readLE(blockSize + 96L, 8, "max_mapnr_64").getLong(0)
                    : Integer.toUnsignedLong(meta.readLE(440, 4, "max_mapnr").getInt(0));
            long half = (metaEnd - bitmapStart) / 2;
            long need = Math.min(half, (maxMapnr + 7) / 8);
            return metaCoverage.covers(bitmapStart, bitmapStart + need)
                    && metaCoverage.covers(bitmapStart + half, bitmapStart + half + need);
        }

        private void openLayout() throws IOException {
            layout = KdumpFile.open(meta, DumpFormat.FLATTENED);
            pageSize = layout.pageSize();
            tableOffset = metaEnd;
            long[] range = layout.header().splitRange().orElse(new long[] {0, layout.maxPfn()});
            descriptorCount = layout.descriptorCount();
            zeroPageOffset = tableOffset + descriptorCount * PageDescriptor.SIZE;
            nextPfn = range[0] - 1;
            page = new byte[pageSize];
            zeroPage = new byte[pageSize];
            // Anything buffered before the layout was known may belong to page data.
            for (Map.Entry<Long, byte[]> e : new TreeMap<>(pendingTable).tailMap(zeroPageOffset).entrySet()) {
                pendingTable.remove(e.getKey());
                pendingData.put(e.getKey(), e.getValue());
            }
            listener.onMetadata(layout);
        }

        /** Decodes descriptors that are complete, then emits every page whose data is here. */
        private void drain() throws IOException {
            decodeDescriptors();
            while (!ready.isEmpty()) {
                long[] d = ready.peekFirst();
                long pfn = d[0];
                long off = d[1];
                int size = (int) d[2];
                int flags = (int) d[3];
                if (off == zeroPageOffset && flags == 0 && size == pageSize) {
                    ready.removeFirst();
                    emit(pfn, zeroPage);
                    continue;
                }
                byte[] data = take(off, size);
                if (data == null) {
                    return; // its data has not arrived yet
                }
                ready.removeFirst();
                // Page data is written in pfn order, so everything before this page's end is used up.
                dropConsumed(pendingData, off + size);
                PageCodec codec = PageCodec.fromDescriptorFlags(flags);
                if (codec == null) {
                    throw new DumpFormatException(name, tableOffset, "a page descriptor with one codec",
                            "flags 0x" + Integer.toHexString(flags) + " for pfn 0x" + Long.toHexString(pfn));
                }
                try {
                    codec.decompress(data, data.length, page);
                } catch (IOException e) {
                    throw new DumpFormatException(name, off, "page data of pfn 0x" + Long.toHexString(pfn)
                            + " that decodes to " + pageSize + " bytes", e.getMessage());
                }
                emit(pfn, page);
            }
        }

        private void emit(long pfn, byte[] bytes) throws IOException {
            listener.onPage(pfn, bytes);
            emitted++;
        }

        private void decodeDescriptors() throws IOException {
            while (nextDescriptor < descriptorCount) {
                long at = tableOffset + nextDescriptor * PageDescriptor.SIZE;
                byte[] raw = take(pendingTable, at, PageDescriptor.SIZE);
                if (raw == null) {
                    return;
                }
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                nextPfn = nextPresent(nextPfn + 1);
                ready.addLast(new long[] {nextPfn, b.getLong(0), b.getInt(8), b.getInt(12)});
                nextDescriptor++;
                dropConsumed(pendingTable, at + PageDescriptor.SIZE);
            }
        }

        private long nextPresent(long from) throws IOException {
            long pfn = layout.nextDumpedPfn(from);
            if (pfn < 0) {
                throw new DumpFormatException(name, tableOffset, descriptorCount + " page descriptors (one per bit of the "
                        + "second bitmap)", "more descriptors than that");
            }
            return pfn;
        }

        private byte[] take(long off, int size) {
            return take(pendingData, off, size);
        }

        /** Copies [off, off+size) out of buffered records, or null when some byte is missing. */
        private byte[] take(TreeMap<Long, byte[]> from, long off, int size) {
            byte[] out = new byte[size];
            long pos = off;
            long end = off + size;
            Map.Entry<Long, byte[]> e = from.floorEntry(pos);
            while (pos < end) {
                if (e == null || e.getKey() > pos || e.getKey() + e.getValue().length <= pos) {
                    return null;
                }
                int n = (int) Math.min(end - pos, e.getKey() + e.getValue().length - pos);
                System.arraycopy(e.getValue(), (int) (pos - e.getKey()), out, (int) (pos - off), n);
                pos += n;
                if (pos < end) {
                    e = from.ceilingEntry(pos);
                }
            }
            return out;
        }

        private void dropConsumed(TreeMap<Long, byte[]> from, long upTo) {
            while (!from.isEmpty()) {
                Map.Entry<Long, byte[]> first = from.firstEntry();
                if (first.getKey() + first.getValue().length > upTo) {
                    return;
                }
                from.pollFirstEntry();
                buffered -= first.getValue().length;
            }
        }
    }
}

package io.crashpipe.parsers.dump;

import com.github.luben.zstd.ZstdDecompressCtx;
import io.airlift.compress.lzo.LzoDecompressor;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.xerial.snappy.Snappy;

/**
 * How one page is stored in a kdump-compressed file. The flag values are makedumpfile's
 * {@code DUMP_DH_COMPRESSED_*} bits, used both in page descriptors and in the header status.
 */
public enum PageCodec {
    NONE(0),
    ZLIB(0x1),
    LZO(0x2),
    SNAPPY(0x4),
    ZSTD(0x20);

    // Decoder state is costly to create per page (zstd contexts, zlib windows): one per thread.
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);
    private static final ThreadLocal<ZstdDecompressCtx> ZSTD_DECODER = ThreadLocal.withInitial(ZstdDecompressCtx::new);
    private static final ThreadLocal<LzoDecompressor> LZO_DECODER = ThreadLocal.withInitial(LzoDecompressor::new);

    private final int flag;

    PageCodec(int flag) {
        this.flag = flag;
    }

    public int flag() {
        return flag;
    }

    /** The codec named by a page descriptor's flags; several bits at once is an error. */
    public static PageCodec fromDescriptorFlags(int flags) {
        PageCodec found = NONE;
        for (PageCodec c : values()) {
            if (c != NONE && (flags & c.flag) != 0) {
                if (found != NONE) {
                    return null;
                }
                found = c;
            }
        }
        return found;
    }

    /**
     * Decompresses {@code src[0..srcLen)} into exactly {@code dst.length} bytes.
     *
     * @throws IOException when the data does not decode to a whole page
     */
    public void decompress(byte[] src, int srcLen, byte[] dst) throws IOException {
        int n;
        switch (this) {
            case NONE -> {
                if (srcLen != dst.length) {
                    throw new IOException("uncompressed page of " + srcLen + " bytes, expected " + dst.length);
                }
                System.arraycopy(src, 0, dst, 0, srcLen);
                n = srcLen;
            }
            case ZLIB -> n = inflate(src, srcLen, dst);
            case LZO -> {
                try {
                    n = LZO_DECODER.get().decompress(src, 0, srcLen, dst, 0, dst.length);
                } catch (RuntimeException e) {
                    throw new IOException("lzo: " + e.getMessage(), e);
                }
            }
            case SNAPPY -> {
                try {
                    if (!Snappy.isValidCompressedBuffer(src, 0, srcLen)
                            || Snappy.uncompressedLength(src, 0, srcLen) != dst.length) {
                        throw new IOException("snappy: not a valid block of " + dst.length + " bytes");
                    }
                    n = Snappy.uncompress(src, 0, srcLen, dst, 0);
                } catch (IOException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new IOException("snappy: " + e.getMessage(), e);
                }
            }
            case ZSTD -> {
                try {
                    n = ZSTD_DECODER.get().decompressByteArray(dst, 0, dst.length, src, 0, srcLen);
                } catch (RuntimeException e) {
                    throw new IOException("zstd: " + e.getMessage(), e);
                }
            }
            default -> throw new IllegalStateException();
        }
        if (n != dst.length) {
            throw new IOException(name().toLowerCase() + ": decoded " + n + " bytes, expected " + dst.length);
        }
    }

    private static int inflate(byte[] src, int srcLen, byte[] dst) throws IOException {
        Inflater inf = INFLATER.get();
        inf.reset();
        try {
            inf.setInput(src, 0, srcLen);
            int n = inf.inflate(dst);
            if (!inf.finished()) {
                throw new IOException("zlib: stream does not end after " + n + " bytes");
            }
            return n;
        } catch (DataFormatException e) {
            throw new IOException("zlib: " + e.getMessage(), e);
        }
    }
}

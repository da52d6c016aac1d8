package io.crashpipe.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A dump's id, derived from its content so that uploading it again (after a restart, from
 * another copy) lands on the same key: SHA-256 over the file size, its first and its last MiB
 * (container headers, notes with VMCOREINFO and the registers, bitmaps), as 32 hex digits.
 * Reading two MiB keeps this cheap for a 64 GiB dump.
 */
public final class DumpId {
    private static final int SAMPLE = 1 << 20;

    private DumpId() {}

    public static String of(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            sha.update("crashpipe-dump-id-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(size).array());
            digest(ch, 0, (int) Math.min(SAMPLE, size), sha);
            if (size > SAMPLE) {
                long tail = Math.max(SAMPLE, size - SAMPLE);
                digest(ch, tail, (int) (size - tail), sha);
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static void digest(FileChannel ch, long pos, int len, MessageDigest sha) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        b.flip();
        sha.update(b);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

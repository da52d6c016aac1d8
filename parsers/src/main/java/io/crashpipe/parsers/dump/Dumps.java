package io.crashpipe.parsers.dump;

import io.crashpipe.parsers.dump.elf.ElfVmcore;
import io.crashpipe.parsers.dump.flat.FlattenedByteSource;
import io.crashpipe.parsers.dump.flat.FlattenedHeader;
import io.crashpipe.parsers.dump.kdump.DiskDumpHeader;
import io.crashpipe.parsers.dump.kdump.KdumpFile;
import io.crashpipe.parsers.io.ByteSource;
import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.io.FileByteSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens a dump file of any supported container, recognised by its first bytes. */
public final class Dumps {
    private Dumps() {}

    public static Dump open(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such dump file");
        }
        if (!Files.isRegularFile(path)) {
            throw new DumpFormatException(path.toString(), 0, "a regular file (a dump)", "a directory or device");
        }
        ByteSource src = new FileByteSource(path);
        try {
            return open(src);
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    /** Opens a dump from a byte source; the dump owns the source. */
    public static Dump open(ByteSource src) throws IOException {
        byte[] magic = new byte[16];
        int n = (int) Math.min(magic.length, src.size());
        src.readFully(0, magic, 0, n, "file signature");
        DumpFormat format = detect(magic, n);
        if (format == null) {
            throw new DumpFormatException(src.name(), 0,
                    "a crash dump signature (ELF \\x7fELF, kdump \"KDUMP   \" or flattened \"makedumpfile\")",
                    n == 0 ? "an empty file" : "bytes " + hex(magic, Math.min(n, 8)));
        }
        // A plain enum switch (no `case null`): with one, javac links the switch at run time through
        // SwitchBootstraps, which generates classes on every start of every CLI command (~30 of them).
        return switch (format) {
            case ELF -> ElfVmcore.open(src);
            case KDUMP -> KdumpFile.open(src, DumpFormat.KDUMP);
            case FLATTENED -> KdumpFile.open(FlattenedByteSource.index(src), DumpFormat.FLATTENED);
        };
    }

    /** The container recognised from the first bytes, or null. */
    public static DumpFormat detect(byte[] magic, int n) {
        if (n >= 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F') {
            return DumpFormat.ELF;
        }
        if (n >= 8 && DiskDumpHeader.SIGNATURE.equals(new String(magic, 0, 8, StandardCharsets.ISO_8859_1))) {
            return DumpFormat.KDUMP;
        }
        if (n >= 12 && FlattenedHeader.matches(magic)) {
            return DumpFormat.FLATTENED;
        }
        return null;
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}

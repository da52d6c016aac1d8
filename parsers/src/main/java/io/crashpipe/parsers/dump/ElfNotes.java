package io.crashpipe.parsers.dump;

import io.crashpipe.parsers.io.DumpFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits an ELF note area (Elf64_Nhdr, name and descriptor each padded to 4 bytes). */
public final class ElfNotes {
    private static final int MAX_NOTE_BYTES = 64 << 20;

    private ElfNotes() {}

    /**
     * @param file for messages
     * @param base file offset of {@code area[0]}
     */
    public static List<ElfNote> parse(String file, long base, byte[] area) throws DumpFormatException {
        ByteBuffer b = ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN);
        List<ElfNote> notes = new ArrayList<>();
        while (b.remaining() >= 12) {
            int at = b.position();
            long namesz = Integer.toUnsignedLong(b.getInt());
            long descsz = Integer.toUnsignedLong(b.getInt());
            int type = b.getInt();
            if (namesz == 0 && descsz == 0 && type == 0) {
                break; // zero padding after the last note (kexec leaves such slack)
            }
            long nameStart = b.position();
            long descStart = nameStart + pad4(namesz);
            // Name and descriptor must lie inside the segment; only the last note's padding may be cut.
            if (namesz > MAX_NOTE_BYTES || descsz > MAX_NOTE_BYTES || nameStart + namesz > area.length
                    || (descsz > 0 && descStart + descsz > area.length)) {
                throw new DumpFormatException(file, base + at, "an ELF note that fits its note segment of "
                        + area.length + " bytes", "name size " + namesz + ", descriptor size " + descsz);
            }
            int nameLen = (int) namesz;
            while (nameLen > 0 && area[(int) nameStart + nameLen - 1] == 0) {
                nameLen--;
            }
            String name = new String(area, (int) nameStart, nameLen, StandardCharsets.US_ASCII);
            byte[] desc = descsz == 0 ? new byte[0]
                    : java.util.Arrays.copyOfRange(area, (int) descStart, (int) (descStart + descsz));
            notes.add(new ElfNote(name, type, desc, base + at));
            b.position((int) Math.min(descStart + pad4(descsz), area.length));
        }
        return notes;
    }

    /** The note area for {@code notes}, as {@link #parse} reads it. */
    public static byte[] encode(List<ElfNote> notes) {
        int size = 0;
        for (ElfNote n : notes) {
            size += 12 + (int) pad4(n.name().length() + 1L) + (int) pad4(n.desc().length);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (ElfNote n : notes) {
            byte[] name = n.name().getBytes(StandardCharsets.US_ASCII);
            b.putInt(name.length + 1).putInt(n.desc().length).putInt(n.type());
            b.put(name).position(b.position() + (int) pad4(name.length + 1L) - name.length);
            b.put(n.desc()).position(b.position() + (int) pad4(n.desc().length) - n.desc().length);
        }
        return b.array();
    }

    private static long pad4(long n) {
        return (n + 3) & ~3L;
    }
}

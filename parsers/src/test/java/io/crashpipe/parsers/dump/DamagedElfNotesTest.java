package io.crashpipe.parsers.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crashpipe.parsers.io.DumpFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Note segments cut inside a note. Fuzz finding (elfVmcore, ArrayIndexOutOfBounds in ElfNotes.parse). */
class DamagedElfNotesTest {

    private static byte[] note(int length, int namesz, int descsz) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, namesz).putInt(4, descsz).putInt(8, 1).put(12, (byte) 'A');
        return b.array();
    }

    @Test
    void aLastNoteWhosePaddingIsCutKeepsItsNameAndEmptyDescriptor() throws DumpFormatException {
        List<ElfNote> notes = ElfNotes.parse("f", 100, note(13, 1, 0)); // name padding would run to 16
        assertEquals(1, notes.size());
        assertEquals("A", notes.getFirst().name());
        assertArrayEquals(new byte[0], notes.getFirst().desc());
    }

    @Test
    void aNameRunningPastTheSegmentIsAClearError() {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> ElfNotes.parse("f", 100, note(13, 4, 0)));
        assertEquals(100, e.offset());
        assertEquals("f: at offset 100 (0x64): expected an ELF note that fits its note segment of 13 bytes,"
                + " found name size 4, descriptor size 0", e.getMessage());
    }

    @Test
    void aDescriptorRunningPastTheSegmentIsAClearError() {
        assertThrows(DumpFormatException.class, () -> ElfNotes.parse("f", 100, note(20, 1, 8)));
    }
}

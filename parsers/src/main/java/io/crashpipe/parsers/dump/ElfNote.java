package io.crashpipe.parsers.dump;

import java.nio.charset.StandardCharsets;

/**
 * One ELF note (name, type, descriptor bytes), as found in a vmcore's PT_NOTE segment or the
 * note area of a kdump-compressed file. Unknown notes (QEMU's CPU state) are kept raw.
 *
 * @param fileOffset where the note header starts, for error messages
 */
public record ElfNote(String name, int type, byte[] desc, long fileOffset) {
    public static final int NT_PRSTATUS = 1;

    public boolean isVmcoreinfo() {
        return "VMCOREINFO".equals(name);
    }

    public boolean isPrstatus() {
        return type == NT_PRSTATUS && "CORE".equals(name);
    }

    public String descAsText() {
        int end = desc.length;
        while (end > 0 && desc[end - 1] == 0) {
            end--;
        }
        return new String(desc, 0, end, StandardCharsets.UTF_8);
    }
}

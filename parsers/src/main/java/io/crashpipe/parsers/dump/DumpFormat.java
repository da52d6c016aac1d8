package io.crashpipe.parsers.dump;

/** The container a dump file uses. */
public enum DumpFormat {
    /** ELF64 core file: /proc/vmcore, makedumpfile -E, QEMU dump-guest-memory. */
    ELF("ELF vmcore"),
    /** makedumpfile's default compressed format (signature "KDUMP   "). */
    KDUMP("kdump-compressed"),
    /** makedumpfile -F: a kdump-compressed file written as a stream of (offset, size) records. */
    FLATTENED("makedumpfile flattened (kdump-compressed inside)");

    private final String description;

    DumpFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}

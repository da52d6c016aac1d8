package io.crashpipe.parsers.kallsyms;

/**
 * How {@code kallsyms_offsets} / {@code kallsyms_addresses} store symbol addresses. The kernel
 * has used four encodings while VMCOREINFO has carried the tables (Linux 6.0 onwards); which
 * one a dump uses is decided by decoding {@code _stext} and comparing it with VMCOREINFO's
 * {@code SYMBOL(_stext)}, not by the kernel version.
 */
public enum AddressEncoding {
    /** {@code kallsyms_addresses[]}: plain 64-bit addresses (CONFIG_KALLSYMS_BASE_RELATIVE=n; gone in 6.11). */
    ABSOLUTE,
    /** 32-bit unsigned offsets from {@code kallsyms_relative_base}. */
    BASE_RELATIVE,
    /**
     * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP until 6.15): non-negative values are absolute
     * (per-CPU offsets), negative ones are {@code relative_base - 1 - value}.
     */
    ABSOLUTE_PERCPU,
    /**
     * No {@code kallsyms_relative_base} any more (2026, "kallsyms: Get rid of kallsyms relative
     * base"): each entry is a signed 32-bit offset from its own address.
     */
    PC_RELATIVE
}

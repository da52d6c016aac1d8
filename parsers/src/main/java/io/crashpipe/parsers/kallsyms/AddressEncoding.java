package io.crashpipe.parsers.kallsyms;

/**
 * How {@code kallsyms_offsets} / {@code kallsyms_addresses} store symbol addresses. Which one a
 * dump uses is decided by decoding symbols VMCOREINFO also names ({@code _stext} first) and
 * comparing, never by the kernel version.
 */
public enum AddressEncoding {
    /** {@code kallsyms_addresses[]}: plain 64-bit addresses (before 4.6, or CONFIG_KALLSYMS_BASE_RELATIVE=n; gone in 6.11). */
    ABSOLUTE,
    /** 32-bit unsigned offsets from {@code kallsyms_relative_base} (4.6, "kallsyms: add support for relative offsets"). */
    BASE_RELATIVE,
    /**
     * CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP, 4.6 until 6.15): non-negative values are absolute
     * (per-CPU offsets), negative ones are {@code relative_base - 1 - value}.
     */
    ABSOLUTE_PERCPU,
    /**
     * No {@code kallsyms_relative_base} any more (7.0, "kallsyms: Get rid of kallsyms relative
     * base"): each entry is a signed 32-bit offset from its own address.
     */
    PC_RELATIVE
}

package io.crashpipe.parsers.btf;

/** One enum constant; unsigned 32-bit and 64-bit values are kept as their bit pattern. */
public record BtfEnumerator(String name, long value) {}

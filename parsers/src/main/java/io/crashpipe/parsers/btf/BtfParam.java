package io.crashpipe.parsers.btf;

/** A FUNC_PROTO parameter; a last parameter of type 0 with no name marks varargs. */
public record BtfParam(String name, int type) {}

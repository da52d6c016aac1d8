package io.crashpipe.parsers.btf;

/** A variable inside a DATASEC: its VAR type id and where it lies in the section. */
public record BtfSecInfo(int type, long offset, long size) {}

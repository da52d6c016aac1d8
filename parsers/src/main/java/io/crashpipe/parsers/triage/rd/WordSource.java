package io.crashpipe.parsers.triage.rd;

import io.crashpipe.parsers.memory.ReadResult;

/** Where {@code rd} reads from: kernel virtual or physical memory, same typed outcome. */
@FunctionalInterface
public interface WordSource {
    ReadResult tryRead(long address, byte[] dst, int off, int len);
}

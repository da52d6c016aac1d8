package io.crashpipe.parsers.dump;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Facts from a dump's container header. ELF vmcores carry few of them: the optional fields
 * are empty there.
 *
 * @param compression the codec named by the header (kdump); NONE for ELF
 * @param maxPfn one past the highest page frame number the dump describes
 * @param splitRange for a split kdump file, the [start, end) pfn range this file holds
 */
public record DumpHeader(
        DumpFormat format,
        PageCodec compression,
        int pageSize,
        long maxPfn,
        OptionalInt headerVersion,
        OptionalInt dumpLevel,
        Optional<Utsname> utsname,
        Optional<Instant> timestamp,
        OptionalInt nrCpus,
        OptionalLong physBase,
        boolean incomplete,
        Optional<long[]> splitRange) {}

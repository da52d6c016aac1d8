package io.crashpipe.parsers.kernel;

import java.util.OptionalLong;

/**
 * Where a structure member lives, from whatever source knows: VMCOREINFO's {@code OFFSET()} keys
 * today, the dump's BTF once it is parsed. Extractors that need a member VMCOREINFO does not
 * publish ask this interface first and fall back to a documented, validated layout only when
 * it has no answer, so a BTF-backed implementation can replace the fallbacks without touching
 * them.
 */
public interface FieldOffsets {

    OptionalLong offset(String struct, String member);

    /** Offsets from VMCOREINFO only. */
    static FieldOffsets of(Vmcoreinfo vi) {
        return vi::offset;
    }

    /** Asks {@code this} first, then {@code other}. */
    default FieldOffsets orElse(FieldOffsets other) {
        return (s, m) -> {
            OptionalLong v = offset(s, m);
            return v.isPresent() ? v : other.offset(s, m);
        };
    }
}

package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.kernel.FieldOffsets;
import java.util.OptionalLong;

/** {@link FieldOffsets} answered from BTF: byte offsets of any member path BTF can resolve. */
public record BtfFieldOffsets(Btf btf) implements FieldOffsets {
    @Override
    public OptionalLong offset(String struct, String member) {
        return btf.findField(struct + "." + member)
                .filter(f -> f.bitOffset() % 8 == 0)
                .map(f -> OptionalLong.of(f.offset()))
                .orElse(OptionalLong.empty());
    }
}

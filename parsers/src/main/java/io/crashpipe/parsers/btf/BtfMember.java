package io.crashpipe.parsers.btf;

/**
 * A struct or union member as stored: {@code bitfieldSize} is 0 unless the struct uses the
 * kind_flag encoding (size in the top 8 bits of the offset word). Old-style bitfields keep
 * their width in the member's INT type instead; {@link Btf} handles both when resolving.
 */
public record BtfMember(String name, int type, long bitOffset, int bitfieldSize) {

    public boolean anonymous() {
        return name.isEmpty();
    }
}

package io.crashpipe.parsers.orc;

import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code .orc_header} section (vmlinux and every module since Linux 6.4, also 6.3.10+): 20
 * bytes, the SHA-1 of arch/x86/include/asm/orc_types.h as the kernel was built
 * (scripts/orc_hash.sh), so a reader can tell which orc_entry encoding the tables use. Known
 * hashes name a format; an unknown one (a newer or a patched orc_types.h) says only that the
 * format is 6.4's or later, and the entries decide the rest.
 */
public record OrcHeader(byte[] hash) {
    public static final int SIZE = 20;

    /** Hashes of orc_types.h at the commits that changed the encoding (see {@link OrcFormat}). */
    private static final Map<String, OrcFormat> KNOWN = Map.of(
            "db84aed4103b31dd51e017f8f79783ca985c2c51", OrcFormat.V2,
            "fe5d32bf581bd63b2ca9a5c65ba5a625eab3fe24", OrcFormat.V3,
            "137c36ad7627c4dd55932176bb0ecdbd5041fc82", OrcFormat.V4);

    public OrcHeader {
        if (hash.length != SIZE) {
            throw new IllegalArgumentException(".orc_header of " + hash.length + " bytes, expected " + SIZE);
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(hash);
    }

    /** The format this hash is known to stand for. */
    public Optional<OrcFormat> knownFormat() {
        return Optional.ofNullable(KNOWN.get(hex()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrcHeader h && java.util.Arrays.equals(hash, h.hash);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "OrcHeader[" + hex() + "]";
    }
}

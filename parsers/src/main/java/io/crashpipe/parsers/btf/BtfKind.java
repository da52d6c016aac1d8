package io.crashpipe.parsers.btf;

/** The BTF_KIND_* codes of {@code btf_type.info} bits 24..28, as the kernel's uapi btf.h numbers them. */
public enum BtfKind {
    INT(1),
    PTR(2),
    ARRAY(3),
    STRUCT(4),
    UNION(5),
    ENUM(6),
    FWD(7),
    TYPEDEF(8),
    VOLATILE(9),
    CONST(10),
    RESTRICT(11),
    FUNC(12),
    FUNC_PROTO(13),
    VAR(14),
    DATASEC(15),
    FLOAT(16),
    DECL_TAG(17),
    TYPE_TAG(18),
    ENUM64(19);

    private static final BtfKind[] BY_CODE = new BtfKind[32];

    static {
        for (BtfKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    BtfKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind with this code, or null for a code this parser does not know. */
    public static BtfKind ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * Bytes that follow the 12-byte common part of a type record, given its vlen: fixed
     * extras (INT's encoding word, ARRAY's descriptor, ...) or vlen items (members, params, ...).
     */
    long trailingBytes(int vlen) {
        return switch (this) {
            case INT, VAR, DECL_TAG -> 4;
            case ARRAY -> 12;
            case STRUCT, UNION, DATASEC, ENUM64 -> 12L * vlen;
            case ENUM, FUNC_PROTO -> 8L * vlen;
            case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> 0;
        };
    }
}

package io.crashpipe.parsers.btf;

import java.util.List;

/**
 * One decoded BTF type, one record per kind. Records refer to other types by id (as BTF does),
 * so decoding one type never decodes the graph behind it; {@link Btf#type(int)} follows ids.
 * Anonymous types have the empty name.
 */
public sealed interface BtfType {

    /** Type id; 0 is {@code void}, real types count from 1 in file order. */
    int id();

    String name();

    /** The BTF kind, or null for {@link Void}. */
    BtfKind kind();

    /** Kinds that only rename or qualify another type: resolving a type looks through them. */
    sealed interface Alias extends BtfType {
        int type();
    }

    /** Struct or union: a size and members at bit offsets. */
    sealed interface Composite extends BtfType {
        long size();

        List<BtfMember> members();
    }

    /** ENUM or ENUM64: named integer constants. */
    sealed interface Enumeration extends BtfType {
        int size();

        boolean signed();

        List<BtfEnumerator> values();
    }

    /** Type id 0. */
    record Void() implements BtfType {
        public int id() {
            return 0;
        }

        public String name() {
            return "void";
        }

        public BtfKind kind() {
            return null;
        }
    }

    /** Bit-level encoding of BTF_KIND_INT; {@code bitOffset} is non-zero only in old-style bitfields. */
    record Int(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean isSigned() {
            return (encoding & SIGNED) != 0;
        }
    }

    record Ptr(int id, String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }
    }

    record Array(int id, String name, int elementType, int indexType, long length) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }
    }

    record Struct(int id, String name, long size, List<BtfMember> members) implements Composite {
        public BtfKind kind() {
            return BtfKind.STRUCT;
        }
    }

    record Union(int id, String name, long size, List<BtfMember> members) implements Composite {
        public BtfKind kind() {
            return BtfKind.UNION;
        }
    }

    record Enum(int id, String name, int size, boolean signed, List<BtfEnumerator> values) implements Enumeration {
        public BtfKind kind() {
            return BtfKind.ENUM;
        }
    }

    record Enum64(int id, String name, int size, boolean signed, List<BtfEnumerator> values) implements Enumeration {
        public BtfKind kind() {
            return BtfKind.ENUM64;
        }
    }

    /** A forward declaration ({@code struct foo;}) with no layout. */
    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    record Typedef(int id, String name, int type) implements Alias {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    record Volatile(int id, String name, int type) implements Alias {
        public BtfKind kind() {
            return BtfKind.VOLATILE;
        }
    }

    record Const(int id, String name, int type) implements Alias {
        public BtfKind kind() {
            return BtfKind.CONST;
        }
    }

    record Restrict(int id, String name, int type) implements Alias {
        public BtfKind kind() {
            return BtfKind.RESTRICT;
        }
    }

    /** A type attribute such as {@code __user} or {@code __percpu} on a pointer target. */
    record TypeTag(int id, String name, int type) implements Alias {
        public BtfKind kind() {
            return BtfKind.TYPE_TAG;
        }
    }

    /** A function; {@code type} is its FUNC_PROTO, {@code linkage} 0 static, 1 global, 2 extern. */
    record Func(int id, String name, int type, int linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    record FuncProto(int id, String name, int returnType, List<BtfParam> params) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }
    }

    /** A variable; in vmlinux BTF these are the per-CPU variables of the .data..percpu DATASEC. */
    record Var(int id, String name, int type, int linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    record DataSec(int id, String name, long size, List<BtfSecInfo> vars) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /** An attribute on a type, or on its member / parameter number {@code componentIndex} (-1: the type). */
    record DeclTag(int id, String name, int type, int componentIndex) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}

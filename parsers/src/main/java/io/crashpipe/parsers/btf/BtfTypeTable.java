package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.io.DumpFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * The type section: one {@code int} per type (where its record starts) and nothing else, so
 * ~100k vmlinux types cost ~400 KB beside the blob itself. Records are decoded on each
 * {@link #decode} call. Every name offset and type reference is checked once in {@link #scan},
 * so decoding afterwards cannot meet a bad offset.
 */
final class BtfTypeTable {
    private static final int COMMON = 12;

    private final ByteBuffer data;
    private final BtfStrings strings;
    /** offsets[id] = absolute offset of type {@code id}'s record; offsets[0] (void) is unused. */
    private final int[] offsets;
    /**
     * Types decoded so far: a dump's sections ask for the same few hundred types again and again.
     * Racy fills are harmless: the records are immutable and equal whoever decodes them.
     */
    private final BtfType[] decoded;

    private BtfTypeTable(ByteBuffer data, BtfStrings strings, int[] offsets) {
        this.data = data;
        this.strings = strings;
        this.offsets = offsets;
        this.decoded = new BtfType[offsets.length];
    }

    static BtfTypeTable scan(ByteBuffer data, BtfHeader header, BtfStrings strings, String source)
            throws DumpFormatException {
        long pos = header.typeStart();
        long end = pos + Integer.toUnsignedLong(header.typeLen());
        int[] offsets = new int[1 + (int) Math.min(Integer.toUnsignedLong(header.typeLen()) / COMMON, 1 << 16)];
        int count = 1;
        while (pos < end) {
            if (end - pos < COMMON) {
                throw new DumpFormatException(source, pos, "a 12-byte btf_type record", (end - pos) + " bytes left");
            }
            int info = data.getInt((int) pos + 4);
            BtfKind kind = BtfKind.ofCode(kindCode(info));
            if (kind == null) {
                throw new DumpFormatException(source, pos + 4,
                        "a BTF kind 1.." + BtfKind.values().length + " in btf_type.info of type id " + count,
                        "kind " + kindCode(info));
            }
            long length = COMMON + kind.trailingBytes(vlen(info));
            if (pos + length > end) {
                throw new DumpFormatException(source, pos, "the " + kind + " record of type id " + count
                        + " (" + length + " bytes) inside the type section ending at " + end, null);
            }
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[count++] = (int) pos;
            pos += length;
        }
        BtfTypeTable table = new BtfTypeTable(data, strings, Arrays.copyOf(offsets, count));
        for (int id = 1; id < count; id++) {
            table.checkReferences(id, source);
        }
        return table;
    }

    /** Number of type ids, counting void (id 0): the valid ids are 0 .. size()-1. */
    int size() {
        return offsets.length;
    }

    BtfKind kind(int id) {
        return id == 0 ? null : BtfKind.ofCode(kindCode(info(id)));
    }

    int nameOffset(int id) {
        return id == 0 ? 0 : data.getInt(offsets[id]);
    }

    /** The referenced type of PTR / TYPEDEF / qualifiers / FUNC / VAR / DECL_TAG, or a size. */
    int sizeOrType(int id) {
        return data.getInt(offsets[id] + 8);
    }

    BtfType decode(int id) {
        BtfType t = decoded[id];
        if (t == null) {
            t = decodeRecord(id);
            decoded[id] = t;
        }
        return t;
    }

    private BtfType decodeRecord(int id) {
        if (id == 0) {
            return new BtfType.Void();
        }
        int o = offsets[id];
        int info = info(id);
        String name = strings.get(nameOffset(id));
        int st = sizeOrType(id);
        int vlen = vlen(info);
        boolean kindFlag = info < 0;
        return switch (BtfKind.ofCode(kindCode(info))) {
            case INT -> {
                int enc = data.getInt(o + COMMON);
                yield new BtfType.Int(id, name, st, (enc >>> 24) & 0x0F, (enc >>> 16) & 0xFF, enc & 0xFF);
            }
            case PTR -> new BtfType.Ptr(id, name, st);
            case ARRAY -> new BtfType.Array(id, name, data.getInt(o + COMMON), data.getInt(o + COMMON + 4),
                    Integer.toUnsignedLong(data.getInt(o + COMMON + 8)));
            case STRUCT -> new BtfType.Struct(id, name, Integer.toUnsignedLong(st), members(o, vlen, kindFlag));
            case UNION -> new BtfType.Union(id, name, Integer.toUnsignedLong(st), members(o, vlen, kindFlag));
            case ENUM -> new BtfType.Enum(id, name, st, kindFlag, enumerators(o, vlen, kindFlag, false));
            case ENUM64 -> new BtfType.Enum64(id, name, st, kindFlag, enumerators(o, vlen, kindFlag, true));
            case FWD -> new BtfType.Fwd(id, name, kindFlag);
            case TYPEDEF -> new BtfType.Typedef(id, name, st);
            case VOLATILE -> new BtfType.Volatile(id, name, st);
            case CONST -> new BtfType.Const(id, name, st);
            case RESTRICT -> new BtfType.Restrict(id, name, st);
            case TYPE_TAG -> new BtfType.TypeTag(id, name, st);
            case FUNC -> new BtfType.Func(id, name, st, vlen);
            case FUNC_PROTO -> new BtfType.FuncProto(id, name, st, params(o, vlen));
            case VAR -> new BtfType.Var(id, name, st, data.getInt(o + COMMON));
            case DATASEC -> new BtfType.DataSec(id, name, Integer.toUnsignedLong(st), secInfos(o, vlen));
            case FLOAT -> new BtfType.Float(id, name, st);
            case DECL_TAG -> new BtfType.DeclTag(id, name, st, data.getInt(o + COMMON));
        };
    }

    /**
     * The value of enumerator {@code name} if enum type {@code id} (ENUM or ENUM64) has one;
     * compares raw name bytes so scanning every enum of vmlinux decodes nothing.
     */
    OptionalLong enumeratorValue(int id, byte[] name) {
        BtfKind kind = kind(id);
        if (kind != BtfKind.ENUM && kind != BtfKind.ENUM64) {
            return OptionalLong.empty();
        }
        int info = info(id);
        int step = kind == BtfKind.ENUM ? 8 : 12;
        for (int i = 0, p = offsets[id] + COMMON; i < vlen(info); i++, p += step) {
            if (strings.equalsAt(data.getInt(p), name)) {
                return OptionalLong.of(enumerators(p - COMMON, 1, info < 0, kind == BtfKind.ENUM64).get(0).value());
            }
        }
        return OptionalLong.empty();
    }

    private List<BtfMember> members(int o, int vlen, boolean kindFlag) {
        List<BtfMember> out = new ArrayList<>(vlen);
        for (int i = 0, p = o + COMMON; i < vlen; i++, p += 12) {
            long offset = Integer.toUnsignedLong(data.getInt(p + 8));
            // kind_flag: bitfield size in the top 8 bits, bit offset in the low 24.
            long bitOffset = kindFlag ? offset & 0xFF_FFFF : offset;
            int bitfieldSize = kindFlag ? (int) (offset >>> 24) : 0;
            out.add(new BtfMember(strings.get(data.getInt(p)), data.getInt(p + 4), bitOffset, bitfieldSize));
        }
        return Collections.unmodifiableList(out);
    }

    private List<BtfEnumerator> enumerators(int o, int vlen, boolean signed, boolean wide) {
        List<BtfEnumerator> out = new ArrayList<>(vlen);
        int step = wide ? 12 : 8;
        for (int i = 0, p = o + COMMON; i < vlen; i++, p += step) {
            long value;
            if (wide) {
                value = Integer.toUnsignedLong(data.getInt(p + 4)) | ((long) data.getInt(p + 8) << 32);
            } else {
                int v = data.getInt(p + 4);
                value = signed ? v : Integer.toUnsignedLong(v);
            }
            out.add(new BtfEnumerator(strings.get(data.getInt(p)), value));
        }
        return Collections.unmodifiableList(out);
    }

    private List<BtfParam> params(int o, int vlen) {
        List<BtfParam> out = new ArrayList<>(vlen);
        for (int i = 0, p = o + COMMON; i < vlen; i++, p += 8) {
            out.add(new BtfParam(strings.get(data.getInt(p)), data.getInt(p + 4)));
        }
        return Collections.unmodifiableList(out);
    }

    private List<BtfSecInfo> secInfos(int o, int vlen) {
        List<BtfSecInfo> out = new ArrayList<>(vlen);
        for (int i = 0, p = o + COMMON; i < vlen; i++, p += 12) {
            out.add(new BtfSecInfo(data.getInt(p), Integer.toUnsignedLong(data.getInt(p + 4)),
                    Integer.toUnsignedLong(data.getInt(p + 8))));
        }
        return Collections.unmodifiableList(out);
    }

    private void checkReferences(int id, String source) throws DumpFormatException {
        int o = offsets[id];
        int info = info(id);
        int vlen = vlen(info);
        BtfKind kind = BtfKind.ofCode(kindCode(info));
        checkName(nameOffset(id), source, o, "type", -1, id);
        switch (kind) {
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC, VAR, DECL_TAG, FUNC_PROTO ->
                    checkType(sizeOrType(id), source, o + 8, id);
            case ARRAY -> {
                checkType(data.getInt(o + COMMON), source, o + COMMON, id);
                checkType(data.getInt(o + COMMON + 4), source, o + COMMON + 4, id);
            }
            case STRUCT, UNION -> {
                for (int i = 0, p = o + COMMON; i < vlen; i++, p += 12) {
                    checkName(data.getInt(p), source, p, "member", i, id);
                    checkType(data.getInt(p + 4), source, p + 4, id);
                }
            }
            case ENUM, ENUM64 -> {
                int step = kind == BtfKind.ENUM ? 8 : 12;
                for (int i = 0, p = o + COMMON; i < vlen; i++, p += step) {
                    checkName(data.getInt(p), source, p, "enumerator", i, id);
                }
            }
            case DATASEC -> {
                for (int i = 0, p = o + COMMON; i < vlen; i++, p += 12) {
                    checkType(data.getInt(p), source, p, id);
                }
            }
            case INT, FWD, FLOAT -> { }
        }
        if (kind == BtfKind.FUNC_PROTO) {
            for (int i = 0, p = o + COMMON; i < vlen; i++, p += 8) {
                checkName(data.getInt(p), source, p, "parameter", i, id);
                checkType(data.getInt(p + 4), source, p + 4, id);
            }
        }
    }

    /** Every record is checked, so the message is only built for the one that fails. */
    private void checkName(int offset, String source, long at, String part, int index, int id)
            throws DumpFormatException {
        if (!strings.valid(offset)) {
            throw strings.outside(offset, source, at, "the name of " + (index < 0 ? "" : part + " " + index + " of ")
                    + "type id " + id);
        }
    }

    private void checkType(int ref, String source, long at, int id) throws DumpFormatException {
        if (ref < 0 || ref >= offsets.length) {
            throw new DumpFormatException(source, at, "a type id below " + offsets.length + " in type id " + id,
                    Integer.toUnsignedString(ref));
        }
    }

    /** Members, enumerators or parameters of type {@code id}. */
    int memberCount(int id) {
        return id == 0 ? 0 : vlen(info(id));
    }

    private int info(int id) {
        return data.getInt(offsets[id] + 4);
    }

    private static int kindCode(int info) {
        return (info >>> 24) & 0x1F;
    }

    private static int vlen(int info) {
        return info & 0xFFFF;
    }
}

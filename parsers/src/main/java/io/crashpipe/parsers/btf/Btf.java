package io.crashpipe.parsers.btf;

import io.crashpipe.parsers.io.DumpFormatException;
import io.crashpipe.parsers.view.DumpMemo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A parsed .BTF blob and the questions the kernel extractors ask of it: which types exist,
 * where a member lies ({@code task_struct.se.sum_exec_runtime}), what an enum constant is
 * worth, how big a type is. Field renames across kernel versions are handled by the caller
 * asking what exists ({@link #hasMember}, {@link #findField}) rather than by version checks.
 *
 * <p>Memory: the blob itself plus one int per type and a ~1 MB name index; types are decoded
 * on demand. Instances are immutable and thread-safe.
 */
public final class Btf {
    /** Deeper alias chains than this can only come from a cycle in corrupt data. */
    private static final int MAX_ALIAS_DEPTH = 64;

    private final String source;
    private final BtfHeader header;
    private final BtfTypeTable types;
    private final BtfStrings strings;
    /** Built on the first lookup by name: a dump whose sections ask nothing by name pays nothing. */
    private BtfNameIndex names;
    private int pointerSize;
    private final Map<String, OptionalLong> enumerators = new ConcurrentHashMap<>();
    /** Resolved field paths, or the BtfLookupException saying why one does not resolve. */
    private final Map<String, Object> fields = new ConcurrentHashMap<>();
    private final DumpMemo layouts = new DumpMemo();
    private final Map<List<String>, Optional<BtfType.Composite>> anonymous = new ConcurrentHashMap<>();

    private Btf(String source, BtfHeader header, BtfTypeTable types, BtfStrings strings) {
        this.source = source;
        this.header = header;
        this.types = types;
        this.strings = strings;
    }

    private synchronized BtfNameIndex names() {
        if (names == null) {
            names = BtfNameIndex.build(types, strings);
        }
        return names;
    }

    private synchronized int pointerSize() {
        if (pointerSize == 0) {
            pointerSize = longSize();
        }
        return pointerSize;
    }

    public static Btf parse(byte[] blob, String source) throws DumpFormatException {
        return parse(ByteBuffer.wrap(blob), source);
    }

    /**
     * Parses a BTF blob from its first byte (the buffer's position) to its limit.
     *
     * @param source names the blob in error messages (dump file and where .BTF was found)
     */
    public static Btf parse(ByteBuffer blob, String source) throws DumpFormatException {
        ByteBuffer data = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        BtfHeader header = BtfHeader.parse(data, source);
        BtfStrings strings = new BtfStrings(data, header);
        BtfTypeTable types = BtfTypeTable.scan(data, header, strings, source);
        return new Btf(source, header, types, strings);
    }

    public String source() {
        return source;
    }

    public BtfHeader header() {
        return header;
    }

    /**
     * A layout computed from this BTF alone (a struct's offsets gathered in a record), built once:
     * BTF never changes, so neither does anything read from it.
     */
    public <T> T layout(DumpMemo.Key<T> key, Supplier<T> build) {
        return layouts.get(key, build);
    }

    /** The highest type id; ids 1..typeCount() are real types, 0 is void. */
    public int typeCount() {
        return types.size() - 1;
    }

    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) {
            throw new BtfLookupException("type id " + id + " out of range 0.." + typeCount() + " in " + source);
        }
        return types.decode(id);
    }

    /** Every type named {@code name}, in id order (a struct and its typedef, say). */
    public List<BtfType> named(String name) {
        List<BtfType> out = new ArrayList<>();
        for (int id : names().lookup(name)) {
            out.add(types.decode(id));
        }
        return out;
    }

    /** The first type of {@code kind} named {@code name}. */
    public Optional<BtfType> find(String name, BtfKind kind) {
        for (int id : names().lookup(name)) {
            if (types.kind(id) == kind) {
                return Optional.of(types.decode(id));
            }
        }
        return Optional.empty();
    }

    /** The struct named {@code name}, else the union of that name (forward declarations don't count). */
    public Optional<BtfType.Composite> findStruct(String name) {
        return find(name, BtfKind.STRUCT).or(() -> find(name, BtfKind.UNION)).map(BtfType.Composite.class::cast);
    }

    public boolean hasStruct(String name) {
        return findStruct(name).isPresent();
    }

    /** A per-CPU or global variable's VAR type, e.g. {@code current_task} or {@code pcpu_hot}. */
    public Optional<BtfType.Var> findVar(String name) {
        return find(name, BtfKind.VAR).map(BtfType.Var.class::cast);
    }

    /** Follows typedefs, qualifiers and type tags to the type that has a layout. */
    public BtfType strip(int id) {
        BtfType t = type(id);
        for (int depth = 0; t instanceof BtfType.Alias a; depth++) {
            if (depth == MAX_ALIAS_DEPTH) {
                throw new BtfLookupException("typedef/qualifier chain from type id " + id + " does not end in "
                        + source);
            }
            t = type(a.type());
        }
        return t;
    }

    /** Size in bytes of a type, looking through aliases; arrays multiply out. */
    public long sizeOf(int id) {
        return sizeOf(id, 0);
    }

    private long sizeOf(int id, int depth) {
        if (depth == MAX_ALIAS_DEPTH) { // arrays of arrays (or vars) that loop back: damaged BTF
            throw new BtfLookupException("array/var chain from type id " + id + " does not end in " + source);
        }
        BtfType t = strip(id);
        return switch (t) {
            case BtfType.Int i -> i.size();
            case BtfType.Ptr p -> pointerSize();
            case BtfType.Array a -> a.length() * sizeOf(a.elementType(), depth + 1);
            case BtfType.Composite c -> c.size();
            case BtfType.Enumeration e -> e.size();
            case BtfType.Float f -> f.size();
            case BtfType.Var v -> sizeOf(v.type(), depth + 1);
            case BtfType.DataSec d -> d.size();
            default -> throw new BtfLookupException(describe(t) + " has no size");
        };
    }

    /** Size of the named struct, union, typedef, enum or base type. */
    public OptionalLong sizeOf(String typeName) {
        for (int id : names().lookup(typeName)) {
            BtfKind k = types.kind(id);
            if (k == BtfKind.STRUCT || k == BtfKind.UNION || k == BtfKind.TYPEDEF || k == BtfKind.INT
                    || k == BtfKind.ENUM || k == BtfKind.ENUM64 || k == BtfKind.FLOAT) {
                return OptionalLong.of(sizeOf(id));
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Resolves {@code "task_struct.se.sum_exec_runtime"}: the first component names a struct,
     * union or typedef; the rest are members, found through nested anonymous structs and
     * unions, typedefs and qualifiers; {@code [n]} indexes arrays.
     *
     * @throws BtfLookupException naming the type and the missing component
     */
    public BtfField field(String path) {
        Object f = fields.computeIfAbsent(path, p -> {
            try {
                return resolve(p);
            } catch (BtfLookupException e) {
                return e; // a member this kernel does not have: asked again on every pass, answered once
            }
        });
        if (f instanceof BtfLookupException e) {
            throw e;
        }
        return (BtfField) f;
    }

    private BtfField resolve(String path) {
        int dot = path.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("field path '" + path + "' needs a type and a member, e.g. task_struct.pid");
        }
        String root = path.substring(0, dot);
        int rootId = rootType(root)
                .orElseThrow(() -> new BtfLookupException("no struct, union or typedef named '" + root + "' in " + source));
        return member(rootId, root, path.substring(dot + 1));
    }

    /** Like {@link #field} but empty when the type or any member on the path does not exist. */
    public Optional<BtfField> findField(String path) {
        try {
            return Optional.of(field(path));
        } catch (BtfLookupException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code type} has the member (path) {@code member}, e.g. ("task_struct", "__state"). */
    public boolean hasMember(String type, String member) {
        return findField(type + "." + member).isPresent();
    }

    /** Resolves a member path relative to type {@code typeId}; {@code label} names the root in messages. */
    public BtfField member(int typeId, String label, String memberPath) {
        BtfPath parsed = BtfPath.parse(memberPath);
        String where = label;
        int current = typeId;
        long bitOffset = 0;
        int bitfield = 0;
        for (BtfPath.Step step : parsed.steps()) {
            BtfType t = strip(current);
            if (!(t instanceof BtfType.Composite c)) {
                throw new BtfLookupException(where + " is " + describe(t) + ", not a struct or union: cannot take member '"
                        + step.member() + "' (" + label + "." + memberPath + ")");
            }
            Hit hit = findMember(c, step.member(), 0);
            if (hit == null) {
                throw new BtfLookupException(describe(c) + " has no member '" + step.member() + "' (" + label + "."
                        + memberPath + " in " + source + ")");
            }
            bitOffset += hit.bitOffset();
            bitfield = hit.member().bitfieldSize();
            current = hit.member().type();
            if (bitfield == 0 && strip(current) instanceof BtfType.Int i && isOldStyleBitfield(i)) {
                // Without kind_flag, a bitfield's width and start hide in its INT type.
                bitOffset += i.bitOffset();
                bitfield = i.bits();
            }
            where = where + "." + step.member();
            for (long index : step.indices()) {
                if (!(strip(current) instanceof BtfType.Array a)) {
                    throw new BtfLookupException(where + " is " + describe(strip(current)) + ", not an array: cannot index ["
                            + index + "]");
                }
                // Length 0 marks a flexible array member: any index is allowed.
                if (index < 0 || (a.length() != 0 && index >= a.length())) {
                    throw new BtfLookupException(where + "[" + index + "] is outside the array's " + a.length()
                            + " elements");
                }
                bitOffset += index * sizeOf(a.elementType()) * 8;
                current = a.elementType();
                where = where + "[" + index + "]";
            }
        }
        return new BtfField(label + "." + memberPath, bitOffset, bitfield, current, sizeOf(current));
    }

    /**
     * The value of enum constant {@code enumerator}, searched across every enum (most are
     * anonymous); each constant is searched for once per BTF.
     */
    public OptionalLong enumValue(String enumerator) {
        return enumerators.computeIfAbsent(enumerator, e -> {
            byte[] key = e.getBytes(StandardCharsets.UTF_8);
            for (int id = 1; id < types.size(); id++) {
                OptionalLong v = types.enumeratorValue(id, key);
                if (v.isPresent()) {
                    return v;
                }
            }
            return OptionalLong.empty();
        });
    }

    /**
     * The first anonymous struct or union whose members have exactly these names, in this order
     * (a type C declares inline, such as tk_core's before 6.13). Only types of that shape are
     * decoded; each question is answered once per BTF.
     */
    public Optional<BtfType.Composite> anonymousComposite(List<String> memberNames) {
        return anonymous.computeIfAbsent(List.copyOf(memberNames), names -> {
            for (int id = 1; id < types.size(); id++) {
                BtfKind k = types.kind(id);
                if ((k == BtfKind.STRUCT || k == BtfKind.UNION) && types.nameOffset(id) == 0
                        && types.memberCount(id) == names.size() && types.decode(id) instanceof BtfType.Composite c
                        && c.members().stream().map(BtfMember::name).toList().equals(names)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        });
    }

    /** The value of {@code enumerator} in the enum named {@code enumName}. */
    public OptionalLong enumValue(String enumName, String enumerator) {
        byte[] key = enumerator.getBytes(StandardCharsets.UTF_8);
        for (int id : names().lookup(enumName)) {
            OptionalLong v = types.enumeratorValue(id, key);
            if (v.isPresent()) {
                return v;
            }
        }
        return OptionalLong.empty();
    }

    /** "struct task_struct (id 1234)", "int (id 7)", "anonymous union (id 99)" for messages. */
    public String describe(BtfType t) {
        String kind = t.kind() == null ? "" : t.kind().name().toLowerCase(java.util.Locale.ROOT) + " ";
        String name = t.name().isEmpty() ? "anonymous " + kind.trim() : kind + t.name();
        return name + " (id " + t.id() + ")";
    }

    private record Hit(BtfMember member, long bitOffset) {}

    /** Depth-first through anonymous members, in declaration order, as C name lookup does. */
    private Hit findMember(BtfType.Composite c, String name, int depth) {
        if (depth > MAX_ALIAS_DEPTH) {
            throw new BtfLookupException("anonymous members nest too deeply in " + describe(c));
        }
        for (BtfMember m : c.members()) {
            if (m.name().equals(name)) {
                return new Hit(m, m.bitOffset());
            }
            if (m.anonymous() && strip(m.type()) instanceof BtfType.Composite inner) {
                Hit h = findMember(inner, name, depth + 1);
                if (h != null) {
                    return new Hit(h.member(), m.bitOffset() + h.bitOffset());
                }
            }
        }
        return null;
    }

    private static boolean isOldStyleBitfield(BtfType.Int i) {
        return i.bitOffset() != 0 || i.bits() != i.size() * 8L;
    }

    private Optional<Integer> rootType(String name) {
        for (BtfKind k : new BtfKind[] {BtfKind.STRUCT, BtfKind.UNION, BtfKind.TYPEDEF}) {
            for (int id : names().lookup(name)) {
                if (types.kind(id) == k) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    /** Pointer width as the target's {@code long}: BTF has no pointer size of its own. */
    private int longSize() {
        for (int id : names().lookup("long unsigned int")) {
            if (types.kind(id) == BtfKind.INT) {
                return types.sizeOrType(id);
            }
        }
        return 8;
    }
}

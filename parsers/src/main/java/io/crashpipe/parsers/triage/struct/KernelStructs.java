package io.crashpipe.parsers.triage.struct;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.BtfField;
import io.crashpipe.parsers.btf.BtfKind;
import io.crashpipe.parsers.btf.BtfLookupException;
import io.crashpipe.parsers.btf.BtfType;
import io.crashpipe.parsers.kallsyms.SymbolOffset;
import io.crashpipe.parsers.kernel.VirtualMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * crash's {@code struct} and {@code p} on a dump with BTF and no debug information: the whole
 * structure, or chosen members, read at an address and rendered as crash shows them.
 */
public final class KernelStructs {
    /**
     * Types of well-known globals. vmlinux BTF describes only per-CPU variables (pahole encodes
     * no other VARs before its global-variable feature), so {@code p init_uts_ns.name} needs the
     * type from somewhere: these are the kernel's own declarations, stable for decades.
     */
    static final Map<String, String> GLOBAL_TYPES = Map.ofEntries(
            Map.entry("init_uts_ns", "uts_namespace"), Map.entry("init_task", "task_struct"),
            Map.entry("init_mm", "mm_struct"), Map.entry("init_nsproxy", "nsproxy"),
            Map.entry("init_fs", "fs_struct"), Map.entry("init_files", "files_struct"),
            Map.entry("init_pid_ns", "pid_namespace"), Map.entry("init_net", "net"),
            Map.entry("init_cred", "cred"), Map.entry("init_css_set", "css_set"),
            Map.entry("tk_core", "timekeeper"), Map.entry("init_user_ns", "user_namespace"));

    private final Btf btf;
    private final VirtualMemory memory;
    private final LongFunction<Optional<SymbolOffset>> symbols;

    public KernelStructs(Btf btf, VirtualMemory memory, LongFunction<Optional<SymbolOffset>> symbols) {
        this.btf = btf;
        this.memory = memory;
        this.symbols = symbols;
    }

    /** One printed member: its name as given, and its value. */
    public record Printed(String name, Value value) {}

    /** The struct's id by name (struct, then union, then typedef). */
    public int typeId(String name) {
        for (BtfKind k : new BtfKind[] {BtfKind.STRUCT, BtfKind.UNION, BtfKind.TYPEDEF}) {
            Optional<BtfType> t = btf.find(name, k);
            if (t.isPresent()) {
                return t.get().id();
            }
        }
        throw new BtfLookupException("no struct, union or typedef named '" + name + "' in the kernel's BTF");
    }

    /** The whole structure ({@code members} empty) or each named member, at {@code address}. */
    public List<Printed> read(StructQuery q, long address, boolean hex) {
        int id = typeId(q.type());
        ValueReader r = new ValueReader(btf, memory, symbols, hex);
        if (q.members().isEmpty()) {
            return List.of(new Printed(q.type(), r.read(id, address)));
        }
        List<Printed> out = new ArrayList<>();
        for (String m : q.members()) {
            BtfField f = btf.member(id, q.type(), m);
            out.add(new Printed(m.substring(m.lastIndexOf('.') + 1), readField(r, f, address)));
        }
        return out;
    }

    /** A symbol's value, or one member path of it ({@code init_uts_ns.name}). */
    public Value readSymbol(long address, String type, String memberPath, boolean hex) {
        ValueReader r = new ValueReader(btf, memory, symbols, hex);
        int id = typeId(type);
        if (memberPath == null || memberPath.isEmpty()) {
            return r.read(id, address);
        }
        return readField(r, btf.member(id, type, memberPath), address);
    }

    /** An {@code unsigned long} at {@code address}: what a symbol of unknown type is read as. */
    public Value readWord(long address, boolean hex) {
        int id = btf.find("long unsigned int", BtfKind.INT).map(BtfType::id).orElseThrow(() ->
                new BtfLookupException("the kernel's BTF has no 'long unsigned int'"));
        return new ValueReader(btf, memory, symbols, hex).read(id, address);
    }

    public static Optional<String> knownGlobalType(String symbol) {
        return Optional.ofNullable(GLOBAL_TYPES.get(symbol));
    }

    private Value readField(ValueReader r, BtfField f, long base) {
        if (!f.isBitfield()) {
            return r.read(f.typeId(), base + f.offset());
        }
        // A bitfield alone: read the bytes that hold it and print it as its declared integer.
        long first = f.bitOffset() / 8;
        int shift = (int) (f.bitOffset() % 8);
        int bytes = (shift + f.bitfieldSize() + 7) / 8;
        long raw = 0;
        byte[] b = memory.read(base + first, bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            raw = (raw << 8) | (b[i] & 0xff);
        }
        raw = (raw >>> shift) & (f.bitfieldSize() >= 64 ? -1L : (1L << f.bitfieldSize()) - 1);
        return new Value.Scalar(Long.toUnsignedString(raw), raw, Value.Kind.UNSIGNED);
    }

    /** crash's {@code struct} text: the whole struct as {@code struct T {...}}, members as {@code   m = v,} lines. */
    public static String crashText(StructQuery q, List<Printed> printed) {
        StringBuilder sb = new StringBuilder();
        if (q.members().isEmpty()) {
            sb.append("struct ").append(q.type()).append(' ').append(GdbFormat.render(printed.get(0).value(), 0))
                    .append('\n');
            return sb.toString();
        }
        for (Printed p : printed) {
            sb.append("  ").append(p.name()).append(" = ").append(GdbFormat.render(p.value(), 1)).append(",\n");
        }
        return sb.toString();
    }
}

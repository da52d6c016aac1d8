package io.crashpipe.parsers.kallsyms;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;

/**
 * The kernel's own symbol table, decoded from the dump. Symbols are kept in the kernel's order
 * (ascending address). Names stay as the dump stores them until one is asked for: a lookup by name
 * or by address expands only the names it compares or returns ({@link SymbolNames}).
 */
public final class Kallsyms {
    private final SymbolNames names;
    /** Ascending. */
    private final long[] addresses;
    /** Position in address order to table index, and back; null when the table ascends already (always, from a kernel). */
    private final int[] tableIndex;
    private final int[] position;
    private final KallsymsLayout layout;
    private final ImageSymbols.Agreement agreement;
    private final long textStart;
    private final long end;

    /** A table built in memory from decoded names (tests, tools). */
    Kallsyms(String[] names, char[] types, long[] addresses, KallsymsLayout layout, ImageSymbols.Agreement agreement) {
        this(new DecodedNames(names, types), addresses, layout, agreement);
    }

    Kallsyms(SymbolNames names, long[] tableAddresses, KallsymsLayout layout, ImageSymbols.Agreement agreement) {
        if (names.size() != tableAddresses.length) {
            throw new IllegalArgumentException(names.size() + " names but " + tableAddresses.length + " addresses");
        }
        this.names = names;
        this.layout = layout;
        this.agreement = agreement;
        if (ascending(tableAddresses)) { // as the kernel writes it: no copy, no sort
            this.addresses = tableAddresses;
            this.tableIndex = null;
            this.position = null;
        } else {
            Integer[] order = IntStream.range(0, tableAddresses.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingLong(i -> tableAddresses[i] ^ Long.MIN_VALUE)); // stable: alias order kept
            this.addresses = new long[order.length];
            this.tableIndex = new int[order.length];
            this.position = new int[order.length];
            for (int p = 0; p < order.length; p++) {
                this.addresses[p] = tableAddresses[order[p]];
                this.tableIndex[p] = order[p];
                this.position[order[p]] = p;
            }
        }
        this.textStart = address("_text").orElse(address("_stext").orElse(Long.MIN_VALUE));
        this.end = address("_end").orElse(-1L);
    }

    private static boolean ascending(long[] a) {
        for (int i = 1; i < a.length; i++) {
            if (Long.compareUnsigned(a[i - 1], a[i]) > 0) {
                return false;
            }
        }
        return true;
    }

    public int size() {
        return addresses.length;
    }

    public AddressEncoding encoding() {
        return layout.addresses().encoding();
    }

    /** Where the tables were and how they are encoded. */
    public KallsymsLayout layout() {
        return layout;
    }

    /** How the table agrees with the image symbols VMCOREINFO names. */
    public ImageSymbols.Agreement agreement() {
        return agreement;
    }

    /** The symbol at {@code index} in address order (its name is expanded now). */
    public KernelSymbol get(int index) {
        int t = table(index);
        return new KernelSymbol(names.name(t), names.type(t), addresses[index]);
    }

    /** nm's type letter of the symbol at {@code index}, without expanding its name. */
    public char type(int index) {
        return names.type(table(index));
    }

    private int table(int index) {
        return tableIndex == null ? index : tableIndex[index];
    }

    /** The address of the first symbol with this name. */
    public OptionalLong address(String name) {
        int i = indexOf(name);
        return i < 0 ? OptionalLong.empty() : OptionalLong.of(addresses[i]);
    }

    public Optional<KernelSymbol> symbol(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(get(i));
    }

    /** The lowest-addressed symbol called {@code name} (several static symbols may share a name), or -1. */
    private int indexOf(String name) {
        int best = -1;
        for (int t : names.indexesOf(name)) {
            int p = position == null ? t : position[t];
            if (best < 0 || p < best) {
                best = p;
            }
        }
        return best;
    }

    /**
     * The symbol containing {@code addr}, as the kernel's {@code kallsyms_lookup} finds it: the
     * last symbol at or below the address (the first of its aliases), sized up to the next
     * higher symbol address. Empty outside the kernel image ({@code _text} to {@code _end}).
     */
    public Optional<SymbolOffset> symbolize(long addr) {
        if (Long.compareUnsigned(addr, textStart) < 0 || (end != -1 && Long.compareUnsigned(addr, end) >= 0)) {
            return Optional.empty();
        }
        int lo = 0;
        int hi = addresses.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addresses[mid], addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) {
            return Optional.empty();
        }
        long start = addresses[found];
        while (found > 0 && addresses[found - 1] == start) {
            found--;
        }
        int next = found + 1;
        while (next < addresses.length && addresses[next] == start) {
            next++;
        }
        long size = next < addresses.length ? addresses[next] - start : 0;
        return Optional.of(new SymbolOffset(names.name(table(found)), addr - start, size));
    }
}

package io.crashpipe.parsers.kallsyms;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;

/**
 * The kernel's own symbol table, decoded from the dump. Symbols are kept in the kernel's order
 * (ascending address); name lookups go through a hash index.
 */
public final class Kallsyms {
    private final String[] names;
    private final char[] types;
    private final long[] addresses;
    /** Name to the index of its lowest-addressed symbol (several static symbols may share a name). */
    private final Map<String, Integer> byName;
    private final KallsymsLayout layout;
    private final ImageSymbols.Agreement agreement;
    private final long textStart;
    private final long end;

    Kallsyms(String[] names, char[] types, long[] addresses, KallsymsLayout layout, ImageSymbols.Agreement agreement) {
        this.layout = layout;
        this.agreement = agreement;
        if (ascending(addresses)) { // as the kernel writes it: no copy, no sort
            this.names = names;
            this.types = types;
            this.addresses = addresses;
        } else {
            Integer[] order = IntStream.range(0, names.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingLong(i -> addresses[i] ^ Long.MIN_VALUE)); // stable: alias order kept
            this.names = new String[names.length];
            this.types = new char[names.length];
            this.addresses = new long[names.length];
            for (int i = 0; i < order.length; i++) {
                this.names[i] = names[order[i]];
                this.types[i] = types[order[i]];
                this.addresses[i] = addresses[order[i]];
            }
        }
        this.byName = new HashMap<>(this.names.length * 2);
        for (int i = 0; i < this.names.length; i++) {
            byName.putIfAbsent(this.names[i], i);
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
        return names.length;
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

    public KernelSymbol get(int index) {
        return new KernelSymbol(names[index], types[index], addresses[index]);
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

    private int indexOf(String name) {
        Integer i = byName.get(name);
        return i == null ? -1 : i;
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
        return Optional.of(new SymbolOffset(names[found], addr - start, size));
    }
}

package io.crashpipe.parsers.kernel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The VMCOREINFO note, parsed. The kernel writes one {@code KEY=VALUE} line per fact; the key
 * kinds have fixed value syntaxes: {@code SYMBOL(name)} hex address, {@code OFFSET(struct.member)},
 * {@code SIZE(type)}, {@code LENGTH(array)} decimal, {@code NUMBER(name)} decimal (signed; a few
 * kernels print {@code 0x} hex, e.g. {@code NUMBER(VMALLOC_START)}), and plain keys
 * ({@code OSRELEASE}, {@code PAGESIZE}, {@code KERNELOFFSET} in hex, {@code CRASHTIME}, ...).
 *
 * @param plain the plain keys with their raw text values, in note order
 */
public record Vmcoreinfo(
        Map<String, Long> symbols,
        Map<String, Long> offsets,
        Map<String, Long> sizes,
        Map<String, Long> lengths,
        Map<String, Long> numbers,
        Map<String, String> plain) {

    public Vmcoreinfo {
        symbols = Collections.unmodifiableMap(symbols);
        offsets = Collections.unmodifiableMap(offsets);
        sizes = Collections.unmodifiableMap(sizes);
        lengths = Collections.unmodifiableMap(lengths);
        numbers = Collections.unmodifiableMap(numbers);
        plain = Collections.unmodifiableMap(plain);
    }

    /**
     * Parses the note text. Blank lines and a trailing NUL padding are ignored; a line that is
     * not {@code KEY=VALUE}, or whose value does not fit its kind, is an error naming the line.
     */
    public static Vmcoreinfo parse(String text) {
        Map<String, Long> symbols = new LinkedHashMap<>();
        Map<String, Long> offsets = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        Map<String, Long> lengths = new LinkedHashMap<>();
        Map<String, Long> numbers = new LinkedHashMap<>();
        Map<String, String> plain = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replace("\0", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "VMCOREINFO line " + (i + 1) + ": expected KEY=VALUE, found \"" + line + "\"");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            try {
                if (!parseKind(key, value, symbols, offsets, sizes, lengths, numbers)) {
                    if (outOfRange(key, value)) {
                        throw new IllegalArgumentException("VMCOREINFO line " + (i + 1) + ": PAGESIZE is " + value
                                + ", expected a power of two from " + MIN_PAGE_SIZE + " to " + MAX_PAGE_SIZE);
                    }
                    plain.put(key, value);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("VMCOREINFO line " + (i + 1) + ": value of " + key
                        + " is not a number of the expected base: \"" + value + "\"");
            }
        }
        return new Vmcoreinfo(symbols, offsets, sizes, lengths, numbers, plain);
    }

    private static boolean parseKind(String key, String value, Map<String, Long> symbols,
            Map<String, Long> offsets, Map<String, Long> sizes, Map<String, Long> lengths,
            Map<String, Long> numbers) {
        int open = key.indexOf('(');
        if (open <= 0 || !key.endsWith(")")) {
            return false;
        }
        String name = key.substring(open + 1, key.length() - 1);
        switch (key.substring(0, open)) {
            case "SYMBOL" -> symbols.put(name, Long.parseUnsignedLong(stripHexPrefix(value), 16));
            case "OFFSET" -> offsets.put(name, Long.parseLong(value));
            case "SIZE" -> sizes.put(name, Long.parseLong(value));
            case "LENGTH" -> lengths.put(name, Long.parseLong(value));
            case "NUMBER" -> numbers.put(name, parseNumber(value));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The kernel's page sizes: 4 KiB (x86_64, most arm64) up to 1 MiB; anything else is damage. */
    static final long MIN_PAGE_SIZE = 4096;
    static final long MAX_PAGE_SIZE = 1 << 20;

    /**
     * The plain keys the accessors read as numbers are checked here (a NumberFormatException names
     * the line), so that a damaged value is refused once instead of failing, or giving negative
     * memory sizes, wherever it is used. True when PAGESIZE is a number but not a page size.
     */
    private static boolean outOfRange(String key, String value) {
        switch (key) {
            case "PAGESIZE" -> {
                long ps = Long.parseLong(value);
                return ps < MIN_PAGE_SIZE || ps > MAX_PAGE_SIZE || Long.bitCount(ps) != 1;
            }
            case "KERNELOFFSET" -> Long.parseUnsignedLong(stripHexPrefix(value), 16);
            case "CRASHTIME" -> Long.parseLong(value);
            default -> { }
        }
        return false;
    }

    private static long parseNumber(String value) {
        if (value.startsWith("0x") || value.startsWith("0X")) {
            return Long.parseUnsignedLong(value.substring(2), 16);
        }
        return Long.parseLong(value);
    }

    private static String stripHexPrefix(String v) {
        return v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
    }

    public OptionalLong symbol(String name) {
        return opt(symbols.get(name));
    }

    /** The offset of {@code member} in {@code struct}, as {@code OFFSET(struct.member)}. */
    public OptionalLong offset(String struct, String member) {
        return opt(offsets.get(struct + "." + member));
    }

    public OptionalLong size(String type) {
        return opt(sizes.get(type));
    }

    public OptionalLong length(String name) {
        return opt(lengths.get(name));
    }

    public OptionalLong number(String name) {
        return opt(numbers.get(name));
    }

    public Optional<String> value(String plainKey) {
        return Optional.ofNullable(plain.get(plainKey));
    }

    /** A symbol the caller cannot do without; the message names the missing key. */
    public long requireSymbol(String name) {
        return require(symbols.get(name), "SYMBOL(" + name + ")");
    }

    public long requireOffset(String struct, String member) {
        return require(offsets.get(struct + "." + member), "OFFSET(" + struct + "." + member + ")");
    }

    public long requireSize(String type) {
        return require(sizes.get(type), "SIZE(" + type + ")");
    }

    public long requireLength(String name) {
        return require(lengths.get(name), "LENGTH(" + name + ")");
    }

    private static long require(Long v, String key) {
        if (v == null) {
            throw new MissingVmcoreinfoException(key);
        }
        return v;
    }

    public Optional<String> osrelease() {
        return value("OSRELEASE");
    }

    public OptionalLong pageSize() {
        return value("PAGESIZE").map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }

    /** The KASLR slide of the kernel image ({@code KERNELOFFSET}, hex); 0 when absent. */
    public long kernelOffset() {
        return value("KERNELOFFSET").map(v -> Long.parseUnsignedLong(stripHexPrefix(v), 16)).orElse(0L);
    }

    /** Seconds since the epoch when the kernel started kdump ({@code CRASHTIME}); absent in QEMU dumps. */
    public OptionalLong crashTime() {
        return value("CRASHTIME").map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }

    public KernelVersion kernelVersion() {
        return KernelVersion.parse(osrelease().orElse(""));
    }

    private static OptionalLong opt(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }
}

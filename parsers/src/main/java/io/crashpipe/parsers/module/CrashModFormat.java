package io.crashpipe.parsers.module;

import java.util.List;

/**
 * crash's {@code mod} table without its OBJECT FILE column (there are no object files here):
 * MODULE and BASE centred over 16 hex digits, NAME as wide as the longest name, SIZE right-aligned.
 */
public final class CrashModFormat {
    private CrashModFormat() {}

    public static String text(List<KernelModule> modules) {
        int nameWidth = "NAME".length();
        int sizeWidth = "SIZE".length();
        for (KernelModule m : modules) {
            nameWidth = Math.max(nameWidth, m.name().length());
            sizeWidth = Math.max(sizeWidth, Long.toString(m.size()).length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(center("MODULE", 16)).append("  ").append(pad("NAME", nameWidth)).append("  ")
                .append(center("BASE", 16)).append("  ").append(String.format("%" + sizeWidth + "s", "SIZE"))
                .append('\n');
        for (KernelModule m : modules) {
            sb.append(String.format("%016x  %s  %016x  %" + sizeWidth + "d\n", m.address(), pad(m.name(), nameWidth),
                    m.base(), m.size()));
        }
        return sb.toString();
    }

    /** The table, then one {@code mod: ...} line per module or list gap the dump could not give. */
    public static String text(ModuleList list) {
        StringBuilder sb = new StringBuilder(text(list.modules()));
        list.completeness().unknown().forEach((k, v) -> sb.append("mod: ").append(k).append(" incomplete: ")
                .append(v).append('\n'));
        for (KernelModule m : list.modules()) {
            m.completeness().unknown().forEach((k, v) -> sb.append("mod: module ")
                    .append(Long.toHexString(m.address())).append(": ").append(k).append(" unknown: ").append(v)
                    .append('\n'));
        }
        return sb.toString();
    }

    private static String center(String s, int width) {
        int left = (width - s.length()) / 2;
        return " ".repeat(left) + s + " ".repeat(width - s.length() - left);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}

package io.crashpipe.parsers.oops;

import java.util.regex.Pattern;

/**
 * Function names as they should appear in titles and signatures: the compiler's clone suffixes
 * ({@code .cold}, {@code .isra.0}, {@code .constprop.3}, {@code .part.5}, {@code .llvm.123})
 * differ between builds of the same source, and syscall wrappers differ between kernel versions
 * ({@code SyS_open}, {@code __x64_sys_open}, {@code __se_sys_open}, {@code __do_sys_open}), so
 * both are folded.
 */
final class FunctionNames {
    private static final Pattern SUFFIX = Pattern.compile("(?:\\.(?:cold|isra|constprop|part|llvm|lto_priv|clone|specialized)(?:\\.\\d+)*)+$|\\.\\d+$");
    private static final Pattern SYSCALL = Pattern.compile("^(?:SyS_|sys_|__x64_sys_|__ia32_sys_|__arm64_sys_|__se_sys_|__do_sys_|__se_compat_sys_|__x64_compat_sys_|compat_SyS_)");

    private FunctionNames() {}

    static String normalise(String raw) {
        String s = raw;
        String prev;
        do {
            prev = s;
            s = SUFFIX.matcher(s).replaceFirst("");
        } while (!s.equals(prev) && !s.isEmpty());
        if (s.isEmpty()) {
            return raw;
        }
        var m = SYSCALL.matcher(s);
        return m.lookingAt() ? "sys_" + s.substring(m.end()) : s;
    }
}

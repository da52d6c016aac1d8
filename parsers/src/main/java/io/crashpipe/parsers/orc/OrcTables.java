package io.crashpipe.parsers.orc;

import java.util.List;
import java.util.Optional;

/**
 * The ORC data of a whole kernel: the image's table and each loaded module's, looked up as the
 * kernel's {@code orc_find()} does (the image's text first, then the module whose text holds the
 * address).
 */
public final class OrcTables {
    private final OrcTable kernel;
    private final List<OrcTable> modules;

    public OrcTables(OrcTable kernel, List<OrcTable> modules) {
        this.kernel = kernel;
        this.modules = List.copyOf(modules);
    }

    public OrcTable kernel() {
        return kernel;
    }

    public List<OrcTable> modules() {
        return modules;
    }

    /** The entry covering {@code ip}; empty outside the kernel's and the modules' text. */
    public Optional<OrcEntry> find(long ip) {
        if (kernel.covers(ip)) {
            return kernel.find(ip);
        }
        for (OrcTable m : modules) {
            if (m.covers(ip)) {
                return m.find(ip);
            }
        }
        return Optional.empty();
    }

    /** "ORC V4: vmlinux 409174 entries, 3 module tables". */
    public String describe() {
        return "ORC " + kernel.format() + ": vmlinux " + kernel.size() + " entries, "
                + modules.stream().map(OrcTable::owner).distinct().count() + " module tables";
    }
}

package io.crashpipe.parsers.unwind;

import io.crashpipe.parsers.arch.RegisterLayout;
import java.util.Arrays;

/**
 * A register set in its architecture's {@link RegisterLayout} order: from a CPU note, or from a
 * register frame the kernel saved on a stack at an interrupt or exception.
 */
public record Registers(RegisterLayout layout, long[] values) {

    public Registers {
        if (values.length != layout.names().size()) {
            throw new IllegalArgumentException(values.length + " register values, expected " + layout.names().size());
        }
        values = values.clone();
    }

    /** A register by its architecture name ("rax", "x29", ...). */
    public long get(String name) {
        int i = layout.names().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no register " + name + " in " + layout.names());
        }
        return values[i];
    }

    public long get(int index) {
        return values[index];
    }

    public long pc() {
        return values[layout.pcIndex()];
    }

    public long sp() {
        return values[layout.spIndex()];
    }

    public long fp() {
        return values[layout.fpIndex()];
    }

    /** The context ran in user mode (the architecture decides how that shows). */
    public boolean userMode() {
        return layout.userMode(this);
    }

    @Override
    public long[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Registers r && r.layout == layout && Arrays.equals(values, r.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Registers[pc=" + Long.toHexString(pc()) + ", sp=" + Long.toHexString(sp()) + "]";
    }
}

package io.crashpipe.parsers.arch;

import io.crashpipe.parsers.arch.arm64.Arm64;
import io.crashpipe.parsers.arch.x86_64.X86_64;
import io.crashpipe.parsers.kernel.MissingVmcoreinfoException;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The architectures crashpipe knows, and the choice among them from what a dump says: the
 * container's word for it when it has one (ELF {@code e_machine}, the kdump header's utsname
 * {@code machine}), else the VMCOREINFO keys only that architecture's kernels write.
 */
public final class Architectures {
    private static final List<Architecture> KNOWN = new ArrayList<>(List.of(X86_64.INSTANCE, Arm64.INSTANCE));

    private Architectures() {}

    public static List<Architecture> known() {
        return List.copyOf(KNOWN);
    }

    /** Adds an implementation (an architecture package registers itself here). */
    public static synchronized void register(Architecture arch) {
        if (KNOWN.stream().noneMatch(a -> a.name().equals(arch.name()))) {
            KNOWN.add(arch);
        }
    }

    /** By utsname machine ("x86_64", "aarch64"). */
    public static Optional<Architecture> byName(String machine) {
        return known().stream().filter(a -> a.name().equals(machine)).findFirst();
    }

    public static Optional<Architecture> byElfMachine(int eMachine) {
        return known().stream().filter(a -> a.elfMachine() == eMachine).findFirst();
    }

    /** From VMCOREINFO alone (the streamed topology has nothing else). */
    public static Architecture detect(Vmcoreinfo vi) {
        return detect(vi, Optional.empty(), OptionalInt.empty());
    }

    /**
     * The container's own statement wins when it names a known architecture; VMCOREINFO decides
     * otherwise, and must point at exactly one.
     */
    public static Architecture detect(Vmcoreinfo vi, Optional<String> utsMachine, OptionalInt elfMachine) {
        if (elfMachine.isPresent()) {
            Optional<Architecture> a = byElfMachine(elfMachine.getAsInt());
            if (a.isPresent()) {
                return a.get();
            }
        }
        if (utsMachine.isPresent()) {
            Optional<Architecture> a = byName(utsMachine.get());
            if (a.isPresent()) {
                return a.get();
            }
        }
        List<Architecture> fits = known().stream().filter(a -> a.recognizes(vi)).toList();
        if (fits.size() == 1) {
            return fits.get(0);
        }
        throw new MissingVmcoreinfoException(fits.isEmpty()
                ? "keys that identify the architecture (x86_64: SYMBOL(init_top_pgt) or NUMBER(phys_base); known: "
                        + known().stream().map(Architecture::name).toList() + ")"
                : "keys that identify one architecture (they fit " + fits.stream().map(Architecture::name).toList() + ")");
    }
}

package io.crashpipe.topology;

import io.crashpipe.parsers.dump.CpuRegisters;
import io.crashpipe.schemas.events.DumpMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The CPU register notes the agent sent raw in the metadata, decoded as the dump readers decode them. */
final class CpuNotes {
    private CpuNotes() {}

    /** One per CPU in note order; a descriptor too short for x86_64's elf_prstatus is skipped, as on a file. */
    static List<CpuRegisters> of(DumpMetadata meta) {
        List<CpuRegisters> out = new ArrayList<>();
        for (ByteBuffer b : meta.getCpuNotes()) {
            ByteBuffer d = b.duplicate();
            byte[] desc = new byte[d.remaining()];
            d.get(desc);
            if (CpuRegisters.fits(desc)) {
                out.add(CpuRegisters.parse(out.size(), desc));
            }
        }
        return out;
    }
}

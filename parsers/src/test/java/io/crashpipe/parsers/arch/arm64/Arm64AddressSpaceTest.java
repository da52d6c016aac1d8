package io.crashpipe.parsers.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.kernel.Translation;
import io.crashpipe.parsers.kernel.VirtualMemory;
import io.crashpipe.parsers.kernel.Vmcoreinfo;
import io.crashpipe.parsers.memory.DumpMemory;
import io.crashpipe.parsers.memory.ReadResult;
import io.crashpipe.parsers.memory.Unavailable;
import io.crashpipe.parsers.printk.KernelLog;
import io.crashpipe.parsers.printk.KernelLogReader;
import io.crashpipe.parsers.printk.MakedumpfileDmesg;
import io.crashpipe.parsers.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class Arm64AddressSpaceTest {

    private static Path dump() {
        return Fixtures.dir("arm64-6.1-qemu-sysrq").resolve("vmcore.zlib-d31");
    }

    /** Reads through the translation, page piece by page piece, as the kernel view does. */
    private static VirtualMemory memory(Arm64AddressSpace space) {
        return (vaddr, dst, off, len) -> {
            int done = 0;
            while (done < len) {
                Translation t = space.translate(vaddr + done);
                if (t instanceof Translation.Unmapped u) {
                    return u.why();
                }
                Translation.Mapped m = (Translation.Mapped) t;
                int n = (int) Math.min(len - done, m.bytesToPageEnd());
                if (space.physical().tryRead(m.paddr(), dst, off + done, n) instanceof Unavailable u) {
                    return u.atVirtual(vaddr + done);
                }
                done += n;
            }
            return ReadResult.OK;
        };
    }

    @Test
    void kernelLogReadThroughTheArm64PageTablesEqualsMakedumpfile() throws Exception {
        try (Dump d = Dumps.open(dump())) {
            Vmcoreinfo vi = Vmcoreinfo.parse(d.vmcoreinfo().orElseThrow());
            Arm64AddressSpace space = Arm64AddressSpace.fromVmcoreinfo(vi, new DumpMemory(d));
            assertEquals(4, space.pagingLevels());
            KernelLog log = KernelLogReader.read(memory(space), vi);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MakedumpfileDmesg.write(log, out);
            byte[] expected = Files.readAllBytes(Fixtures.truth(Fixtures.dir("arm64-6.1-qemu-sysrq"),
                    "dmesg.makedumpfile.txt"));
            assertArrayEquals(expected, out.toByteArray());
        }
    }

    @Test
    void linearMapIsTheLowerHalfAndImageAddressesWalkToKimageVoffset() throws Exception {
        try (Dump d = Dumps.open(dump())) {
            Vmcoreinfo vi = Vmcoreinfo.parse(d.vmcoreinfo().orElseThrow());
            Arm64AddressSpace space = Arm64AddressSpace.fromVmcoreinfo(vi, new DumpMemory(d));
            // crash's bt: TASK ffff0000025c0000 (PID 1) is a linear-map address: PHYS_OFFSET 0x40000000 + 0x25c0000.
            Translation.Mapped task = assertInstanceOf(Translation.Mapped.class, space.translate(0xffff0000025c0000L));
            assertEquals(0x425c0000L, task.paddr());
            // init_uts_ns lies in the image: the page walk must agree with vaddr - kimage_voffset.
            long uts = vi.requireSymbol("init_uts_ns");
            Translation.Mapped image = assertInstanceOf(Translation.Mapped.class, space.translate(uts));
            assertEquals(uts - vi.number("kimage_voffset").getAsLong(), image.paddr());
        }
    }
}

package io.crashpipe.parsers.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.orc.OrcEntry;
import io.crashpipe.parsers.orc.OrcReg;
import io.crashpipe.parsers.orc.OrcTable;
import io.crashpipe.parsers.orc.OrcType;
import io.crashpipe.parsers.testing.ArchFixtures;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleOrcReaderTest {

    /**
     * Every fixture has qemu_fw_cfg loaded. Its own ORC table (struct module's arch.orc_*) must
     * describe its code: at the first byte of each of its functions the return address is the
     * only thing on the stack (CALL, CFA = SP + 8), as objtool writes for every function entry (.cold parts excepted).
     */
    @Test
    void eachModulesOwnOrcTableSaysCallSpPlus8AtEveryFunctionEntry() throws Exception {
        int checkedModules = 0;
        for (Path dir : ArchFixtures.withKallsyms("x86_64")) {
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v = KernelView.of(d);
                Btf btf = KernelBtf.find(v).orElseThrow();
                ModuleSymbols symbols = ModuleSymbols.of(v, btf);
                OrcTable kernel = OrcTable.locate(v.kallsyms(), v.memory()).orElseThrow();
                List<OrcTable> tables = ModuleOrcReader.read(v.memory(), btf, symbols.modules(), kernel.format());
                assertFalse(tables.isEmpty(), dir + ": no module ORC table");
                for (OrcTable t : tables) {
                    KernelModule m = symbols.modules().stream().filter(x -> x.name().equals(t.owner())).findFirst()
                            .orElseThrow();
                    assertTrue(t.size() > 10, dir + " " + t.owner() + ": " + t.size() + " entries");
                    int entries = 0;
                    for (long a = m.textBase(); a < m.textBase() + m.textSize(); a++) {
                        var sym = symbols.symbolize(a);
                        // A .cold part is jumped into with its function's frame already set up.
                        if (sym.isEmpty() || sym.get().symbol().offset() != 0 || sym.get().symbol().name().contains(".cold")) {
                            continue;
                        }
                        OrcEntry e = t.find(a).orElseThrow();
                        String where = dir.getFileName() + " " + sym.get() + " " + e;
                        assertEquals(OrcType.CALL, e.type(), where);
                        assertEquals(OrcReg.SP, e.spReg(), where);
                        assertEquals(8, e.spOffset(), where);
                        entries++;
                    }
                    assertTrue(entries > 5, dir + " " + t.owner() + ": " + entries + " functions checked");
                    checkedModules++;
                }
            }
        }
        assertTrue(checkedModules > 0);
    }
}

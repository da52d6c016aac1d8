package io.crashpipe.parsers.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashpipe.parsers.btf.Btf;
import io.crashpipe.parsers.btf.KernelBtf;
import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.testing.Fixtures;
import io.crashpipe.parsers.view.KernelView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModuleListFixtureTest {

    static Stream<Arguments> everyVariant() {
        return dumpDirs().flatMap(dir -> Fixtures.variants(dir).stream().map(v -> Arguments.of(dir, v)));
    }

    /** {@code /proc/modules} as the guest printed it (5.10, 7.2): name, size and address of every module. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void modEqualsTheGuestsProcModules(Path dir, Path variant) throws Exception {
        Path guest = Fixtures.truth(dir, "guest-truth.json");
        if (!Files.exists(guest)) {
            return;
        }
        ModuleList list;
        try (Dump d = Dumps.open(variant)) {
            KernelView v = KernelView.of(d);
            list = ModuleListReader.readList(v, KernelBtf.require(v));
        }
        assertTrue(list.completeness().isComplete(), list.completeness().toString());
        List<String> expected = new ArrayList<>();
        new ObjectMapper().readTree(guest.toFile()).get("mod").forEach(m -> expected.add(m.get("name").asText() + " "
                + m.get("size").asLong() + " " + Long.toHexString(m.get("addr").asLong())));
        List<String> ours = list.modules().stream().map(m -> m.name() + " " + m.size() + " "
                + Long.toHexString(m.base())).toList();
        assertEquals(expected.stream().sorted().toList(), ours.stream().sorted().toList());
        assertTrue(list.modules().stream().allMatch(m -> m.completeness().isComplete()));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyVariant")
    void modEqualsCrashsModWithoutTheObjectFileColumn(Path dir, Path variant) throws Exception {
        List<KernelModule> modules;
        try (Dump d = Dumps.open(variant)) {
            KernelView v = KernelView.of(d);
            modules = ModuleListReader.read(v, KernelBtf.require(v));
        }
        JsonNode drgn = new ObjectMapper().readTree(Fixtures.truth(dir, "drgn.json").toFile());
        List<String> names = new ArrayList<>();
        drgn.get("modules").forEach(n -> names.add(n.asText()));
        assertEquals(names.stream().sorted().toList(), modules.stream().map(KernelModule::name).sorted().toList());
        Path mod = Fixtures.truth(dir, "crash/mod.txt");
        if (!Files.exists(mod)) {
            return; // crash 8.0.2 cannot read 6.12 dumps; drgn records names only
        }
        List<String> expected = Files.readAllLines(mod).stream()
                .map(l -> l.replaceAll("  (OBJECT FILE|\\(not loaded\\)|/\\S+\\.ko).*$", "")).toList();
        assertEquals(String.join("\n", expected) + "\n", CrashModFormat.text(modules));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumpDirs")
    void moduleTextSymbolizesFromTheModulesOwnSymbolTable(Path dir) throws Exception {
        try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
            KernelView v = KernelView.of(d);
            Btf btf = KernelBtf.require(v);
            List<KernelModule> modules = ModuleListReader.read(v, btf);
            ModuleSymbols syms = new ModuleSymbols(v.memory(), modules, ModuleLayout.of(btf));
            KernelModule fwcfg = modules.stream().filter(m -> m.name().equals("qemu_fw_cfg")).findFirst().orElseThrow();
            assertTrue(fwcfg.textSize() > 0 && fwcfg.textSize() <= fwcfg.size(), fwcfg.toString());
            // Walk the module's text symbol by symbol: each lookup at a symbol's start has offset 0.
            List<String> seen = new ArrayList<>();
            long addr = fwcfg.textBase();
            while (fwcfg.containsText(addr)) {
                ModuleSymbol s = syms.symbolize(addr).orElseThrow(() -> new AssertionError("nothing at text"));
                assertEquals("qemu_fw_cfg", s.module());
                if (s.symbol().offset() == 0) {
                    seen.add(s.symbol().name());
                }
                addr += Math.max(1, s.symbol().size() - s.symbol().offset());
            }
            assertTrue(seen.contains("fw_cfg_sysfs_probe"), seen.toString());
            ModuleSymbol probe = syms.symbolize(fwcfg.textBase()).orElseThrow();
            assertTrue(probe.toString().endsWith(" [qemu_fw_cfg]"), probe.toString());
        }
    }

    /** Every fixture, arm64 included. */
    static Stream<Path> dumpDirs() {
        return Fixtures.dumpDirs().stream();
    }
}

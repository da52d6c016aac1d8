package io.crashpipe.parsers.testing;

import io.crashpipe.parsers.dump.Dump;
import io.crashpipe.parsers.dump.Dumps;
import io.crashpipe.parsers.view.KernelView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Fixture folders by the architecture their dump says it is (the dump decides, not the folder name). */
public final class ArchFixtures {
    private ArchFixtures() {}

    /** Fixture folders of {@code arch} ("x86_64", "aarch64") whose kernel symbols can be read. */
    public static List<Path> withKallsyms(String arch) {
        List<Path> out = new ArrayList<>();
        for (Path dir : Fixtures.dumpDirs()) {
            try (Dump d = Dumps.open(Fixtures.variants(dir).get(0))) {
                KernelView v;
                try {
                    v = KernelView.of(d);
                } catch (IllegalStateException e) {
                    continue; // an architecture this build does not know
                }
                if (!v.architecture().name().equals(arch)) {
                    continue;
                }
                if (!v.hasKallsyms()) {
                    System.err.println("skipping " + dir.getFileName() + ": its kallsyms cannot be found yet");
                    continue;
                }
                out.add(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}

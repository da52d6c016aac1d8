package io.crashpipe.parsers.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real dumps in {@code ../shared/fixtures} (read-only). Tests that need them call
 * {@link #root()}, which skips the test with a clear message in a clone without
 * {@code ../shared}. Compressed ELF fixtures are unpacked once into {@code target/}.
 *
 * <p>CI sets {@code CRASHPIPE_REQUIRE_FIXTURES=1} (or {@code -Dcrashpipe.requireFixtures=true}):
 * there a missing fixture fails the test instead of skipping it, so a CI run without the dumps
 * cannot pass by skipping every real-dump test. Every fixture check goes through
 * {@link #require(boolean, String)}.
 */
public final class Fixtures {
    private Fixtures() {}

    /** Whether a missing fixture is a failure (CI) rather than a skip (a user's clone). */
    public static boolean required() {
        String p = System.getProperty("crashpipe.requireFixtures", System.getenv("CRASHPIPE_REQUIRE_FIXTURES"));
        return p != null && (p.equals("1") || p.equalsIgnoreCase("true"));
    }

    /**
     * Skips the calling test with {@code message} when {@code present} is false, or fails it when
     * fixtures are {@link #required()}.
     */
    public static void require(boolean present, String message) {
        if (present) {
            return;
        }
        if (required()) {
            throw new AssertionError(message + " (CRASHPIPE_REQUIRE_FIXTURES / crashpipe.requireFixtures is set:"
                    + " a missing fixture fails the build)");
        }
        assumeTrue(false, message);
    }

    /** Skips (or, where required, fails) a test that needs the fixtures when they are absent. */
    public static void assumeAvailable(String what) {
        require(available(), "real-dump fixtures not found (looked for ../shared/fixtures or -Dcrashpipe.fixtures=DIR); "
                + "skipping " + what);
    }

    /** The fixture root, or a skipped test when it is absent. */
    public static Path root() {
        assumeAvailable("tests that need real dumps");
        return locate();
    }

    public static boolean available() {
        Path root = locate();
        return root != null && Files.isDirectory(root);
    }

    private static Path locate() {
        String p = System.getProperty("crashpipe.fixtures", System.getenv("CRASHPIPE_FIXTURES"));
        if (p != null && !p.isBlank()) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        // Fall back to walking up from the working directory (IDE runs).
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("../shared/fixtures").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Fixture dump folders, e.g. {@code 6.1-kdump-sysrq}. */
    public static List<Path> dumpDirs() {
        try (Stream<Path> s = Files.list(root())) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * More dump folders in the fixture layout (lab output: {@code vmcore.*} beside
     * {@code ground-truth/}), opted into with {@code -Dcrashpipe.extraDumps=DIR[:DIR...]} or
     * {@code CRASHPIPE_EXTRA_DUMPS}; each DIR is a dump folder or a folder of them. Empty when unset,
     * so the cross-checks run on these only when someone points at them.
     */
    public static List<Path> extraDumpDirs() {
        String spec = System.getProperty("crashpipe.extraDumps", System.getenv("CRASHPIPE_EXTRA_DUMPS"));
        if (spec == null || spec.isBlank()) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (String entry : spec.split(":")) {
            Path d = Path.of(entry).toAbsolutePath().normalize();
            if (Files.isDirectory(d.resolve("ground-truth"))) {
                out.add(d);
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> Files.isDirectory(p.resolve("ground-truth"))).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("crashpipe.extraDumps: cannot list " + d, e);
            }
        }
        return out;
    }

    /** The fixtures (skipped when absent) followed by {@link #extraDumpDirs()}. */
    public static List<Path> allDumpDirs() {
        if (required()) {
            assumeAvailable("the real-dump cross-checks"); // extra dumps do not stand in for the fixtures in CI
        }
        List<Path> out = new ArrayList<>(available() ? dumpDirs() : List.of());
        out.addAll(extraDumpDirs());
        require(!out.isEmpty(), "no real dumps: neither ../shared/fixtures nor crashpipe.extraDumps");
        return out;
    }

    /** One fixture folder by name. */
    public static Path dir(String name) {
        Path d = root().resolve(name);
        require(Files.isDirectory(d), "fixture " + name + " not present in " + root());
        return d;
    }

    /**
     * Every dump file of a fixture folder, in every container variant, ready to open:
     * {@code vmcore.*} (ELF unpacked from .zst) and the kdump-tools {@code var/crash/}*{@code /dump.*}.
     */
    public static List<Path> variants(Path dir) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("vmcore.") && n.endsWith(".zst")) {
                    out.add(unpacked(p));
                } else if (n.startsWith("vmcore.")) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path crash = dir.resolve("var/crash");
        if (Files.isDirectory(crash)) {
            try (Stream<Path> s = Files.walk(crash)) {
                s.filter(p -> p.getFileName().toString().startsWith("dump.")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** A fixture's ground-truth file, e.g. {@code ground-truth/dmesg.makedumpfile.txt}. */
    public static Path truth(Path dir, String relative) {
        return dir.resolve("ground-truth").resolve(relative);
    }

    /** Unpacks a {@code .zst} fixture once into a cache beside the build output. */
    public static synchronized Path unpacked(Path zst) {
        String name = zst.getFileName().toString().replaceFirst("\\.zst$", "");
        Path cache = cacheDir().resolve(zst.getParent().getFileName().toString()).resolve(name);
        try {
            if (Files.isRegularFile(cache) && Files.size(cache) > 0) {
                return cache;
            }
            Files.createDirectories(cache.getParent());
            Path tmp = Files.createTempFile(cache.getParent(), name, ".part");
            try (InputStream in = new ZstdInputStream(Files.newInputStream(zst))) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack fixture " + zst, e);
        }
    }

    private static Path cacheDir() {
        String dir = System.getProperty("crashpipe.fixtureCache", System.getenv("CRASHPIPE_FIXTURE_CACHE"));
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "crashpipe-fixture-cache");
    }
}

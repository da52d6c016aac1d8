package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's check that the sources changed since the last build ({@code bin/build-stamp.sh},
 * bash builtins only): every kind of change to a module's sources rebuilds, and nothing else does.
 */
class LauncherBuildStampTest {
    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("bin/build-stamp.sh");

    @TempDir
    Path root;
    private Path stamp;

    @BeforeEach
    void aBuiltTree() throws Exception {
        write("pom.xml");
        write("m/pom.xml");
        write("m/src/main/java/a/A.java");
        write("m/src/main/resources/a/schema.json");
        write("m/src/test/java/a/ATest.java");
        stamp = root.resolve("m/target/.crashpipe-built");
        write("m/target/.crashpipe-built");
        assertEquals(0, bash("crashpipe_list_sources \"$1\" \"$2.sources\""));
        // Everything as it was at the build, a minute ago; the stamp a little later.
        try (var paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(60)));
            }
        }
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().minusSeconds(50)));
    }

    @Test
    void anUntouchedTreeIsNotRebuilt() throws Exception {
        assertFalse(changed());
    }

    @Test
    void aSourceEditedInPlaceRebuilds() throws Exception {
        Files.setLastModifiedTime(root.resolve("m/src/main/java/a/A.java"), FileTime.from(Instant.now()));
        assertTrue(changed());
    }

    @Test
    void aSourceAddedOrRemovedRebuilds() throws Exception {
        write("m/src/main/java/a/B.java");
        assertTrue(changed());
        aBuiltTree();
        Files.delete(root.resolve("m/src/test/java/a/ATest.java"));
        assertTrue(changed());
    }

    @Test
    void aNewModuleOrAnEditedPomRebuilds() throws Exception {
        write("n/pom.xml");
        assertTrue(changed());
        aBuiltTree();
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now()));
        assertTrue(changed());
    }

    @Test
    void aMissingStampRebuildsAndAMissingListIsMadeOnce() throws Exception {
        Files.delete(stamp.resolveSibling(".crashpipe-built.sources"));
        assertFalse(changed());
        assertTrue(Files.isRegularFile(stamp.resolveSibling(".crashpipe-built.sources")));
        Files.delete(stamp);
        assertTrue(changed());
    }

    @Test
    void filesOutsideTheModulesSourcesDoNotRebuild() throws Exception {
        write("README.md");
        write("m/target/classes/a/A.class");
        write("bench/x.sh");
        assertFalse(changed());
    }

    private boolean changed() throws Exception {
        return bash("crashpipe_sources_changed \"$1\" \"$2\"") == 0;
    }

    private int bash(String call) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", ". \"$0\" && " + call, SCRIPT.toString(), root.toString(),
                stamp.toString()).inheritIO().start();
        return p.waitFor();
    }

    private void write(String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, relative);
    }
}

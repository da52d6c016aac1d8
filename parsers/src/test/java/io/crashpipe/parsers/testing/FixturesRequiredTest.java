package io.crashpipe.parsers.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** A missing fixture skips a test in a user's clone and fails it where CI requires the fixtures. */
class FixturesRequiredTest {
    private String savedFixtures;
    private String savedRequired;

    @TempDir
    Path empty;

    @BeforeEach
    void pointAtAFolderWithoutFixtures() {
        savedFixtures = System.getProperty("crashpipe.fixtures");
        savedRequired = System.getProperty("crashpipe.requireFixtures");
        System.setProperty("crashpipe.fixtures", empty.resolve("absent").toString());
    }

    @AfterEach
    void restore() {
        restore("crashpipe.fixtures", savedFixtures);
        restore("crashpipe.requireFixtures", savedRequired);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void aMissingFixtureSkipsWithAMessageInAClone() {
        System.setProperty("crashpipe.requireFixtures", "false");
        TestAbortedException e = assertThrows(TestAbortedException.class, Fixtures::root);
        assertTrue(e.getMessage().contains("real-dump fixtures not found"), e.getMessage());
    }

    @Test
    void aMissingFixtureFailsWhenCiRequiresThem() {
        System.setProperty("crashpipe.requireFixtures", "true");
        AssertionError e = assertThrows(AssertionError.class, Fixtures::root);
        assertTrue(e.getMessage().contains("a missing fixture fails the build"), e.getMessage());
        assertThrows(AssertionError.class, () -> Fixtures.assumeAvailable("the pipeline test"));
    }
}

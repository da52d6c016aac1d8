package io.crashpipe.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crashpipe.sink.doc.ParserVersion;
import org.junit.jupiter.api.Test;

class ParserVersionTest {
    @Test
    void ordinalKeepsMajorMinorPatchInSeparateDecimalGroups() {
        assertEquals(1_000002_000003L, ParserVersion.parse("1.2.3").ordinal());
        assertEquals(1_000000L, ParserVersion.parse("0.1.0-SNAPSHOT").ordinal());
        assertEquals(2_000000_000000L, ParserVersion.parse("2.0").ordinal());
    }

    @Test
    void numericOrderNotTextOrder() {
        assertTrue(ParserVersion.parse("0.10.0").compareTo(ParserVersion.parse("0.9.7")) > 0);
        assertTrue(ParserVersion.parse("1.0.0").ordinal() > ParserVersion.parse("0.999999.999999").ordinal());
    }

    @Test
    void qualifierDoesNotOrderButIsKeptAsText() {
        ParserVersion v = ParserVersion.parse("0.3.1-SNAPSHOT");
        assertEquals(ParserVersion.parse("0.3.1").ordinal(), v.ordinal());
        assertEquals("0.3.1-SNAPSHOT", v.text());
    }

    @Test
    void rejectsWhatIsNotAVersion() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParserVersion.parse("dev"));
        assertTrue(e.getMessage().contains("'dev'"), e.getMessage());
    }
}

package io.crashpipe.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crashpipe.gateway.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenHashFileTest {
    @TempDir
    Path dir;

    @Test
    void sha256sumOutputCommentsAndBlankLinesAreAccepted() throws IOException {
        String a = GatewayConfig.sha256Hex("host-a-token");
        String b = GatewayConfig.sha256Hex("host-b-token");
        Path f = Files.writeString(dir.resolve("hashes"), "# fleet tokens\n" + a + "  -\n\n" + b.toUpperCase() + " # rack 7\n");
        assertEquals(Set.of(a, b), TokenHashFile.read(f));
    }

    @Test
    void aLineThatIsNotAHashIsNamedWithItsFileAndLine() throws IOException {
        Path f = Files.writeString(dir.resolve("hashes"), GatewayConfig.sha256Hex("x") + "\nplaintext-token\n");
        IOException e = assertThrows(IOException.class, () -> TokenHashFile.read(f));
        assertEquals(f + " line 2: expected a SHA-256 as 64 hex digits, got 'plaintext-token'", e.getMessage());
    }

    @Test
    void aFileWithoutHashesIsRefused() throws IOException {
        Path f = Files.writeString(dir.resolve("hashes"), "# nothing yet\n");
        IOException e = assertThrows(IOException.class, () -> TokenHashFile.read(f));
        assertEquals(f + ": no token hashes; no agent could authenticate", e.getMessage());
    }
}

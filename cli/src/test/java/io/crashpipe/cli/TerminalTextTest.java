package io.crashpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void aTaskNameWithTerminalEscapesIsPrintedVisibly() {
        assertEquals("   1      0   0  ffff888003a1c000  RU   0.0   12345   6789  evil\\x1b]0;pwned\\x07\\x1b[2J",
                TerminalText.escape("   1      0   0  ffff888003a1c000  RU   0.0   12345   6789  evil\u001b]0;pwned\u0007\u001b[2J"));
    }

    @Test
    void c1ControlsAndDeleteAreEscapedButLayoutWhitespaceStays() {
        assertEquals("a\\u009bb\\u007fc\td\n", TerminalText.escape("a\u009bb\u007fc\td\n"));
    }

    @Test
    void theWriterEscapesEveryWayOfWritingAndKeepsJsonValid() {
        java.io.StringWriter sink = new java.io.StringWriter();
        java.io.PrintWriter w = TerminalText.writer(new java.io.PrintWriter(sink));
        w.print("a\u001b[2J");
        w.write('\u0007');
        w.write("x\u009by".toCharArray(), 0, 3);
        w.printf("%s%n", "\"name\" : \"m\u007f\"");
        w.flush();
        assertEquals("a\\x1b[2J\\x07x\\u009by\"name\" : \"m\\u007f\"" + System.lineSeparator(), sink.toString());
        assertSame(w, TerminalText.writer(w));
        assertEquals(java.io.PrintWriter.class, TerminalText.unescaped(w).getClass());
    }

    @Test
    void plainTextIsReturnedUnchanged() {
        String s = "PID: 1234  TASK: ffff888003a1c000  CPU: 0  COMMAND: \"bash\"\n";
        assertSame(s, TerminalText.escape(s));
    }
}

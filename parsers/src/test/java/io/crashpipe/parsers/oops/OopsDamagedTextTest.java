package io.crashpipe.parsers.oops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Log text damaged in ways the kernel never prints still gives a report, with what cannot be read as unknown. */
class OopsDamagedTextTest {

    /** Fuzz finding (oopsParser, NumberFormatException): a CPU or PID with more digits than an int or long holds. */
    @Test
    void aCpuAndPidBeyondAnyNumberAreUnknownNotAnError() {
        String log = "BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
                + "CPU: 99999999999 PID: 999999999999999999999 Comm: sh Not tainted 6.1.0-13-amd64 #1 Debian 6.1.55-1\n"
                + "RIP: 0010:sysrq_handle_crash+0x16/0x20\n"
                + "Call Trace:\n"
                + " <TASK>\n"
                + " __handle_sysrq+0x89/0x150\n"
                + " </TASK>\n";
        List<CrashReport> reports = new OopsParser().parse(log);
        assertEquals(1, reports.size());
        Header h = reports.getFirst().header().orElseThrow();
        assertEquals(-1, h.cpu());
        assertEquals(-1, h.pid());
        assertEquals("sh", h.comm());
        assertEquals("6.1.0-13-amd64", h.kernelRelease());
    }
}

package io.crashpipe.parsers.oops;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One crash report decoded from kernel log text.
 *
 * @param title short, stable, human title ({@code kernel BUG in ext4_write_end})
 * @param type the failure class
 * @param kind the recogniser that matched the first line
 * @param guiltyFrame the function the title names, "" when the kind names none or none was found
 * @param signature grouping key: same bug, same signature, across hosts and builds
 * @param corrupted true when the report looks cut or interleaved (no call trace where one is
 *     expected, output of other CPUs mixed into its first line, or its tail dropped)
 * @param firstLine the first line as printed (prefixes removed)
 * @param firstLineNumber 1-based line number of the first line in the input
 * @param frames every call-trace frame in order ({@link Frame#trace()} tells the traces apart)
 * @param rip the faulting instruction's function, "" when not printed or in user space
 * @param registers register name to printed value (first register dump of the report)
 * @param code the {@code Code:} bytes, if printed
 * @param header CPU/PID/Comm, kernel release, taint
 * @param hardware the {@code Hardware name:} text, "" if absent
 * @param modules {@code Modules linked in:} names in order (flags such as {@code (OE)} removed)
 * @param panic the {@code Kernel panic - not syncing:} message that ended this report, "" if none
 */
public record CrashReport(String title, ReportType type, String kind, String guiltyFrame, String signature,
        boolean corrupted, String firstLine, long firstLineNumber, List<Frame> frames, String rip,
        Map<String, String> registers, Optional<CodeBytes> code, Optional<Header> header, String hardware,
        List<String> modules, String panic) {}

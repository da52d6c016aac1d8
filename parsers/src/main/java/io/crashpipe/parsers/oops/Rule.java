package io.crashpipe.parsers.oops;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One recogniser: the line that starts a report of this kind, its type, where its guilty frame
 * comes from and how its title is written.
 *
 * @param name short identifier (for tests and debugging)
 * @param start matched with {@code lookingAt} against the line text, prefixes removed
 * @param plan where the guilty frame is found; empty when the title names no function
 * @param skip names passed over for this kind besides the common machinery
 * @param weak true for lines that often follow another kind's first line in the same report
 *     ({@code invalid opcode:} after {@code kernel BUG at}); they start a report only when no
 *     report started just before
 * @param prelude true for lines the kernel prints just before the line that names the report
 *     ({@code list_add corruption.} before {@code kernel BUG at lib/list_debug.c}, {@code refcount_t:}
 *     before its WARNING): a recognised line that follows soon, before any trace, takes over
 * @param foldsInto report types this line is a consequence of ({@code Kernel panic - not syncing:
 *     Fatal exception} after an oops); when such a report was seen just before, the line joins it
 */
record Rule(String name, Pattern start, ReportType type, Optional<FramePlan> plan, Optional<Pattern> skip, Title title,
        boolean weak, boolean prelude, Set<ReportType> foldsInto) {

    /** Writes the title from the first line's match and the chosen guilty frame. */
    @FunctionalInterface
    interface Title {
        String build(Matcher start, TitleContext context);
    }

    /** What a title may use besides the first line. */
    interface TitleContext {
        /** " in FUNC", " in corrupted" when the kind names a function and none was found, or "". */
        String in();

        /** The guilty function, "corrupted" when none was found. */
        String frame();

        /** For WARNINGs raised in a checker (lockdep, refcount, ...), that checker's kind. */
        Optional<String> warningKind();

        /** The first report line where the pattern is found, if any. */
        Optional<Matcher> line(Pattern p);
    }

    Matcher match(String text) {
        Matcher m = start.matcher(text);
        return m.lookingAt() ? m : null;
    }
}

package io.crashpipe.parsers.oops;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One recogniser: the line that starts a report of this kind, its type, where its guilty frame
 * comes from and how its title is written.
 *
 * @param name short identifier (for tests and debugging)
 * @param start matched with {@code lookingAt} against the line text, prefixes removed
 * @param extraSkip frame-rule sections skipped in addition to the common one
 * @param weak true for lines that often follow another kind's first line in the same report
 *     ({@code invalid opcode:} after {@code kernel BUG at}); they start a report only when no
 *     report started just before
 * @param foldsInto report types this line is a consequence of ({@code Kernel panic - not syncing:
 *     Fatal exception} after an oops); when such a report was seen just before, the line joins it
 */
record Rule(String name, Pattern start, ReportType type, FrameSource source, List<FrameRules.Section> extraSkip,
        Title title, boolean weak, Set<ReportType> foldsInto) {

    /** Writes the title from the first line's match and the chosen guilty frame. */
    @FunctionalInterface
    interface Title {
        String build(Matcher start, TitleContext context);
    }

    /** What a title may use besides the first line. */
    interface TitleContext {
        /** " in FUNC", " in corrupted" when the frame is missing from a damaged report, or "". */
        String in();

        /** For WARNINGs raised in a file with a known kind (lockdep, slab, ...), that kind. */
        java.util.Optional<String> warningKind();

        /** The first report line matching the pattern (lookingAt), if any. */
        java.util.Optional<Matcher> line(Pattern p);
    }

    Matcher match(String text) {
        Matcher m = start.matcher(text);
        return m.lookingAt() ? m : null;
    }
}

package io.crashpipe.cli;

import io.crashpipe.parsers.extract.BacktraceSection;
import io.crashpipe.parsers.extract.Outcome;
import io.crashpipe.parsers.unwind.CrashBtFormat;

/** The 'bt' part of {@code analyze}: crash's {@code bt -a}, then {@code foreach UN bt}, then what could not be unwound. */
final class BacktraceText {
    private BacktraceText() {}

    static String of(Outcome<BacktraceSection> outcome) {
        StringBuilder b = new StringBuilder("BT -A\n");
        switch (outcome) {
            case Outcome.Done<BacktraceSection> d -> {
                BacktraceSection bt = d.value();
                b.append(CrashBtFormat.text(bt.cpus())).append('\n');
                b.append("FOREACH UN BT\n");
                if (bt.blocked().isEmpty()) {
                    b.append("(no task in uninterruptible sleep)\n");
                } else {
                    b.append(CrashBtFormat.text(bt.blocked()));
                }
                if (bt.blockedOmitted() > 0) {
                    b.append("(").append(bt.blockedOmitted()).append(" more blocked tasks left out)\n");
                }
                bt.gaps().forEach(g -> b.append("(").append(g.subject()).append(": ").append(g.reason()).append(")\n"));
            }
            case Outcome.Incomplete<BacktraceSection> i -> b.append("bt: not available (").append(i.reason()).append(")\n");
            case Outcome.Waiting<BacktraceSection> w -> b.append("bt: waiting for ").append(w.missing().describe()).append('\n');
        }
        return b.toString();
    }
}

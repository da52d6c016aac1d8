package io.crashpipe.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro instantiate the generated event classes. Avro 1.12 refuses classes outside a trust
 * list when it resolves a schema name to a class; only the generated package is added.
 */
public final class EventTypes {
    public static final String PACKAGE = "io.crashpipe.schemas.events";
    /** The generated result classes (CrashReport, KernelLogLine). */
    public static final String RESULTS_PACKAGE = "io.crashpipe.schemas.results";
    /** Internal state of the groups aggregation (stores, repartition topic; never on a public topic). */
    public static final String STATE_PACKAGE = "io.crashpipe.schemas.state";
    private static boolean trusted;

    private EventTypes() {}

    public static synchronized void trust() {
        if (trusted) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(c -> c.getPackageName().equals(PACKAGE) || c.getPackageName().equals(RESULTS_PACKAGE)
                || c.getPackageName().equals(STATE_PACKAGE) || previous.isTrusted(c));
        trusted = true;
    }
}

package io.crashpipe.cli;

/**
 * Switches off picocli's look-ups for optional libraries and types crashpipe never uses, before
 * the first {@code CommandLine} is made. Each costs every command time at start:
 *
 * <ul>
 *   <li>{@code picocli.disable.closures}: picocli's default factory looks for Groovy
 *       ({@code Class.forName("groovy.lang.Closure")}). A class that is not there is searched for
 *       in every jar of the class path, and the CLI's has about 95 (Kafka, Netty, Elasticsearch,
 *       RocksDB, Scala): each is opened and its directory read, ~0.1 s of CPU for nothing.</li>
 *   <li>{@code org.fusesource.jansi.Ansi.disable}: the same search for Jansi, made when the output
 *       is a terminal.</li>
 *   <li>{@code picocli.converters.excludes}: every command line registers converters for the
 *       java.sql and java.time types through reflection (about 20 classes' methods read). No
 *       option of ours has such a type without its own converter (TopCommand's --since has
 *       one); an option added with one needs a {@code converter =} of its own.</li>
 * </ul>
 *
 * A value the user set (-D on the command line, JAVA_TOOL_OPTIONS) is left as it is.
 */
final class PicocliProbes {
    private PicocliProbes() {}

    static void off() {
        setUnlessSet("picocli.disable.closures", "true");
        setUnlessSet("org.fusesource.jansi.Ansi.disable", "true");
        setUnlessSet("picocli.converters.excludes", "java\\.sql\\..*,java\\.time\\..*");
    }

    private static void setUnlessSet(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

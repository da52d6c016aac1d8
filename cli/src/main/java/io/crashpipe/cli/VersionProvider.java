package io.crashpipe.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar manifest at build time. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"crashpipe " + (v == null ? "development build" : v)};
    }
}

package io.crashpipe.sink.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The account a local service runs as. Elasticsearch refuses to start as root, so when this JVM
 * is root the node runs as a dedicated system user, created on first use; otherwise it runs as
 * whoever we are.
 */
public record ServiceUser(String name, boolean switchUser) {
    public static final String DEFAULT_NAME = "crashpipe-es";

    /** The user to run as from this process: {@code name} when we are root, else ourselves. */
    public static ServiceUser forCurrentProcess(String name) throws IOException {
        if (!runningAsRoot()) {
            return new ServiceUser(System.getProperty("user.name"), false);
        }
        ServiceUser user = new ServiceUser(name, true);
        user.ensureExists();
        return user;
    }

    /** Wraps a command so that it runs as this user ({@code runuser} needs no password as root). */
    public List<String> command(List<String> command) {
        if (!switchUser) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", name, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Hands a directory tree we created over to this user. */
    public void own(Path dir) throws IOException {
        if (switchUser) {
            run(List.of("chown", "-R", name + ":", dir.toString()), "give " + dir + " to " + name);
        }
    }

    static boolean runningAsRoot() throws IOException {
        // /proc/self belongs to the process's own uid; no need to spawn `id`.
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    private void ensureExists() throws IOException {
        if (exitCode(List.of("id", "-u", name)) == 0) {
            return;
        }
        run(List.of("useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                "--shell", "/usr/sbin/nologin", name), "create system user " + name);
    }

    private static void run(List<String> command, String what) throws IOException {
        int code = exitCode(command);
        if (code != 0) {
            throw new IOException("could not " + what + ": `" + String.join(" ", command) + "` exited " + code);
        }
    }

    private static int exitCode(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("`" + String.join(" ", command) + "` did not finish in 60 s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
    }
}

package io.crashpipe.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which machine the dumps come from. On a host that is the local hostname and
 * {@code /etc/machine-id}; in a pod both would name the pod, so a DaemonSet passes the node's
 * name (the downward API's {@code spec.nodeName}) and the host's {@code /etc/machine-id}
 * mounted read-only.
 *
 * @param hostname the node's name
 * @param machineId systemd's machine id of the host, when it could be read
 */
public record AgentHost(String hostname, Optional<String> machineId) {
    public static final Path HOST_MACHINE_ID = Path.of("/etc/machine-id");

    /** This machine, as the process sees it. */
    public static AgentHost local() {
        return of(Optional.empty(), HOST_MACHINE_ID);
    }

    /**
     * @param nodeName the name to report instead of the local hostname (blank: the local one)
     * @param machineIdFile where the host's machine id is (its first line, 32 hex digits)
     */
    public static AgentHost of(Optional<String> nodeName, Path machineIdFile) {
        String name = nodeName.map(String::strip).filter(s -> !s.isEmpty()).orElseGet(AgentHost::localHostname);
        return new AgentHost(name, readMachineId(machineIdFile));
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
    }

    private static Optional<String> readMachineId(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::strip).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

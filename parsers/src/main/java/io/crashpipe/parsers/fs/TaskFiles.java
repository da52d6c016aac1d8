package io.crashpipe.parsers.fs;

import java.util.List;

/** A task's root and working directory and its open files ({@code files PID}). */
public record TaskFiles(int pid, long task, int cpu, String comm, String root, String cwd, List<OpenFile> files) {

    /** crash's {@code files} text. */
    public String crashText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("PID: %-8d TASK: %x  CPU: %-3d  COMMAND: \"%s\"%n", pid, task, cpu, comm));
        sb.append("ROOT: ").append(root).append("    CWD: ").append(cwd).append('\n');
        sb.append(" FD       FILE            DENTRY           INODE       TYPE PATH\n");
        for (OpenFile f : files) {
            sb.append(String.format("%3d %016x %016x %016x %-4s %s%n", f.fd(), f.file(), f.dentry(), f.inode(),
                    f.type(), f.path()));
        }
        return sb.toString();
    }
}

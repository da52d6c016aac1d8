package io.crashpipe.parsers.fs;

import io.crashpipe.parsers.sched.Task;
import io.crashpipe.parsers.triage.TypedReader;
import io.crashpipe.parsers.memory.MemoryFault;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A task's open files from its {@code files_struct}: {@code files->fdt} (the current fdtable),
 * its {@code max_fds} slots in {@code fd[]}, and per file the {@code f_path} (vfsmount, dentry)
 * and {@code f_inode}; the task's root and cwd from {@code fs->root} and {@code fs->pwd}.
 */
public final class OpenFilesReader {
    /** S_IFMT and the kernel's file type codes (include/uapi/linux/stat.h, POSIX values). */
    private static final int S_IFMT = 0170000;
    /** No real task has more open files than this; a larger max_fds is corrupt. */
    private static final long MAX_FDS = 1 << 20;

    private final TypedReader r;
    private final DentryPaths paths;

    public OpenFilesReader(TypedReader r) {
        this.r = r;
        this.paths = new DentryPaths(r);
    }

    public TaskFiles read(Task t) {
        long fs = r.u(t.address(), "task_struct.fs");
        String root = fs == 0 ? "" : readable(() -> pathOf(fs + r.offset("fs_struct.root")));
        String cwd = fs == 0 ? "" : readable(() -> pathOf(fs + r.offset("fs_struct.pwd")));
        List<OpenFile> files = new ArrayList<>();
        long filesStruct = r.u(t.address(), "task_struct.files");
        if (filesStruct != 0) {
            long fdt = r.u(filesStruct, "files_struct.fdt");
            long max = Math.min(r.u(fdt, "fdtable.max_fds"), MAX_FDS);
            long fdArray = r.u(fdt, "fdtable.fd");
            for (int fd = 0; fd < max; fd++) {
                long file = r.memory().u64(fdArray + 8L * fd);
                if (file != 0) {
                    files.add(openFile(fd, file));
                }
            }
        }
        return new TaskFiles(t.pid(), t.address(), t.cpu(), t.comm(), root, cwd, List.copyOf(files));
    }

    private OpenFile openFile(int fd, long file) {
        try {
            return readFile(fd, file);
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return new OpenFile(fd, file, 0, 0, "UNKN", unreadable(e));
        }
    }

    private OpenFile readFile(int fd, long file) {
        long dentry = r.u(file, "file.f_path.dentry");
        long mnt = r.u(file, "file.f_path.mnt");
        long inode = r.find(file, "file.f_inode").orElseGet(() -> dentry == 0 ? 0 : r.u(dentry, "dentry.d_inode"));
        String type = inode == 0 ? "UNKN" : type((int) r.u(inode, "inode.i_mode"));
        String path = dentry == 0 ? "" : readable(() -> paths.path(mnt, dentry));
        return new OpenFile(fd, file, dentry, inode, type, path);
    }

    /**
     * A path, or where the dump lacks a page of its dentry or mount chain (a filtered dump), what
     * is missing: the other files are still listed.
     */
    private static String readable(Supplier<String> path) {
        try {
            return path.get();
        } catch (MemoryFault e) {
            MemoryFault.propagateIfWaiting(e);
            return unreadable(e);
        }
    }

    private static String unreadable(MemoryFault e) {
        return "(unreadable: " + e.unavailable().describe() + ")";
    }

    /** A {@code struct path} (mnt, dentry) at {@code at}. */
    private String pathOf(long at) {
        long mnt = r.u(at, "path.mnt");
        long dentry = r.u(at, "path.dentry");
        return dentry == 0 ? "" : paths.path(mnt, dentry);
    }

    static String type(int mode) {
        return switch (mode & S_IFMT) {
            case 0100000 -> "REG";
            case 0040000 -> "DIR";
            case 0020000 -> "CHR";
            case 0060000 -> "BLK";
            case 0010000 -> "FIFO";
            case 0140000 -> "SOCK";
            case 0120000 -> "LNK";
            default -> "UNKN";
        };
    }
}

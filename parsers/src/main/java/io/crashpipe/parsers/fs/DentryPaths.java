package io.crashpipe.parsers.fs;

import io.crashpipe.parsers.triage.TypedReader;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rebuilds a path from a (vfsmount, dentry) pair as the kernel's {@code d_path} does: up the
 * {@code d_parent} chain to the filesystem's root, then across to the mount point through the
 * {@code struct mount} that embeds the vfsmount ({@code mnt}), until the root mount.
 */
public final class DentryPaths {
    /** Deeper than any real tree; a cycle in corrupt data stops here. */
    private static final int MAX_DEPTH = 4096;
    private static final int MAX_NAME = 255;

    private final TypedReader r;
    private final long mountToVfsmount;

    public DentryPaths(TypedReader r) {
        this.r = r;
        this.mountToVfsmount = r.offset("mount.mnt");
    }

    public String path(long vfsmount, long dentry) {
        Deque<String> names = new ArrayDeque<>();
        long mnt = vfsmount == 0 ? 0 : vfsmount - mountToVfsmount;
        long d = dentry;
        for (int depth = 0; depth < MAX_DEPTH && d != 0; depth++) {
            long parent = r.u(d, "dentry.d_parent");
            boolean fsRoot = parent == d;
            if (fsRoot) {
                if (mnt == 0) {
                    break;
                }
                long up = r.u(mnt, "mount.mnt_parent");
                if (up == mnt || up == 0) {
                    break; // the root mount: the path is complete
                }
                d = r.u(mnt, "mount.mnt_mountpoint");
                mnt = up;
                continue;
            }
            names.addFirst(name(d));
            d = parent;
        }
        if (names.isEmpty()) {
            return isNamedRoot(dentry) ? "/" : "";
        }
        return "/" + String.join("/", names);
    }

    /** A dentry's own name ({@code d_name.name}, {@code d_name.len} bytes). */
    public String name(long dentry) {
        long len = r.u(dentry, "dentry.d_name.len");
        long ptr = r.u(dentry, "dentry.d_name.name");
        if (len == 0 || ptr == 0) {
            return "";
        }
        byte[] b = r.memory().read(ptr, (int) Math.min(len, MAX_NAME));
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A filesystem root shows as "/" only when it is named "/" (pipefs and sockfs roots are not). */
    private boolean isNamedRoot(long dentry) {
        return name(dentry).equals("/");
    }
}

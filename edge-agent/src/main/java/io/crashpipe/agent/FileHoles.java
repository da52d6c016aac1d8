package io.crashpipe.agent;

import java.io.Closeable;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a sparse file's holes are, from the kernel (lseek SEEK_DATA, Linux 3.1+): a dump with
 * tens of GiB of zero memory is written with holes by the capture tools (and by
 * bench/make-big-dump.sh), and reading a hole costs the kernel a zero-filled page-cache page and a
 * copy per 4 KiB. The JDK has no API for it; the foreign-function API (final in JDK 22) calls
 * libc's open/lseek/close. The project compiles for Java 21, where that API is a preview, so it is
 * reached by reflection, once; on a JDK without it, or where the calls fail, there is no hole
 * information and every byte is read as before.
 */
final class FileHoles implements Closeable {
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final Native LIBC = Native.load();

    private final int fd;
    private final long size;

    private FileHoles(int fd, long size) {
        this.fd = fd;
        this.size = size;
    }

    /** The file's hole finder; empty where the kernel cannot be asked (no foreign-function API, open fails). */
    static Optional<FileHoles> open(Path file, long size) {
        if (LIBC == null) {
            return Optional.empty();
        }
        try {
            int fd = LIBC.open(file.toAbsolutePath().toString());
            return fd < 0 ? Optional.empty() : Optional.of(new FileHoles(fd, size));
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    /**
     * The first offset at or after {@code offset} that holds data; {@code size} when only a hole
     * follows. A file system without hole support reports everything as data.
     */
    long dataFrom(long offset) {
        try {
            long d = LIBC.lseek(fd, offset, SEEK_DATA);
            return d < 0 ? size : Math.min(d, size); // -1: ENXIO, a hole up to the end
        } catch (Throwable t) {
            return offset; // cannot say: treat it as data
        }
    }

    @Override
    public void close() {
        try {
            LIBC.close(fd);
        } catch (Throwable t) {
            // nothing to do
        }
    }

    /** libc's open, lseek and close as downcall handles, looked up reflectively (see the class comment). */
    private record Native(MethodHandle open, MethodHandle lseek, MethodHandle close, Method arenaOfConfined,
            Method allocateFrom) {

        static Native load() {
            try {
                Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
                Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
                Class<?> valueC = Class.forName("java.lang.foreign.ValueLayout");
                Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
                Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
                Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
                Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
                Object linker = linkerC.getMethod("nativeLinker").invoke(null);
                Object lookup = linkerC.getMethod("defaultLookup").invoke(linker);
                Object jint = valueC.getField("JAVA_INT").get(null);
                Object jlong = valueC.getField("JAVA_LONG").get(null);
                Object address = valueC.getField("ADDRESS").get(null);
                Method of = descC.getMethod("of", layoutC, layoutC.arrayType());
                Method find = lookupC.getMethod("find", String.class);
                Method downcall = linkerC.getMethod("downcallHandle", segmentC, descC, optionC.arrayType());
                Object noOptions = Array.newInstance(optionC, 0);
                java.util.function.BiFunction<String, Object, MethodHandle> handle = (name, desc) -> {
                    try {
                        Object symbol = ((Optional<?>) find.invoke(lookup, name)).orElseThrow();
                        return (MethodHandle) downcall.invoke(linker, symbol, desc, noOptions);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                };
                return new Native(
                        handle.apply("open", of.invoke(null, jint, layouts(layoutC, address, jint))),
                        handle.apply("lseek", of.invoke(null, jlong, layouts(layoutC, jint, jlong, jint))),
                        handle.apply("close", of.invoke(null, jint, layouts(layoutC, jint))),
                        arenaC.getMethod("ofConfined"), arenaC.getMethod("allocateFrom", String.class));
            } catch (Throwable t) {
                return null; // JDK 21 (preview only) or older, or native access refused
            }
        }

        private static Object layouts(Class<?> layoutC, Object... l) {
            Object a = Array.newInstance(layoutC, l.length);
            for (int i = 0; i < l.length; i++) {
                Array.set(a, i, l[i]);
            }
            return a;
        }

        int open(String path) throws Throwable {
            try (AutoCloseable arena = (AutoCloseable) arenaOfConfined.invoke(null)) {
                return (int) open.invokeWithArguments(allocateFrom.invoke(arena, path), O_RDONLY);
            }
        }

        long lseek(int fd, long offset, int whence) throws Throwable {
            return (long) lseek.invokeWithArguments(fd, offset, whence);
        }

        void close(int fd) throws Throwable {
            close.invokeWithArguments(fd);
        }
    }
}

package io.crashpipe.parsers.view;

import io.crashpipe.parsers.memory.MemoryFault;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The structures of one dump that never change once built (the BTF type index, the unwinder with
 * its ORC tables, layouts read from BTF), each built on first use and then shared by every
 * section and every pass over the dump.
 *
 * <p>The one rule for pages that have not arrived: a build that meets one
 * ({@link MemoryFault#mayStillArrive()}) leaves nothing behind and the fault propagates, so a
 * later pass builds it again from more pages. Any other outcome is final for the dump, a failure
 * included (a page excluded for good, a layout BTF lacks): it is rethrown to every later caller
 * instead of being retried.
 */
public final class DumpMemo {

    /** Names one structure; {@code qualifier} tells apart builds of the same kind with other inputs. */
    public record Key<T>(String name, Object qualifier) {
        public static <T> Key<T> of(String name) {
            return new Key<>(name, null);
        }

        public Key<T> with(Object qualifier) {
            return new Key<>(name, qualifier);
        }
    }

    private sealed interface Entry {}

    private record Built(Object value) implements Entry {}

    private record Failed(RuntimeException failure) implements Entry {}

    private final Map<Key<?>, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The structure under {@code key}, built by {@code build} if no earlier call finished it.
     * Builds run one at a time per dump (a build may ask for another structure).
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key, Supplier<T> build) {
        Entry e = entries.get(key);
        if (e == null) {
            synchronized (this) {
                e = entries.get(key);
                if (e == null) {
                    e = build(build);
                    entries.put(key, e);
                }
            }
        }
        return switch (e) {
            case Built b -> (T) b.value();
            case Failed f -> throw f.failure();
        };
    }

    private static Entry build(Supplier<?> build) {
        try {
            return new Built(build.get());
        } catch (MemoryFault f) {
            MemoryFault.propagateIfWaiting(f); // nothing recorded: a later pass builds it from more pages
            return new Failed(f);
        } catch (RuntimeException e) {
            return new Failed(e);
        }
    }

    /** Whether {@code key} is settled (built or failed for good); for tests and diagnostics. */
    public boolean holds(Key<?> key) {
        return entries.containsKey(Objects.requireNonNull(key));
    }

    /** How many structures are settled. */
    public int size() {
        return entries.size();
    }
}

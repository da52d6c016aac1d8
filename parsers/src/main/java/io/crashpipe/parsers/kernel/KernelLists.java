package io.crashpipe.parsers.kernel;

import io.crashpipe.parsers.memory.Fact;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Walks of the kernel's intrusive lists ({@code include/linux/list.h}): the circular doubly
 * linked {@code list_head} and the NULL-terminated {@code hlist}. Entries come back as the
 * addresses of the containing objects ({@code node - memberOffset}, the kernel's
 * {@code container_of}).
 *
 * <p>Every walk is bounded: by {@code limit} (the caller derives it from the dump, e.g. memory
 * size over object size) and by cycle detection (a node met twice ends the walk). A node whose
 * page is absent for good does not lose the rest of a {@code list_head}: the walk resumes from
 * the head backwards along {@code prev} and joins up where it stopped. What could not be walked
 * is said in {@link Walk#gap()}. A page not yet arrived propagates (see {@link Fact#read}).
 */
public final class KernelLists {
    private KernelLists() {}

    /**
     * @param entries container addresses in list order
     * @param gap why entries may be missing (a broken link, a cycle, the limit), empty when the walk was whole
     */
    public record Walk(List<Long> entries, Optional<String> gap) {
        public boolean whole() {
            return gap.isEmpty();
        }
    }

    /** Entries of the circular {@code list_head} at {@code head} (the head itself is not an entry). */
    public static Walk listHead(VirtualMemory mem, long head, long memberOffset, long limit) {
        List<Long> forward = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Fact<Long> next = Fact.read(() -> mem.u64(head));
        String broken = null;
        while (true) {
            if (next instanceof Fact.Unknown<Long> u) {
                broken = "the list at 0x" + hex(head) + " is broken after " + forward.size() + " entries: "
                        + u.reason();
                break;
            }
            long node = next.orElse(0L);
            if (node == head) {
                return new Walk(List.copyOf(forward), Optional.empty());
            }
            Optional<String> stop = check(head, node, seen, forward.size(), limit);
            if (stop.isPresent()) {
                return new Walk(List.copyOf(forward), stop);
            }
            forward.add(node - memberOffset);
            next = Fact.read(() -> mem.u64(node));
        }
        // Walk back from the head along prev (list_head.prev follows next) until the forward walk is met.
        List<Long> backward = new ArrayList<>();
        Fact<Long> prev = Fact.read(() -> mem.u64(head + 8));
        Optional<String> gap = Optional.of(broken);
        Set<Long> forwardNodes = Set.copyOf(seen);
        while (prev instanceof Fact.Known<Long> k && k.value() != head) {
            long node = k.value();
            if (forwardNodes.contains(node)) {
                gap = Optional.empty(); // the two walks joined: nothing is missing
                break;
            }
            Optional<String> stop = check(head, node, seen, forward.size() + backward.size(), limit);
            if (stop.isPresent()) {
                gap = stop;
                break;
            }
            backward.add(node - memberOffset);
            prev = Fact.read(() -> mem.u64(node + 8));
        }
        if (prev instanceof Fact.Known<Long> k && k.value() == head) {
            gap = Optional.empty(); // walked back all the way
        }
        List<Long> out = new ArrayList<>(forward);
        for (int i = backward.size() - 1; i >= 0; i--) {
            out.add(backward.get(i));
        }
        return new Walk(List.copyOf(out), gap);
    }

    /** Entries of the NULL-terminated {@code hlist} whose {@code hlist_head.first} is at {@code first}. */
    public static Walk hlist(VirtualMemory mem, long first, long memberOffset, long limit) {
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Fact<Long> next = Fact.read(() -> mem.u64(first));
        while (next instanceof Fact.Known<Long> k && k.value() != 0) {
            long node = k.value();
            Optional<String> stop = check(first, node, seen, out.size(), limit);
            if (stop.isPresent()) {
                return new Walk(List.copyOf(out), stop);
            }
            out.add(node - memberOffset);
            next = Fact.read(() -> mem.u64(node));
        }
        Optional<String> gap = next.why().map(r -> "the hlist at 0x" + hex(first) + " is broken after "
                + out.size() + " entries: " + r);
        return new Walk(List.copyOf(out), gap);
    }

    private static Optional<String> check(long head, long node, Set<Long> seen, int count, long limit) {
        if (node == 0) {
            return Optional.of("the list at 0x" + hex(head) + " has a NULL link after " + count + " entries");
        }
        if (!seen.add(node)) {
            return Optional.of("the list at 0x" + hex(head) + " loops back to 0x" + hex(node) + " after " + count
                    + " entries (corrupt)");
        }
        if (count >= limit) {
            return Optional.of("the list at 0x" + hex(head) + " has more than " + limit
                    + " entries, the most the dump allows (corrupt)");
        }
        return Optional.empty();
    }

    private static String hex(long v) {
        return Long.toHexString(v);
    }
}

package io.crashpipe.parsers.extract;

import io.crashpipe.parsers.view.KernelView;
import java.util.HashMap;
import java.util.Map;

/**
 * One analysis pass over one kernel view. Sections can build on each other ({@code sys} takes the
 * panic message from the log); {@link #require} computes each at most once per pass.
 */
public final class Extraction {
    private final KernelView view;
    private final Map<Extractor<?>, Object> done = new HashMap<>();

    public Extraction(KernelView view) {
        this.view = view;
    }

    public KernelView view() {
        return view;
    }

    /** The result of another section, computed now if needed (a missing page propagates). */
    @SuppressWarnings("unchecked")
    public synchronized <T> T require(Extractor<T> extractor) {
        Object v = done.get(extractor);
        if (v == null) {
            v = extractor.extract(this);
            done.put(extractor, v);
        }
        return (T) v;
    }
}

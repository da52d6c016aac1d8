package io.crashpipe.parsers.oops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The data that decides which frames are machinery rather than the bug, read from the resource
 * {@code guilty-frame-rules.txt} (see its header for the sections). Kept as data so that the
 * list can grow without code changes.
 */
public final class FrameRules {
    /** Sections of the rules file. */
    public enum Section { SKIP, HANG, STALL, OOM, LEAK, REFCOUNT, ANCHORS }

    private static final String RESOURCE = "guilty-frame-rules.txt";
    private static final FrameRules DEFAULT = load();

    private final Map<Section, Pattern> patterns;
    private final Map<String, String> collapse;
    private final Map<Pattern, String> warningKinds;

    private FrameRules(Map<Section, Pattern> patterns, Map<String, String> collapse, Map<Pattern, String> warningKinds) {
        this.patterns = patterns;
        this.collapse = collapse;
        this.warningKinds = warningKinds;
    }

    /** The kind of a WARNING raised in this source file ("locking bug"), if it has one. */
    java.util.Optional<String> warningKind(String sourceFile) {
        for (Map.Entry<Pattern, String> e : warningKinds.entrySet()) {
            if (e.getKey().matcher(sourceFile).find()) {
                return java.util.Optional.of(e.getValue());
            }
        }
        return java.util.Optional.empty();
    }

    public static FrameRules defaults() {
        return DEFAULT;
    }

    boolean matches(Section section, String function) {
        Pattern p = patterns.get(section);
        if (p == null) {
            return false;
        }
        // Function names repeat across reports and the alternation is long: remember answers,
        // in a cache that is dropped when it grows (memory stays bounded).
        Map<String, Boolean> c = cache.get(section);
        Boolean hit = c.get(function);
        if (hit == null) {
            if (c.size() > CACHE_LIMIT) {
                c.clear();
            }
            hit = p.matcher(function).find();
            c.put(function, hit);
        }
        return hit;
    }

    private static final int CACHE_LIMIT = 50_000;
    private final Map<Section, Map<String, Boolean>> cache = cacheMaps();

    private static Map<Section, Map<String, Boolean>> cacheMaps() {
        Map<Section, Map<String, Boolean>> m = new EnumMap<>(Section.class);
        for (Section s : Section.values()) {
            m.put(s, new java.util.concurrent.ConcurrentHashMap<>());
        }
        return m;
    }

    /** True when the function is machinery for a report whose extra sections are given. */
    boolean skipped(String function, List<Section> extra) {
        if (matches(Section.SKIP, function)) {
            return true;
        }
        for (Section s : extra) {
            if (matches(s, function)) {
                return true;
            }
        }
        return false;
    }

    /** The family name to print for a function (e.g. every smp_call_function variant). */
    String collapsed(String function) {
        for (Map.Entry<String, String> e : collapse.entrySet()) {
            if (function.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return function;
    }

    private static FrameRules load() {
        try (InputStream in = FrameRules.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static FrameRules parse(BufferedReader r) throws IOException {
        Map<Section, List<String>> lists = new EnumMap<>(Section.class);
        Map<String, String> collapse = new LinkedHashMap<>();
        Map<Pattern, String> warningKinds = new LinkedHashMap<>();
        String section = null;
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                section = t.substring(1, t.length() - 1);
                continue;
            }
            if (section == null) {
                throw new IllegalStateException(RESOURCE + " line " + n + ": rule before any [section]");
            }
            if (section.equals("warning-kinds")) {
                String[] kv = t.split("\\s*=>\\s*", 2);
                warningKinds.put(Pattern.compile(kv[0]), kv[1]);
            } else if (section.equals("collapse")) {
                String[] kv = t.split("\\s*=>\\s*", 2);
                collapse.put(kv[0], kv.length > 1 ? kv[1] : kv[0]);
            } else {
                Section s = Section.valueOf(section.toUpperCase(java.util.Locale.ROOT));
                lists.computeIfAbsent(s, k -> new ArrayList<>()).add(t);
            }
        }
        Map<Section, Pattern> patterns = new EnumMap<>(Section.class);
        lists.forEach((s, l) -> patterns.put(s, Pattern.compile("(?:" + String.join(")|(?:", l) + ")")));
        return new FrameRules(patterns, collapse, warningKinds);
    }
}

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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The data that decides which frames are machinery rather than the bug, read from the resource
 * {@code guilty-frame-rules.txt} (see its header for the sections). Kept as data so that the
 * lists can grow without code changes.
 */
public final class FrameRules {
    /** Sections of the rules file that are plain pattern lists. */
    public enum Section { SKIP, HANG, ANCHORS }

    /** A WARNING raised in a checker: its kind and the extra names passed over for it. */
    record WarningKind(Pattern line, String kind, Optional<Pattern> skip) {}

    private static final String RESOURCE = "guilty-frame-rules.txt";
    private static final FrameRules DEFAULT = load();
    private static final int CACHE_LIMIT = 50_000;

    private final Map<Section, Pattern> patterns;
    private final Map<String, String> hangGroups;
    private final List<String> stripPrefixes;
    private final List<WarningKind> warningKinds;
    private final Map<Section, Map<String, Boolean>> cache = new EnumMap<>(Section.class);

    private FrameRules(Map<Section, Pattern> patterns, Map<String, String> hangGroups, List<String> stripPrefixes,
            List<WarningKind> warningKinds) {
        this.patterns = patterns;
        this.hangGroups = hangGroups;
        this.stripPrefixes = stripPrefixes;
        this.warningKinds = warningKinds;
        for (Section s : Section.values()) {
            cache.put(s, new ConcurrentHashMap<>());
        }
    }

    public static FrameRules defaults() {
        return DEFAULT;
    }

    /** The checker kind of a WARNING first line ("WARNING: CPU: 0 PID: 1 at lib/refcount.c:25 ..."), if any. */
    Optional<WarningKind> warningKind(String warningLine) {
        for (WarningKind k : warningKinds) {
            if (k.line().matcher(warningLine).find()) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** True when the section's patterns find a match in the function name. */
    boolean matches(Section section, String function) {
        Pattern p = patterns.get(section);
        if (p == null) {
            return false;
        }
        // Names repeat across reports and the alternation is long: remember answers, in a cache
        // that is dropped when it grows (memory stays bounded).
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

    /** True when the function is machinery for every kind, or for this kind's extra pattern. */
    boolean skipped(String function, Optional<Pattern> extra) {
        return matches(Section.SKIP, function) || extra.map(p -> p.matcher(function).find()).orElse(false);
    }

    /** The group a hung task's frame belongs to (rtnl_lock, synchronize_rcu), if any. */
    Optional<String> hangGroup(String function) {
        for (Map.Entry<String, String> e : hangGroups.entrySet()) {
            if (function.contains(e.getKey())) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** The name as titles print it: the longest syscall wrapper prefix that applies removed. */
    String stripped(String function) {
        String best = function;
        for (String p : stripPrefixes) {
            if (function.startsWith(p) && function.length() - p.length() < best.length() && function.length() > p.length()) {
                best = function.substring(p.length());
            }
        }
        return best;
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
        Map<String, String> hangGroups = new LinkedHashMap<>();
        List<String> strip = new ArrayList<>();
        List<WarningKind> warningKinds = new ArrayList<>();
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
            switch (section) {
                case "hang-groups" -> {
                    String[] kv = t.split("\\s*=>\\s*", 2);
                    hangGroups.put(kv[0], kv.length > 1 ? kv[1] : kv[0]);
                }
                case "strip-prefixes" -> strip.add(t);
                case "warning-kinds" -> {
                    String[] kv = t.split("\\s*=>\\s*", 2);
                    String[] kindSkip = kv[1].split("\\s*\\|\\s*", 2);
                    String words = kindSkip.length > 1 ? kindSkip[1].strip() : "";
                    warningKinds.add(new WarningKind(Pattern.compile(kv[0]), kindSkip[0].strip(), words(words)));
                }
                default -> lists.computeIfAbsent(Section.valueOf(section.toUpperCase(Locale.ROOT)), k -> new ArrayList<>()).add(t);
            }
        }
        Map<Section, Pattern> patterns = new EnumMap<>(Section.class);
        lists.forEach((s, l) -> patterns.put(s, Pattern.compile("(?:" + String.join(")|(?:", l) + ")")));
        return new FrameRules(patterns, hangGroups, List.copyOf(strip), List.copyOf(warningKinds));
    }

    /** A space-separated list of name fragments (regular expressions) as one pattern, empty if none. */
    static Optional<Pattern> words(String spaceSeparated) {
        String s = spaceSeparated.strip();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Pattern.compile("(?:" + String.join(")|(?:", s.split("\\s+")) + ")"));
    }
}

package io.crashpipe.parsers.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed member path: {@code se.sum_exec_runtime} or {@code rss_stat.count[1].counter}.
 * Each step names a member and may index into arrays.
 */
record BtfPath(List<Step> steps) {

    record Step(String member, List<Long> indices) {}

    static BtfPath parse(String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty member path");
        }
        List<Step> steps = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            int bracket = part.indexOf('[');
            String member = bracket < 0 ? part : part.substring(0, bracket);
            if (member.isEmpty()) {
                throw new IllegalArgumentException("member path '" + path + "' has an empty member name");
            }
            List<Long> indices = new ArrayList<>();
            int p = bracket;
            while (p >= 0 && p < part.length()) {
                int close = part.indexOf(']', p);
                if (part.charAt(p) != '[' || close < 0) {
                    throw new IllegalArgumentException("member path '" + path + "': expected [index] after " + member);
                }
                try {
                    indices.add(Long.parseLong(part.substring(p + 1, close)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("member path '" + path + "': bad array index in " + part);
                }
                p = close + 1;
            }
            steps.add(new Step(member, List.copyOf(indices)));
        }
        return new BtfPath(List.copyOf(steps));
    }
}

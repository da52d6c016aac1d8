package io.crashpipe.parsers.triage.struct;

import java.util.Arrays;
import java.util.List;

/**
 * crash's {@code struct} argument: {@code TYPE} or {@code TYPE.member[,member...]}, where a
 * member may itself be a path ({@code se.load}) and the type may be written {@code struct TYPE}.
 */
public record StructQuery(String type, List<String> members) {

    public static StructQuery parse(String spec) {
        String s = spec.strip();
        if (s.startsWith("struct ")) {
            s = s.substring(7).strip();
        } else if (s.startsWith("union ")) {
            s = s.substring(6).strip();
        }
        int dot = s.indexOf('.');
        if (dot < 0) {
            return new StructQuery(s, List.of());
        }
        if (dot == 0 || dot == s.length() - 1) {
            throw new IllegalArgumentException("'" + spec + "' is not TYPE or TYPE.member[,member]");
        }
        List<String> members = Arrays.stream(s.substring(dot + 1).split(",")).map(String::strip).toList();
        if (members.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("'" + spec + "' has an empty member name");
        }
        return new StructQuery(s.substring(0, dot), members);
    }
}

package io.crashpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashpipe.parsers.triage.struct.GdbFormat;
import io.crashpipe.parsers.triage.struct.Value;
import java.nio.charset.StandardCharsets;

/** A {@link Value} tree as JSON: structs as objects (anonymous members merged), arrays as arrays. */
final class ValueJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ValueJson() {}

    static JsonNode of(Value v) {
        return switch (v) {
            case Value.Scalar s -> switch (s.kind()) {
                case SIGNED, CHAR -> s.text().startsWith("0x") ? F.textNode(s.text()) : F.numberNode(signed(s));
                case UNSIGNED -> s.text().startsWith("0x") ? F.textNode(s.text())
                        : F.numberNode(new java.math.BigInteger(Long.toUnsignedString(s.raw())));
                case BOOL -> F.booleanNode(s.raw() != 0);
                case ENUM -> F.textNode(s.text());
                case POINTER -> F.textNode(String.format("0x%016x", s.raw()));
            };
            case Value.Composite c -> {
                ObjectNode o = F.objectNode();
                for (Value.Member m : c.members()) {
                    JsonNode child = of(m.value());
                    if (m.name().isEmpty() && child instanceof ObjectNode inner) {
                        o.setAll(inner);
                    } else {
                        o.set(m.name(), child);
                    }
                }
                yield o;
            }
            case Value.Array a -> {
                ArrayNode arr = F.arrayNode();
                a.elements().forEach(e -> arr.add(of(e)));
                yield arr;
            }
            case Value.Chars c -> {
                int n = 0;
                while (n < c.bytes().length && c.bytes()[n] != 0) {
                    n++;
                }
                yield F.textNode(new String(c.bytes(), 0, n, StandardCharsets.ISO_8859_1));
            }
            case Value.CharPointer p -> {
                ObjectNode o = F.objectNode();
                o.put("address", String.format("0x%016x", p.address()));
                if (p.string() == null) {
                    o.putNull("string");
                } else {
                    o.put("string", new String(p.string(), StandardCharsets.ISO_8859_1));
                }
                yield o;
            }
            case Value.Unreadable u -> {
                ObjectNode o = F.objectNode();
                o.put("unreadable", String.format("0x%016x", u.address()));
                o.put("reason", u.reason());
                yield o;
            }
        };
    }

    private static long signed(Value.Scalar s) {
        String t = s.text();
        int sp = t.indexOf(' ');
        return Long.parseLong(sp < 0 ? t : t.substring(0, sp));
    }

    /** The crash text, for callers that want both. */
    static String text(Value v, int depth) {
        return GdbFormat.render(v, depth);
    }
}

package io.crashpipe.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The rules of SCHEMAS.md that a machine can check, over every .avsc of the module. */
class SchemaRulesTest {

    @Test
    void everyEnumDeclaresADefaultSoAnOlderReaderSurvivesANewSymbol() throws IOException {
        List<Schema.Type> seen = new ArrayList<>();
        for (Schema s : allSchemas()) {
            walk(s, new HashSet<>(), e -> {
                seen.add(e.getType());
                assertNotNull(e.getEnumDefault(), e.getFullName() + " has no default");
                assertTrue(e.getEnumSymbols().contains(e.getEnumDefault()), e.getFullName());
            });
        }
        assertTrue(seen.size() >= 6, "enums found: " + seen.size());
    }

    @Test
    void chunkCodecsDefaultIsNoRealCodec() {
        Schema codec = io.crashpipe.schemas.events.ChunkCodec.getClassSchema();
        assertEquals("UNKNOWN", codec.getEnumDefault(), "a reader must never guess how to decode a payload");
    }

    /** Every .avsc, parsed in an order where the types each one names are known first. */
    private static List<Schema> allSchemas() throws IOException {
        List<Path> pending;
        try (Stream<Path> files = Files.walk(Path.of("src/main/avro"))) {
            pending = new ArrayList<>(files.filter(p -> p.toString().endsWith(".avsc")).toList());
        }
        List<Schema> out = new ArrayList<>();
        java.util.Map<String, Schema> known = new java.util.HashMap<>();
        while (!pending.isEmpty()) {
            int before = pending.size();
            for (java.util.Iterator<Path> it = pending.iterator(); it.hasNext(); ) {
                Path p = it.next();
                Schema.Parser parser = new Schema.Parser();
                parser.addTypes(known.values());
                try {
                    Schema s = parser.parse(p.toFile());
                    out.add(s);
                    known.putAll(parser.getTypes());
                    it.remove();
                } catch (org.apache.avro.AvroRuntimeException e) {
                    // names a type defined in a file not parsed yet
                }
            }
            assertTrue(pending.size() < before, "unparseable: " + pending);
        }
        return out;
    }

    private static void walk(Schema s, Set<String> done, java.util.function.Consumer<Schema> onEnum) {
        switch (s.getType()) {
            case ENUM -> {
                if (done.add(s.getFullName())) {
                    onEnum.accept(s);
                }
            }
            case RECORD -> {
                if (done.add(s.getFullName())) {
                    s.getFields().forEach(f -> walk(f.schema(), done, onEnum));
                }
            }
            case ARRAY -> walk(s.getElementType(), done, onEnum);
            case MAP -> walk(s.getValueType(), done, onEnum);
            case UNION -> s.getTypes().forEach(t -> walk(t, done, onEnum));
            default -> { }
        }
    }
}

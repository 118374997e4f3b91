package io.meshstreams.internal.contract;

import io.meshstreams.governance.ClassificationScheme;
import io.meshstreams.internal.avro.SchemaFields;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which values of a port's records a message may show: a violation, an exception or a log line shows the
 * classification ({@code <PII>}) in place of a value that is, or holds, a classified value.
 *
 * <ol>
 *   <li>Classifications are the port's ({@code OutputPort.classifications()}: the schema's field properties and the
 *       descriptor's {@code classifications:} map, a path given there winning), and the field properties of records
 *       that no path reaches (inside arrays, maps and unions of several types), read as
 *       {@link SchemaFields#classifications} reads them.</li>
 *   <li>A value is withheld when its field is classified, lies inside a classified field (a record, array or map),
 *       or holds a classified field anywhere below it (a record with a {@code PII} field, an array of such records).
 *       It is shown as its highest classification, ranked by the {@link ClassificationScheme#DEFAULT default
 *       scheme}; an unknown level ranks above every known one (fail closed).</li>
 *   <li>{@code PUBLIC}, the default scheme's lowest level, withholds nothing: anyone may see it.</li>
 *   <li>Decided from the schema alone, never from a record: compute once per port (a rule's fields once per rule).
 *       Thread-safe.</li>
 * </ol>
 */
public final class FieldClassifications {
    private static final ClassificationScheme SCHEME = ClassificationScheme.DEFAULT;
    private static final String PUBLIC = SCHEME.levels().get(0);
    private static final FieldClassifications NONE = new FieldClassifications(Schema.create(Schema.Type.NULL), Map.of());

    private final Schema root;
    /** Classification by addressable path ({@code address.city}): the schema's properties, then the declared map. */
    private final Map<String, String> byPath;
    /** The highest classification in the records reachable from a schema (its fields' own properties), by identity. */
    private final Map<Schema, Optional<String>> inside = Collections.synchronizedMap(new IdentityHashMap<>());

    private FieldClassifications(Schema root, Map<String, String> byPath) {
        this.root = root;
        this.byPath = byPath;
    }

    /**
     * The classifications of records of {@code schema}.
     *
     * @param declared field path to classification, such as {@code OutputPort.classifications()}, in addition to the
     *                 schema's field properties (a path given here wins)
     */
    public static FieldClassifications of(Schema schema, Map<String, String> declared) {
        Objects.requireNonNull(schema, "schema");
        Map<String, String> all = new LinkedHashMap<>(SchemaFields.classifications(schema));
        declared.forEach((path, level) -> {
            if (level != null && !level.isBlank()) {
                all.put(path, level.trim());
            }
        });
        return new FieldClassifications(schema, Map.copyOf(all));
    }

    /** Nothing is classified: every value may be shown. */
    public static FieldClassifications none() {
        return NONE;
    }

    /** What a message shows in place of a value of this classification: {@code <PII>}. */
    public static String placeholder(String classification) {
        return "<" + classification + ">";
    }

    /** The record itself: the root of every path. */
    public Position root() {
        return new Position(List.of(root), "", null);
    }

    /**
     * The classification that withholds the value at a dotted path as a rule reads it ({@code email},
     * {@code address.city}; a name after a map is a key), or null if the value may be shown.
     */
    public @Nullable String withheld(String dottedPath) {
        Position position = root();
        if (!dottedPath.isEmpty()) {
            for (String name : dottedPath.split("\\.", -1)) {
                position = position.field(name);
            }
        }
        return position.withheld();
    }

    /**
     * A place in the schema where values sit: a field reached by names, array elements, map values. Where a union of
     * several types leaves the type open, every branch counts.
     */
    public final class Position {
        private final List<Schema> schemas;
        /** The path from the root that classifications are declared by, or null where no path reaches. */
        private final @Nullable String path;
        /** The highest classification of this place and of the places it lies in. */
        private final @Nullable String inherited;

        private Position(List<Schema> schemas, @Nullable String path, @Nullable String inherited) {
            this.schemas = schemas;
            this.path = path;
            this.inherited = inherited;
        }

        /** The field of that name of the record here; of a map here, the value under that key. */
        public Position field(String name) {
            List<Schema> found = new ArrayList<>();
            String level = inherited;
            boolean addressable = path != null;
            for (Schema schema : schemas) {
                Schema type = SchemaFields.nonNull(schema);
                if (type.getType() == Schema.Type.MAP) {
                    found.add(type.getValueType());
                    addressable = false;
                    continue;
                }
                List<Schema> records = records(type);
                if (records.size() != 1 || type.getType() != Schema.Type.RECORD) {
                    addressable = false;
                }
                for (Schema record : records) {
                    Schema.Field field = record.getField(name);
                    if (field != null) {
                        found.add(field.schema());
                        level = higher(level, SchemaFields.classifications(record).get(name));
                    }
                }
            }
            String childPath = null;
            if (addressable) {
                childPath = path.isEmpty() ? name : path + "." + name;
                level = higher(level, byPath.get(childPath));
            }
            return new Position(List.copyOf(found), childPath, level);
        }

        /** The elements of the array here. */
        public Position element() {
            List<Schema> found = new ArrayList<>();
            for (Schema schema : schemas) {
                Schema type = SchemaFields.nonNull(schema);
                if (type.getType() == Schema.Type.ARRAY) {
                    found.add(type.getElementType());
                } else if (type.getType() == Schema.Type.UNION) {
                    type.getTypes().stream().filter(t -> t.getType() == Schema.Type.ARRAY)
                            .forEach(t -> found.add(t.getElementType()));
                }
            }
            return new Position(List.copyOf(found), null, inherited);
        }

        /** The values of the map here. */
        public Position mapValue() {
            List<Schema> found = new ArrayList<>();
            for (Schema schema : schemas) {
                Schema type = SchemaFields.nonNull(schema);
                if (type.getType() == Schema.Type.MAP) {
                    found.add(type.getValueType());
                } else if (type.getType() == Schema.Type.UNION) {
                    type.getTypes().stream().filter(t -> t.getType() == Schema.Type.MAP)
                            .forEach(t -> found.add(t.getValueType()));
                }
            }
            return new Position(List.copyOf(found), null, inherited);
        }

        /** The branch of the union here that a value turned out to have. */
        public Position branch(Schema branch) {
            boolean single = schemas.size() == 1 && SchemaFields.nonNull(schemas.get(0)) != schemas.get(0);
            return new Position(List.of(branch), single ? path : null, inherited);
        }

        /**
         * The classification that withholds a value here (its own, an enclosing field's, or the highest of anything
         * classified below it), or null if the value may be shown.
         */
        public @Nullable String withheld() {
            String level = inherited;
            for (Schema schema : schemas) {
                level = higher(level, insideOf(schema));
            }
            if (path != null) {
                String below = path.isEmpty() ? "" : path + ".";
                for (Map.Entry<String, String> entry : byPath.entrySet()) {
                    if (entry.getKey().startsWith(below)) {
                        level = higher(level, entry.getValue());
                    }
                }
            }
            return level == null || level.equalsIgnoreCase(PUBLIC) ? null : level;
        }
    }

    /** The records a type is or may be: itself, or its union's record branches. */
    private static List<Schema> records(Schema type) {
        if (type.getType() == Schema.Type.RECORD) {
            return List.of(type);
        }
        if (type.getType() == Schema.Type.UNION) {
            return type.getTypes().stream().filter(t -> t.getType() == Schema.Type.RECORD).toList();
        }
        return List.of();
    }

    /** The highest classification that a field of any record reachable from the schema carries itself. */
    private @Nullable String insideOf(Schema schema) {
        Optional<String> known = inside.get(schema);
        if (known == null) {
            known = Optional.ofNullable(collectInside(schema, Collections.newSetFromMap(new IdentityHashMap<>())));
            inside.put(schema, known);
        }
        return known.orElse(null);
    }

    private static @Nullable String collectInside(Schema schema, Set<Schema> seen) {
        if (!seen.add(schema)) {
            return null;
        }
        return switch (schema.getType()) {
            case RECORD -> {
                String level = null;
                for (String found : SchemaFields.classifications(schema).values()) {
                    level = higher(level, found);
                }
                for (Schema.Field field : schema.getFields()) {
                    level = higher(level, collectInside(field.schema(), seen));
                }
                yield level;
            }
            case UNION -> {
                String level = null;
                for (Schema branch : schema.getTypes()) {
                    level = higher(level, collectInside(branch, seen));
                }
                yield level;
            }
            case ARRAY -> collectInside(schema.getElementType(), seen);
            case MAP -> collectInside(schema.getValueType(), seen);
            default -> null;
        };
    }

    /** The higher of two classifications (null is none); an unknown level is above every known one. */
    private static @Nullable String higher(@Nullable String a, @Nullable String b) {
        if (b == null) {
            return a;
        }
        String normalized = SCHEME.rank(b).map(rank -> SCHEME.levels().get(rank)).orElse(b.trim());
        if (a == null) {
            return normalized;
        }
        return rank(normalized) > rank(a) ? normalized : a;
    }

    private static int rank(String level) {
        return SCHEME.rank(level).orElse(SCHEME.levels().size());
    }
}

package io.meshstreams.internal.masking;

import io.meshstreams.InvalidConfigException;

import io.meshstreams.governance.ClassificationScheme;
import io.meshstreams.governance.MaskedField;
import io.meshstreams.governance.MaskingPolicy;
import io.meshstreams.internal.avro.SchemaFields;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what is masked for a clearance and builds the masked schema and the {@link RecordMasking} that fills it.
 *
 * <p>Conventions of the masked schema:
 * <ol>
 *   <li>The root record is named {@code <Name>_masked_for_<clearance>} (clearance in lower case) in the port's
 *       namespace; so is every nested record with masked fields below it (with its path added if two differ in
 *       content). Records without masked fields keep their names: they are the port's types.</li>
 *   <li>A {@code HASH} field is a {@code string}, {@code ["null", "string"]} if it was nullable; its default, if it
 *       had one, is the hash of that default (or null).</li>
 *   <li>A {@code REDACT} field is {@code ["null", T]} with {@code "default": null}: its type, made nullable, null
 *       first.</li>
 *   <li>A {@code DROP} field is absent.</li>
 *   <li>A masked field carries {@code "mesh.masked": "<POLICY>"} and {@code "mesh.masked.classification": "<LEVEL>"};
 *       it no longer carries {@code "classification"} nor the level among its {@code "confluent:tags"}, since its
 *       value is no longer the classified value. Its doc and other properties stay.</li>
 *   <li>Every rebuilt record carries {@code "mesh.masked.fields": ["email:HASH", "address.city:DROP"]}: on the
 *       root, every masked field by path; on a nested record, the fields masked at or below it, by path relative to
 *       it. The root also carries {@code "mesh.masked.clearance"} and {@code "mesh.masked.source"} (the port
 *       schema's full name).</li>
 * </ol>
 *
 * <p>Fails closed: a classified field that masking cannot reach by path (inside an array, a map, a union of several
 * types, or a recursive reference to a record with masked fields) and that the clearance does not clear is an
 * error, never passed on in clear.
 */
public final class MaskingCompiler {
    public static final String MASKED_PROPERTY = "mesh.masked";
    public static final String MASKED_CLASSIFICATION_PROPERTY = "mesh.masked.classification";
    public static final String MASKED_FIELDS_PROPERTY = "mesh.masked.fields";
    public static final String MASKED_CLEARANCE_PROPERTY = "mesh.masked.clearance";
    public static final String MASKED_SOURCE_PROPERTY = "mesh.masked.source";
    /** A default that Avro cannot read back (one of a union's later branches): the masked field gets none. */
    private static final Object NO_DEFAULT = new Object();

    /** What was compiled: the masked schema, how to fill it (null when nothing is masked), and what is masked. */
    public record Compiled(Schema maskedSchema, @Nullable RecordMasking masking, List<MaskedField> maskedFields) {
    }

    private final Schema port;
    private final String clearance;
    private final ClassificationScheme scheme;
    private final @Nullable KeyedHash hash;
    private final Map<String, MaskedField> decisions;
    private final String suffix;
    private final Set<String> portNames = new HashSet<>();
    private final Map<String, Schema> rebuilt = new HashMap<>();
    private final Set<Schema> rebuilding = Collections.newSetFromMap(new IdentityHashMap<>());

    private MaskingCompiler(Schema port, String clearance, ClassificationScheme scheme, @Nullable KeyedHash hash,
                            Map<String, MaskedField> decisions) {
        this.port = port;
        this.clearance = clearance;
        this.scheme = scheme;
        this.hash = hash;
        this.decisions = decisions;
        this.suffix = "_masked_for_" + clearance.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        collectNames(port, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /**
     * Compiles masking of records of {@code portSchema} for a consumer with {@code clearance}.
     *
     * @param classifications field path to classification, in addition to those the schema's field properties
     *                        declare (a path given here wins)
     * @param policyFor       the policy for a classification the clearance does not clear
     * @param hash            the keyed hash, or null if the mesh has no hash key
     * @param missingHashKey  the message for a {@code HASH} without a key: how to configure one
     */
    public static Compiled compile(Schema portSchema, Map<String, String> classifications, String clearance,
                                   ClassificationScheme scheme, Function<String, MaskingPolicy> policyFor,
                                   @Nullable KeyedHash hash, String missingHashKey) {
        if (portSchema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("Masking needs a record schema, and the port's value schema is a "
                    + portSchema.getType().getName() + ": " + portSchema);
        }
        String normalizedClearance = scheme.rank(clearance)
                .map(rank -> scheme.levels().get(rank))
                .orElseThrow(() -> new IllegalArgumentException("Unknown clearance '" + clearance + "'; a clearance "
                        + "is one of the levels of the mesh's classification scheme: " + scheme.describe()));

        Map<String, Schema.Field> fields = SchemaFields.byPath(portSchema);
        List<String> unknown = classifications.keySet().stream().filter(path -> !fields.containsKey(path)).sorted()
                .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException((unknown.size() == 1 ? "Classified field " : "Classified fields ")
                    + String.join(", ", unknown) + (unknown.size() == 1 ? " is" : " are") + " not in schema "
                    + portSchema.getFullName() + "; its fields are " + String.join(", ", fields.keySet())
                    + ". Classify fields by their path in the schema (nested: address.city)");
        }

        Map<String, String> all = new LinkedHashMap<>(SchemaFields.classifications(portSchema));
        classifications.forEach((path, level) -> all.put(path, level.trim()));
        Map<String, MaskedField> decisions = new LinkedHashMap<>();
        for (String path : fields.keySet()) { // schema order
            String level = all.get(path);
            if (level != null && !scheme.clears(normalizedClearance, level)) {
                String shown = scheme.rank(level).map(rank -> scheme.levels().get(rank)).orElse(level);
                decisions.put(path, new MaskedField(path, shown, policyFor.apply(level)));
            }
        }
        // a masked record is masked whole: what is classified inside it is masked with it
        List<String> inside = decisions.keySet().stream()
                .filter(path -> decisions.keySet().stream().anyMatch(other -> path.startsWith(other + ".")))
                .toList();
        inside.forEach(decisions::remove);

        List<String> hashed = decisions.values().stream().filter(d -> d.policy() == MaskingPolicy.HASH)
                .map(MaskedField::path).toList();
        if (!hashed.isEmpty() && hash == null) {
            throw new InvalidConfigException("mesh.masking.hash.key", "Masking " + portSchema.getFullName() + " for clearance "
                    + normalizedClearance + " hashes " + String.join(", ", hashed) + ", but no hash key is configured. "
                    + missingHashKey);
        }

        MaskingCompiler compiler = new MaskingCompiler(portSchema, normalizedClearance, scheme, hash, decisions);
        if (decisions.isEmpty()) {
            for (Schema.Field field : portSchema.getFields()) {
                compiler.checkCopied(field.schema(), field.name(), field.name(), true, new CheckedRecords());
            }
            return new Compiled(portSchema, null, List.of());
        }
        Built root = compiler.build(portSchema, "");
        return new Compiled(root.schema(), root.masking(), List.copyOf(decisions.values()));
    }

    private record Built(Schema schema, RecordMasking masking) {
    }

    private Built build(Schema record, String prefix) {
        rebuilding.add(record);
        List<Schema.Field> outFields = new ArrayList<>();
        List<Integer> source = new ArrayList<>();
        List<Byte> operations = new ArrayList<>();
        List<@Nullable Schema> portTypes = new ArrayList<>();
        List<@Nullable RecordMasking> nested = new ArrayList<>();
        List<String> labels = new ArrayList<>();

        for (Schema.Field field : record.getFields()) {
            String path = prefix + field.name();
            MaskedField decision = decisions.get(path);
            if (decision != null) {
                labels.add(decision.path().substring(prefix.length()) + ":" + decision.policy());
                switch (decision.policy()) {
                    case DROP -> {
                        continue;
                    }
                    case HASH -> {
                        outFields.add(hashedField(field, decision));
                        operations.add(RecordMasking.HASH);
                    }
                    case REDACT -> {
                        outFields.add(redactedField(field, decision));
                        operations.add(RecordMasking.REDACT);
                    }
                }
                source.add(field.pos());
                portTypes.add(field.schema());
                nested.add(null);
            } else if (maskedBelow(path)) {
                Schema inner = SchemaFields.nonNull(field.schema());
                Built child = build(inner, path + ".");
                decisions.values().stream().filter(d -> d.path().startsWith(path + "."))
                        .forEach(d -> labels.add(d.path().substring(prefix.length()) + ":" + d.policy()));
                outFields.add(field(field, replace(field.schema(), inner, child.schema()),
                        maskedDefault(field, child.masking()), field.getObjectProps()));
                operations.add(RecordMasking.NESTED);
                source.add(field.pos());
                portTypes.add(null);
                nested.add(child.masking());
            } else {
                checkCopied(field.schema(), path, path, true, new CheckedRecords());
                outFields.add(new Schema.Field(field, field.schema()));
                operations.add(RecordMasking.COPY);
                source.add(field.pos());
                portTypes.add(null);
                nested.add(null);
            }
        }
        rebuilding.remove(record);

        Schema masked = record(record, prefix, outFields, labels);
        byte[] ops = new byte[operations.size()];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = operations.get(i);
        }
        RecordMasking masking = new RecordMasking(record, masked, prefix,
                source.stream().mapToInt(Integer::intValue).toArray(), ops,
                portTypes.toArray(new Schema[0]), nested.toArray(new RecordMasking[0]), hash);
        return new Built(masked, masking);
    }

    private boolean maskedBelow(String path) {
        String below = path + ".";
        return decisions.keySet().stream().anyMatch(p -> p.startsWith(below));
    }

    /** The masked record: named for the clearance, or reused if an equal one was built at another path. */
    private Schema record(Schema original, String prefix, List<Schema.Field> fields, List<String> labels) {
        Schema candidate = createRecord(original, original.getName() + suffix, fields, labels, prefix.isEmpty());
        Schema existing = rebuilt.get(candidate.getFullName());
        if (existing != null && existing.equals(candidate)) {
            return existing;
        }
        if (existing != null || portNames.contains(candidate.getFullName())) {
            List<Schema.Field> copies = fields.stream().map(f -> new Schema.Field(f, f.schema())).toList();
            String pathPart = prefix.isEmpty() ? "root" : prefix.substring(0, prefix.length() - 1).replace('.', '_');
            candidate = createRecord(original, original.getName() + "_" + pathPart + suffix, copies, labels,
                    prefix.isEmpty());
        }
        rebuilt.put(candidate.getFullName(), candidate);
        return candidate;
    }

    private Schema createRecord(Schema original, String name, List<Schema.Field> fields, List<String> labels,
                                boolean root) {
        Schema record = Schema.createRecord(name, original.getDoc(), original.getNamespace(), original.isError(),
                fields);
        original.getObjectProps().forEach((key, value) -> {
            if (!key.startsWith(MASKED_PROPERTY + ".")) { // a port that republishes masked data: this masking's say
                record.addProp(key, value);
            }
        });
        record.addProp(MASKED_FIELDS_PROPERTY, List.copyOf(labels));
        if (root) {
            record.addProp(MASKED_CLEARANCE_PROPERTY, clearance);
            record.addProp(MASKED_SOURCE_PROPERTY, original.getFullName());
        }
        return record;
    }

    private Schema.Field hashedField(Schema.Field field, MaskedField decision) {
        Schema string = Schema.create(Schema.Type.STRING);
        boolean nullable = SchemaFields.isNullable(field.schema());
        Object defaultDatum = field.hasDefaultValue() ? defaultDatum(field) : NO_DEFAULT;
        Object defaultValue = null; // none
        if (defaultDatum == null) {
            defaultValue = nullable ? Schema.Field.NULL_DEFAULT_VALUE : null;
        } else if (defaultDatum != NO_DEFAULT) {
            defaultValue = Objects.requireNonNull(hash, "hash").hex(CanonicalForm.of(defaultDatum, field.schema()));
        }
        Schema type = string;
        if (nullable) {
            Schema nullSchema = Schema.create(Schema.Type.NULL);
            // the default's branch first: the hashed default's string, else null
            type = defaultValue instanceof String
                    ? Schema.createUnion(string, nullSchema)
                    : Schema.createUnion(nullSchema, string);
        }
        return field(field, type, defaultValue, maskedProps(field, decision));
    }

    private Schema.Field redactedField(Schema.Field field, MaskedField decision) {
        Schema original = field.schema();
        List<Schema> branches = new ArrayList<>();
        branches.add(Schema.create(Schema.Type.NULL));
        if (original.getType() == Schema.Type.UNION) {
            original.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).forEach(branches::add);
        } else if (original.getType() != Schema.Type.NULL) {
            branches.add(original);
        }
        Schema type = branches.size() == 1 ? branches.get(0) : Schema.createUnion(branches);
        return field(field, type, Schema.Field.NULL_DEFAULT_VALUE, maskedProps(field, decision));
    }

    private Map<String, Object> maskedProps(Schema.Field field, MaskedField decision) {
        Map<String, Object> props = new LinkedHashMap<>(field.getObjectProps());
        props.remove(SchemaFields.CLASSIFICATION_PROPERTY);
        Object tags = props.get(SchemaFields.CONFLUENT_TAGS_PROPERTY);
        if (tags instanceof List<?> list) {
            List<?> kept = list.stream().filter(tag -> !(tag instanceof String level && scheme.contains(level))).toList();
            if (kept.isEmpty()) {
                props.remove(SchemaFields.CONFLUENT_TAGS_PROPERTY);
            } else {
                props.put(SchemaFields.CONFLUENT_TAGS_PROPERTY, kept);
            }
        }
        props.put(MASKED_PROPERTY, decision.policy().name());
        props.put(MASKED_CLASSIFICATION_PROPERTY, decision.classification());
        return props;
    }

    private static Schema.Field field(Schema.Field original, Schema type, @Nullable Object defaultValue,
                                      Map<String, Object> props) {
        Schema.Field field = new Schema.Field(original.name(), type, original.doc(), defaultValue, original.order());
        original.aliases().forEach(field::addAlias);
        props.forEach(field::addProp);
        return field;
    }

    /** The field's type with {@code from} (itself, or a branch of its union) replaced by {@code to}. */
    private static Schema replace(Schema type, Schema from, Schema to) {
        if (type == from) {
            return to;
        }
        List<Schema> branches = type.getTypes().stream().map(branch -> branch == from ? to : branch).toList();
        return Schema.createUnion(branches);
    }

    /** The field's default as a datum; null for a null default; NO_DEFAULT if Avro cannot read it. */
    private static @Nullable Object defaultDatum(Schema.Field field) {
        try {
            return GenericData.get().getDefaultValue(field);
        } catch (AvroRuntimeException e) {
            return NO_DEFAULT;
        }
    }

    /** The default of a field whose record type is rebuilt: the port's default, masked; none if it had none. */
    private static @Nullable Object maskedDefault(Schema.Field field, RecordMasking masking) {
        if (!field.hasDefaultValue()) {
            return null;
        }
        Object value = defaultDatum(field);
        if (value == null) {
            return Schema.Field.NULL_DEFAULT_VALUE;
        }
        if (!(value instanceof IndexedRecord record)) {
            return null; // a default of another union branch: leave the masked field without one
        }
        return json(masking.mask(record));
    }

    /** A datum as the Java objects Avro takes for a JSON default. */
    private static Object json(@Nullable Object datum) {
        if (datum == null) {
            return JsonProperties.NULL_VALUE;
        }
        if (datum instanceof IndexedRecord record) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                object.put(field.name(), json(record.get(field.pos())));
            }
            return object;
        }
        if (datum instanceof Map<?, ?> map) {
            Map<String, Object> object = new LinkedHashMap<>();
            map.forEach((key, value) -> object.put(String.valueOf(key), json(value)));
            return object;
        }
        if (datum instanceof Collection<?> items) {
            return items.stream().map(MaskingCompiler::json).toList();
        }
        if (datum instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return bytes;
        }
        if (datum instanceof GenericFixed fixed) {
            return fixed.bytes();
        }
        if (datum instanceof CharSequence || datum instanceof GenericEnumSymbol<?>) {
            return datum.toString();
        }
        return datum;
    }

    /**
     * Fails if a field passed on unchanged holds something classified that the clearance does not clear where no
     * path reaches it, or refers back to a record whose fields are being masked.
     */
    private void checkCopied(Schema type, String field, String path, boolean addressable, CheckedRecords seen) {
        switch (type.getType()) {
            case RECORD -> {
                if (rebuilding.contains(type)) {
                    throw new IllegalArgumentException("Field '" + field + "' of " + port.getFullName()
                            + " refers back to record " + type.getFullName()
                            + (path.equals(field) ? "" : " at '" + path + "'") + ", whose fields are masked for clearance "
                            + clearance + "; masking follows field paths and cannot reach into a recursive type. "
                            + "Classify '" + field + "' itself so that it is masked whole");
                }
                if (!seen.add(type, addressable)) {
                    return;
                }
                for (Schema.Field inner : type.getFields()) {
                    if (!addressable) {
                        String level = classificationOf(inner);
                        if (level != null && !scheme.clears(clearance, level)) {
                            throw new IllegalArgumentException("Field '" + field + "' of " + port.getFullName()
                                    + " holds '" + path + "." + inner.name() + "' (" + type.getFullName() + "."
                                    + inner.name() + "), classified " + level
                                    + ", inside an array, a map or a union of several types, where masking cannot "
                                    + "reach it by path, and clearance " + clearance + " does not clear " + level
                                    + ". Classify '" + field + "' itself (for example " + level
                                    + ") so that it is masked whole");
                        }
                    }
                    checkCopied(inner.schema(), field, path + "." + inner.name(), addressable, seen);
                }
            }
            case UNION -> {
                Schema single = SchemaFields.nonNull(type);
                if (single != type) {
                    checkCopied(single, field, path, addressable, seen);
                } else {
                    for (Schema branch : type.getTypes()) {
                        checkCopied(branch, field, path, false, seen);
                    }
                }
            }
            case ARRAY -> checkCopied(type.getElementType(), field, path + "[]", false, seen);
            case MAP -> checkCopied(type.getValueType(), field, path + "{}", false, seen);
            default -> {
            }
        }
    }

    /** A field's classification from its properties, as {@link SchemaFields#classifications} reads it. */
    private @Nullable String classificationOf(Schema.Field field) {
        Object own = field.getObjectProp(SchemaFields.CLASSIFICATION_PROPERTY);
        if (own instanceof String level && !level.isBlank()) {
            return level.trim();
        }
        Object tags = field.getObjectProp(SchemaFields.CONFLUENT_TAGS_PROPERTY);
        if (tags instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).filter(scheme::contains)
                    .max((a, b) -> Integer.compare(scheme.rank(a).orElse(-1), scheme.rank(b).orElse(-1)))
                    .orElse(null);
        }
        return null;
    }

    private void collectNames(Schema schema, Set<Schema> seen) {
        if (!seen.add(schema)) {
            return;
        }
        switch (schema.getType()) {
            case RECORD -> {
                portNames.add(schema.getFullName());
                schema.getFields().forEach(field -> collectNames(field.schema(), seen));
            }
            case ENUM, FIXED -> portNames.add(schema.getFullName());
            case UNION -> schema.getTypes().forEach(branch -> collectNames(branch, seen));
            case ARRAY -> collectNames(schema.getElementType(), seen);
            case MAP -> collectNames(schema.getValueType(), seen);
            default -> {
            }
        }
    }

    /** Record schemas already checked, by identity, once reachable by path and once not. */
    private static final class CheckedRecords {
        private final Set<Schema> addressable = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<Schema> unaddressable = Collections.newSetFromMap(new IdentityHashMap<>());

        boolean add(Schema schema, boolean reachable) {
            return (reachable ? addressable : unaddressable).add(schema);
        }
    }
}

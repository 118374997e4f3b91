package io.meshstreams.internal.serde;

import io.meshstreams.MeshException;
import io.meshstreams.internal.avro.SchemaFields;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.KeyTypeMismatchException;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.serde.AvroSerdeConfig;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * One port's keys, the same for everything that writes or reads them: the publisher, provisioning, a governed
 * topology and a subscriber.
 * <ol>
 *   <li>Their Java type is the key field's: {@code String} for a {@code string} field, {@code Integer} for
 *       {@code int}, {@code Long} for {@code long} (logical types such as {@code timestamp-millis} keep the
 *       underlying type).</li>
 *   <li>An {@code AVRO} key's schema is {@link #keySchema(OutputPort) canonical}: the key field's type without
 *       Java-specific properties ({@code "avro.java.string"} of generated classes), its logical type kept.
 *       Provisioning registers exactly it under {@code <topic>-key}; everything else looks its id up and never
 *       registers.</li>
 *   <li>{@link #serialize} writes exactly the port's wire bytes, whatever topic Kafka names (a repartition topic, a
 *       changelog): a {@code STRING} key as its text in UTF-8 (numbers in decimal), an {@code AVRO} key in Confluent's
 *       wire format with the port's key schema id. So a stream repartitioned with {@link #serde()} lands in the
 *       partitions the port's own records are in, for the same partition count.</li>
 *   <li>Thread-safe. Messages name the port, the key field and the types, never a key's value (a key may be a
 *       classified value).</li>
 * </ol>
 */
public final class PortKeys<K> {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final GrowableOutput out = new GrowableOutput();
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    }

    private final String what;
    private final @Nullable PortAddress address;
    private final String field;
    private final Schema schema;
    private final Class<K> type;
    private final KeyDefinition.Format format;
    private final @Nullable SchemaRegistryClient registry;
    private final @Nullable AvroRecordReader reader;
    private final String mismatchAdvice;
    private volatile int schemaId = -1;

    private PortKeys(String what, @Nullable PortAddress address, String field, Schema schema, Class<K> type,
                     KeyDefinition.Format format, @Nullable SchemaRegistryClient registry, String mismatchAdvice) {
        this.what = what;
        this.address = address;
        this.field = field;
        this.schema = schema;
        this.type = type;
        this.format = format;
        this.registry = registry;
        this.reader = format == KeyDefinition.Format.AVRO && registry != null
                ? new AvroRecordReader(registry, new AvroSerdeConfig(Map.of()), true,
                        new AvroRecordReader.ReaderSchemaSource.Given(schema))
                : null;
        this.mismatchAdvice = mismatchAdvice;
    }

    /**
     * The port's canonical key schema: the key field's type (its non-null branch) as a bare primitive, with the
     * field's logical type if Avro knows it, and no other property. One schema per key field, however the value
     * schema was written (by hand, or generated with {@code "avro.java.string": "String"}).
     */
    public static Schema keySchema(OutputPort port) {
        Schema.Field keyField = SchemaFields.byPath(port.valueSchema()).get(port.key().field());
        if (keyField == null) {
            throw new IllegalArgumentException("Port " + port.name() + " has no key field '" + port.key().field() + "'");
        }
        Schema declared = SchemaFields.nonNull(keyField.schema());
        Schema canonical = Schema.create(declared.getType());
        // Read from the bare type: Avro ignores a "uuid" next to the generated classes' "avro.java.string".
        if (declared.getObjectProp(LogicalType.LOGICAL_TYPE_PROP) instanceof String name) {
            Schema bare = Schema.create(declared.getType());
            bare.addProp(LogicalType.LOGICAL_TYPE_PROP, name);
            LogicalType logicalType = LogicalTypes.fromSchemaIgnoreInvalid(bare);
            if (logicalType != null) {
                logicalType.addToSchema(canonical);
            }
        }
        return canonical;
    }

    /** The Java type of the port's keys: {@code String}, {@code Integer} or {@code Long}, the key field's. */
    public static Class<?> keyType(OutputPort port) {
        return javaType(keySchema(port).getType());
    }

    private static Class<?> javaType(Schema.Type avroType) {
        return switch (avroType) {
            case STRING -> String.class;
            case INT -> Integer.class;
            case LONG -> Long.class;
            default -> throw new IllegalArgumentException("A key field is a string, int or long, not a " + avroType);
        };
    }

    /** The keys of {@code port} at {@code address}; an {@code AVRO} key's schema id is looked up when first needed. */
    public static PortKeys<?> of(SchemaRegistryClient registry, PortAddress address, OutputPort port) {
        Schema schema = keySchema(port);
        return new PortKeys<>("port " + address, address, port.key().field(), schema, javaType(schema.getType()),
                port.key().format(), registry, "");
    }

    /**
     * Keys of {@code type} as their text in UTF-8, for topics that belong to no port (a global table's masked copy)
     * or for a stream the governed builder did not return and whose keys it must assume are text.
     *
     * @param what           what the keys belong to, for messages
     * @param mismatchAdvice what to do when a key of another type arrives
     */
    public static <K> PortKeys<K> text(Class<K> type, String what, String mismatchAdvice) {
        Schema.Type avroType = type == String.class ? Schema.Type.STRING : type == Integer.class ? Schema.Type.INT
                : type == Long.class ? Schema.Type.LONG : null;
        if (avroType == null) {
            throw new IllegalArgumentException("Keys are String, Integer or Long, not " + type.getName());
        }
        return new PortKeys<>(what, null, "", Schema.create(avroType), type, KeyDefinition.Format.STRING, null,
                mismatchAdvice);
    }

    public Class<K> type() {
        return type;
    }

    public KeyDefinition.Format format() {
        return format;
    }

    /** The canonical key schema. */
    public Schema schema() {
        return schema;
    }

    /** The key field's path, e.g. {@code accountNumber}; empty for {@link #text} keys. */
    public String field() {
        return field;
    }

    /**
     * The registry id of the key schema under {@code <topic>-key}, looked up once (never registered).
     *
     * @throws MeshException if the canonical key schema is not registered there: the port is not provisioned
     */
    public int schemaId() {
        int id = schemaId;
        if (id >= 0) {
            return id;
        }
        if (format != KeyDefinition.Format.AVRO || registry == null || address == null) {
            throw new IllegalStateException("Only Avro keys of a port have a schema id");
        }
        try {
            id = registry.lookUp(address.keySubject(), SchemaDefinition.avro(schema)).id();
        } catch (RegistryNotFoundException e) {
            throw new MeshException("Port " + address + " is not provisioned for Avro keys: its key schema " + schema
                    + " is not registered under subject " + address.keySubject() + " (" + e.getMessage() + "). Provision"
                    + " the product (client.provision(product), or `mesh apply` in CI); a port provisioned before key"
                    + " schemas were canonical gets it registered by provisioning it again.", e);
        }
        schemaId = id;
        return id;
    }

    /** How these keys are written, for co-partitioning: for {@code AVRO} keys this resolves the schema id. */
    public KeyEncoding encoding() {
        return format == KeyDefinition.Format.AVRO && address != null
                ? KeyEncoding.avro(schemaId(), address.keySubject(), schema.toString())
                : KeyEncoding.text();
    }

    /** {@code keyed by field 'accountNumber', a long, so its keys are Long}. */
    public String describeType() {
        return "keyed by field '" + field + "', " + article(schema.getType().getName()) + " " + schema.getType().getName()
                + ", so its keys are " + type.getSimpleName();
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /**
     * These keys as {@code requested}, which must be their type.
     *
     * @param fix the call to make instead, given the right type
     * @throws KeyTypeMismatchException naming the port, the key field, both types and the fix
     */
    @SuppressWarnings("unchecked")
    public <T> PortKeys<T> requireType(Class<T> requested, Function<Class<?>, String> fix) {
        if (requested != type) {
            throw new KeyTypeMismatchException(capitalized(what) + " is " + describeType() + ", not "
                    + requested.getSimpleName() + ". " + fix.apply(type));
        }
        return (PortKeys<T>) this;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** The wire bytes of a key of this type, or null for null. */
    public byte @Nullable [] serialize(@Nullable K key) {
        if (key == null) {
            return null;
        }
        if (!type.isInstance(key)) {
            throw new SerializationException("Cannot serialize a key of " + what + ": its keys are "
                    + type.getSimpleName() + (field.isEmpty() ? "" : " (key field '" + field + "')") + ", but this key is"
                    + " a " + key.getClass().getName() + "." + mismatchAdvice);
        }
        return write(key);
    }

    /**
     * The wire bytes of the key field's value as a record holds it ({@code Utf8} or {@code String}, {@code Integer},
     * {@code Long}); a number key given as its decimal text is written as the number, as the field would be.
     */
    public byte[] serializeFieldValue(Object value) {
        return write(normalize(value));
    }

    private Object normalize(Object value) {
        try {
            return switch (schema.getType()) {
                case STRING -> value.toString();
                case INT -> value instanceof Integer ? value : Integer.valueOf(Integer.parseInt(text(value)));
                case LONG -> value instanceof Long ? value : value instanceof Integer i ? Long.valueOf(i)
                        : Long.valueOf(Long.parseLong(text(value)));
                default -> throw new IllegalStateException("unreachable: keys are string, int or long");
            };
        } catch (NumberFormatException e) {
            throw new SerializationException("Cannot serialize a key of " + what + ": its key field '" + field + "' is "
                    + article(schema.getType().getName()) + " " + schema.getType().getName() + ", but the key given is "
                    + "not one in decimal text. Fix: pass no key (it is taken from the field), or a "
                    + type.getSimpleName() + ".");
        }
    }

    private String text(Object value) {
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        throw new NumberFormatException("not a number: a " + value.getClass().getName());
    }

    private byte[] write(Object key) {
        if (format == KeyDefinition.Format.STRING) {
            return key.toString().getBytes(StandardCharsets.UTF_8);
        }
        int id;
        try {
            id = schemaId();
        } catch (MeshException e) {
            throw new SerializationException(e.getMessage(), e);
        }
        Scratch scratch = SCRATCH.get();
        GrowableOutput out = scratch.out;
        out.reset();
        out.writeHeader(id);
        try {
            switch (schema.getType()) {
                case STRING -> scratch.encoder.writeString((String) key);
                case INT -> scratch.encoder.writeInt((Integer) key);
                case LONG -> scratch.encoder.writeLong((Long) key);
                default -> throw new IllegalStateException("unreachable: keys are string, int or long");
            }
            scratch.encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("Cannot write a key of " + what + ": " + e, e);
        } finally {
            out.shrinkIfHuge();
        }
    }

    /** The key in the port's wire bytes, or null for null. */
    public @Nullable K deserialize(String topic, byte @Nullable [] bytes) {
        if (bytes == null) {
            return null;
        }
        Object decoded;
        if (format == KeyDefinition.Format.AVRO && reader != null) {
            decoded = reader.read(topic, bytes);
        } else {
            decoded = new String(bytes, StandardCharsets.UTF_8);
            if (type != String.class) {
                try {
                    decoded = type == Integer.class ? Integer.valueOf((String) decoded) : Long.valueOf((String) decoded);
                } catch (NumberFormatException e) {
                    throw new SerializationException("Cannot deserialize the key of a record from topic '" + topic
                            + "': " + what + " is " + describeType() + ", written as decimal text, but these "
                            + bytes.length + " bytes are not " + article(type.getSimpleName().toLowerCase(java.util.Locale.ROOT))
                            + " " + type.getSimpleName() + " in decimal. Fix: have the producer publish through a"
                            + " mesh-streams publisher, or write the key field's value as text.");
                }
            }
        }
        if (decoded instanceof CharSequence text && type == String.class) {
            return type.cast(text.toString());
        }
        return type.cast(decoded);
    }

    /** A serde that writes and reads exactly the port's wire bytes, on any topic. */
    public Serde<K> serde() {
        return Serdes.serdeFrom(serializer(), deserializer());
    }

    public Serializer<K> serializer() {
        return (topic, key) -> serialize(key);
    }

    public Deserializer<K> deserializer() {
        return this::deserialize;
    }

    /** A serializer of key field values ({@link #serializeFieldValue}), for the contract enforcer. */
    public Serializer<Object> fieldValueSerializer() {
        return (topic, value) -> value == null ? null : serializeFieldValue(value);
    }

    @Override
    public String toString() {
        return what + " keys (" + type.getSimpleName() + ", " + format + ")";
    }
}

package io.meshstreams.internal.contract;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The CEL types of an Avro record schema, so that rules are type-checked against the schema: the
 * record is a CEL struct named after the record's full name, each nested record another struct.
 *
 * <p>The mapping (values follow it in {@link AvroCelValues}):
 * <ul>
 *   <li>string, and {@code uuid} strings: {@code string}; enum: {@code string} (its symbol)</li>
 *   <li>int, long: {@code int}; float, double: {@code double}; boolean: {@code bool}</li>
 *   <li>bytes, fixed: {@code bytes}; {@code decimal} bytes or fixed: {@code double}
 *       (the decimal's value, rounded to the nearest double)</li>
 *   <li>{@code timestamp-millis}, {@code timestamp-micros}, {@code timestamp-nanos}:
 *       {@code google.protobuf.Timestamp}, so {@code message.at > timestamp('2024-01-01T00:00:00Z')}
 *       works; {@code local-timestamp-*}: {@code int} (the raw count, as the wall clock in UTC);
 *       {@code date}: {@code int} (days since 1970-01-01); {@code time-millis}, {@code time-micros}:
 *       {@code int} (since midnight)</li>
 *   <li>array: {@code list(T)}; map: {@code map(string, T)}; record: a struct</li>
 *   <li>a union of null and one scalar type T: T that may be null (CEL's wrapper types): it compares
 *       with {@code null}, and {@code has(message.f)} is false when it is null; a union of null and a
 *       record, array, map or timestamp: that type (null still selects as null); any other union:
 *       {@code dyn}</li>
 * </ul>
 */
public final class AvroCelTypes implements CelTypeProvider {
    private final Schema rootSchema;
    private final Map<String, StructType> structs = new LinkedHashMap<>();
    private final Map<String, Schema> recordSchemas = new LinkedHashMap<>();
    private final StructType rootType;

    private AvroCelTypes(Schema rootSchema) {
        this.rootSchema = rootSchema;
        this.rootType = struct(rootSchema);
    }

    /**
     * The CEL types of a record schema and of every record it contains.
     *
     * @throws IllegalArgumentException if the schema is not a record
     */
    public static AvroCelTypes of(Schema recordSchema) {
        if (recordSchema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("contract rules need a record value schema, found a "
                    + recordSchema.getType().getName() + " schema: " + recordSchema);
        }
        return new AvroCelTypes(recordSchema);
    }

    public Schema rootSchema() {
        return rootSchema;
    }

    /** The struct type of the root record, the type of {@code message}. */
    public StructType rootType() {
        return rootType;
    }

    /** The struct type of a record schema reachable from the root, by full name, if there is one. */
    public @Nullable StructType structNamed(String fullName) {
        return structs.get(fullName);
    }

    /** The record schema reachable from the root with this full name, if there is one. */
    public @Nullable Schema recordSchemaNamed(String fullName) {
        return recordSchemas.get(fullName);
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }

    private StructType struct(Schema record) {
        StructType known = structs.get(record.getFullName());
        if (known != null) {
            return known;
        }
        Map<String, CelType> fieldTypes = new LinkedHashMap<>();
        StructType type = StructType.create(record.getFullName(),
                ImmutableSet.copyOf(record.getFields().stream().map(Schema.Field::name).iterator()),
                name -> Optional.ofNullable(fieldTypes.get(name)));
        structs.put(record.getFullName(), type);
        recordSchemas.put(record.getFullName(), record);
        for (Schema.Field field : record.getFields()) {
            fieldTypes.put(field.name(), celType(field.schema()));
        }
        return type;
    }

    /** The CEL type of values of an Avro schema. */
    CelType celType(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            CelType type = logicalCelType(logical);
            if (type != null) {
                return type;
            }
        }
        switch (schema.getType()) {
            case NULL:
                return SimpleType.NULL_TYPE;
            case BOOLEAN:
                return SimpleType.BOOL;
            case INT:
            case LONG:
                return SimpleType.INT;
            case FLOAT:
            case DOUBLE:
                return SimpleType.DOUBLE;
            case STRING:
            case ENUM:
                return SimpleType.STRING;
            case BYTES:
            case FIXED:
                return SimpleType.BYTES;
            case ARRAY:
                return ListType.create(celType(schema.getElementType()));
            case MAP:
                return MapType.create(SimpleType.STRING, celType(schema.getValueType()));
            case RECORD:
                return struct(schema);
            case UNION:
                return unionCelType(schema);
            default:
                return SimpleType.DYN;
        }
    }

    private CelType unionCelType(Schema union) {
        List<Schema> nonNull = new ArrayList<>();
        boolean hasNull = false;
        for (Schema branch : union.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                hasNull = true;
            } else {
                nonNull.add(branch);
            }
        }
        if (nonNull.isEmpty()) {
            return SimpleType.NULL_TYPE;
        }
        if (nonNull.size() > 1) {
            // every branch still becomes a struct type, so that nested rules type-check
            nonNull.forEach(this::celType);
            return SimpleType.DYN;
        }
        CelType type = celType(nonNull.get(0));
        if (hasNull && isWrappable(type)) {
            return NullableType.create(type);
        }
        return type;
    }

    /** The scalar types that CEL lets be null, like protobuf's wrapper types. */
    private static boolean isWrappable(CelType type) {
        return type == SimpleType.BOOL || type == SimpleType.INT || type == SimpleType.DOUBLE
                || type == SimpleType.STRING || type == SimpleType.BYTES;
    }

    private static @Nullable CelType logicalCelType(LogicalType logical) {
        if (logical instanceof LogicalTypes.Decimal) {
            return SimpleType.DOUBLE;
        }
        if (logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.TimestampMicros
                || logical instanceof LogicalTypes.TimestampNanos) {
            return SimpleType.TIMESTAMP;
        }
        return null;
    }

    /** The non-null branch of a union of null and one other type, or null if the union is not one. */
    static @Nullable Schema nullableBranch(Schema union) {
        if (union.getType() != Schema.Type.UNION || union.getTypes().size() != 2) {
            return null;
        }
        Schema first = union.getTypes().get(0);
        Schema second = union.getTypes().get(1);
        if (first.getType() == Schema.Type.NULL && second.getType() != Schema.Type.NULL) {
            return second;
        }
        if (second.getType() == Schema.Type.NULL && first.getType() != Schema.Type.NULL) {
            return first;
        }
        return null;
    }
}

package io.meshstreams.internal.contract;

import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.UUID;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

/**
 * Avro values as CEL runtime values, following the mapping of {@link AvroCelTypes}. Records are not
 * copied: they become {@link AvroRecordValue} views whose fields are converted when a rule reads them.
 *
 * <p>The conversion follows the value's schema where the value matches it, and the value's Java
 * class where it does not (a record built by hand may break its own schema): a rule then sees the
 * value as it is and fails or errors on it, rather than this conversion throwing.
 */
final class AvroCelValues {
    private AvroCelValues() {
    }

    /** The CEL value of an Avro value whose schema is {@code schema}. */
    static Object toCel(@Nullable Object value, Schema schema, AvroCelTypes types) {
        if (value == null) {
            return NullValue.NULL_VALUE;
        }
        switch (schema.getType()) {
            case UNION:
                return toCel(value, unionBranch(value, schema), types);
            case RECORD:
                if (value instanceof IndexedRecord) {
                    return new AvroRecordValue((IndexedRecord) value, types);
                }
                break;
            case ARRAY:
                if (value instanceof List && value instanceof RandomAccess) {
                    return new ConvertedList((List<?>) value, schema.getElementType(), types);
                }
                if (value instanceof Collection) {
                    List<Object> copy = new ArrayList<>();
                    for (Object element : (Collection<?>) value) {
                        copy.add(toCel(element, schema.getElementType(), types));
                    }
                    return copy;
                }
                break;
            case MAP:
                if (value instanceof Map) {
                    Map<Object, Object> copy = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                        copy.put(entry.getKey() == null ? NullValue.NULL_VALUE : toCel(entry.getKey(), types),
                                toCel(entry.getValue(), schema.getValueType(), types));
                    }
                    return copy;
                }
                break;
            default:
                LogicalType logical = schema.getLogicalType();
                if (logical != null) {
                    Object converted = logicalToCel(value, schema, logical);
                    if (converted != null) {
                        return converted;
                    }
                }
                break;
        }
        return toCel(value, types);
    }

    /** The CEL value of an Avro value, by its Java class alone (no schema, no logical types). */
    static Object toCel(@Nullable Object value, AvroCelTypes types) {
        if (value == null) {
            return NullValue.NULL_VALUE;
        }
        if (value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Integer) {
            return ((Integer) value).longValue();
        }
        if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Float) {
            return ((Float) value).doubleValue();
        }
        if (value instanceof ByteBuffer) {
            return CelByteString.of(bytes((ByteBuffer) value));
        }
        if (value instanceof byte[]) {
            return CelByteString.of(((byte[]) value).clone());
        }
        if (value instanceof GenericFixed) {
            return CelByteString.of(((GenericFixed) value).bytes().clone());
        }
        if (value instanceof GenericEnumSymbol || value instanceof Enum) {
            return enumSymbol(value);
        }
        if (value instanceof IndexedRecord) {
            return new AvroRecordValue((IndexedRecord) value, types);
        }
        if (value instanceof Collection) {
            List<Object> copy = new ArrayList<>();
            for (Object element : (Collection<?>) value) {
                copy.add(toCel(element, types));
            }
            return copy;
        }
        if (value instanceof Map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                copy.put(toCel(entry.getKey(), types), toCel(entry.getValue(), types));
            }
            return copy;
        }
        if (value instanceof UUID || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).doubleValue();
        }
        return value;
    }

    static String enumSymbol(Object value) {
        return value instanceof Enum ? ((Enum<?>) value).name() : value.toString();
    }

    /** The branch of a union that a value belongs to; the union itself if none matches. */
    static Schema unionBranch(Object value, Schema union) {
        Schema nonNull = AvroCelTypes.nullableBranch(union);
        if (nonNull != null) {
            return nonNull;
        }
        try {
            return union.getTypes().get(GenericData.get().resolveUnion(union, value));
        } catch (AvroRuntimeException e) {
            return Schema.create(Schema.Type.NULL); // no branch: convert by class
        }
    }

    static @Nullable Object logicalToCel(Object value, Schema schema, LogicalType logical) {
        if (logical instanceof LogicalTypes.Decimal) {
            int scale = ((LogicalTypes.Decimal) logical).getScale();
            if (value instanceof BigDecimal) {
                return ((BigDecimal) value).doubleValue();
            }
            if (value instanceof ByteBuffer) {
                return new BigDecimal(new BigInteger(bytes((ByteBuffer) value)), scale).doubleValue();
            }
            if (value instanceof GenericFixed) {
                return new BigDecimal(new BigInteger(((GenericFixed) value).bytes()), scale).doubleValue();
            }
            return null;
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
            if (value instanceof Long) {
                return Instant.ofEpochMilli((Long) value);
            }
            return value instanceof Instant ? value : null;
        }
        if (logical instanceof LogicalTypes.TimestampMicros) {
            if (value instanceof Long) {
                long micros = (Long) value;
                return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L);
            }
            return value instanceof Instant ? value : null;
        }
        if (logical instanceof LogicalTypes.TimestampNanos) {
            if (value instanceof Long) {
                long nanos = (Long) value;
                return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                        Math.floorMod(nanos, 1_000_000_000L));
            }
            return value instanceof Instant ? value : null;
        }
        if (value instanceof LocalDate) {
            return ((LocalDate) value).toEpochDay();
        }
        if (value instanceof LocalTime) {
            long nanos = ((LocalTime) value).toNanoOfDay();
            return logical instanceof LogicalTypes.TimeMicros ? nanos / 1_000L : nanos / 1_000_000L;
        }
        if (value instanceof LocalDateTime) {
            Instant wall = ((LocalDateTime) value).toInstant(ZoneOffset.UTC);
            if (logical instanceof LogicalTypes.LocalTimestampMillis) {
                return wall.toEpochMilli();
            }
            long micros = Math.addExact(Math.multiplyExact(wall.getEpochSecond(), 1_000_000L), wall.getNano() / 1_000L);
            if (logical instanceof LogicalTypes.LocalTimestampMicros) {
                return micros;
            }
            return Math.addExact(Math.multiplyExact(wall.getEpochSecond(), 1_000_000_000L), (long) wall.getNano());
        }
        return null;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** An Avro array seen as a CEL list: elements are converted when read, never copied. */
    private static final class ConvertedList extends AbstractList<Object> implements RandomAccess {
        private final List<?> elements;
        private final Schema elementSchema;
        private final AvroCelTypes types;

        ConvertedList(List<?> elements, Schema elementSchema, AvroCelTypes types) {
            this.elements = elements;
            this.elementSchema = elementSchema;
            this.types = types;
        }

        @Override
        public Object get(int index) {
            return toCel(elements.get(index), elementSchema, types);
        }

        @Override
        public int size() {
            return elements.size();
        }
    }
}

package io.meshstreams.internal.masking;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The bytes a value is hashed from. They depend on the value alone, never on the JVM, the run, the field's
 * nullability or the record it sits in, so equal values hash equally on every port and in every consumer:
 *
 * <ol>
 *   <li>{@code string}, and a string key: its UTF-8 bytes.</li>
 *   <li>{@code int}, {@code long}: the decimal text in ASCII ({@code 42}, {@code -7}), the same bytes as a key
 *       written as text, so a hashed int or long field equals the hashed key.</li>
 *   <li>{@code float}, {@code double}: the value widened to a double, as its 8 IEEE 754 bytes, big-endian
 *       ({@link Double#doubleToLongBits}, so every NaN is one NaN; {@code -0.0} differs from {@code 0.0}). Not
 *       decimal text, which changed between JDK releases (JDK-4511638).</li>
 *   <li>{@code boolean}: {@code true} or {@code false} in ASCII.</li>
 *   <li>{@code bytes}, {@code fixed}: the bytes themselves.</li>
 *   <li>{@code enum}: the symbol's UTF-8 bytes.</li>
 *   <li>{@code record}, {@code array}, {@code map}: the value's Avro binary encoding under its type in the port
 *       schema (with a union, the branch it resolves to), map entries sorted by key.</li>
 *   <li>Logical types are hashed in their underlying type, whichever Java class carries them ({@code Instant} or
 *       {@code Long} for {@code timestamp-millis}, {@code BigDecimal} or bytes for {@code decimal}, {@code UUID}
 *       or text for {@code uuid}).</li>
 *   <li>Anything else (a value its schema does not allow): the UTF-8 bytes of its {@code toString()}.</li>
 * </ol>
 */
public final class CanonicalForm {
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    /** Avro's data model with the standard logical-type conversions, to read values of generated classes. */
    static final GenericData MODEL = modelWithConversions();
    private static final CanonicalWriter WRITER = new CanonicalWriter(MODEL);

    private CanonicalForm() {
    }

    private static GenericData modelWithConversions() {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new Conversions.BigDecimalConversion());
        model.addLogicalTypeConversion(new Conversions.UUIDConversion());
        model.addLogicalTypeConversion(new Conversions.DurationConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampNanosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampNanosConversion());
        return model;
    }

    /**
     * The canonical bytes of a non-null value of a field of this type (the field's schema in the port schema; a
     * union is resolved against the value).
     */
    public static byte[] of(Object value, Schema type) {
        Schema schema = type;
        if (schema.getType() == Schema.Type.UNION) {
            schema = branch(type, value);
        }
        Object raw = value;
        LogicalType logicalType = schema.getLogicalType();
        if (logicalType != null) {
            Conversion<?> conversion = MODEL.getConversionByClass(value.getClass(), logicalType);
            if (conversion != null) {
                raw = Conversions.convertToRawType(value, schema, logicalType, conversion);
            }
        }
        return scalarOrEncoded(raw, schema);
    }

    /** The canonical bytes of a string: UTF-8. */
    public static byte[] ofText(CharSequence text) {
        if (text instanceof Utf8 utf8) {
            return Arrays.copyOf(utf8.getBytes(), utf8.getByteLength());
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Schema branch(Schema union, Object value) {
        try {
            return union.getTypes().get(MODEL.resolveUnion(union, value));
        } catch (AvroRuntimeException e) {
            return union; // a value the union does not allow: hashed by its class below
        }
    }

    private static byte[] scalarOrEncoded(Object value, Schema schema) {
        if (value instanceof CharSequence text) {
            return ofText(text);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Long.toString(((Number) value).longValue()).getBytes(StandardCharsets.US_ASCII);
        }
        if (value instanceof Double || value instanceof Float) {
            long bits = Double.doubleToLongBits(((Number) value).doubleValue());
            return ByteBuffer.allocate(Long.BYTES).putLong(bits).array();
        }
        if (value instanceof Boolean bool) {
            return bool ? TRUE.clone() : FALSE.clone();
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer view = buffer.duplicate(); // leaves the caller's position alone
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return bytes;
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof GenericFixed fixed) {
            return fixed.bytes().clone();
        }
        if (value instanceof GenericEnumSymbol<?> || value instanceof Enum<?>) {
            String symbol = value instanceof Enum<?> constant ? constant.name() : value.toString();
            return symbol.getBytes(StandardCharsets.UTF_8);
        }
        if (encodable(value, schema)) {
            try {
                return WRITER.encode(schema, value);
            } catch (RuntimeException e) {
                // the value does not match its own schema; still hash it, never pass it on
            }
        }
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean encodable(Object value, Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> value instanceof IndexedRecord;
            case ARRAY -> value instanceof Collection<?>;
            case MAP -> value instanceof Map<?, ?>;
            default -> false;
        };
    }

    /** Avro binary, with map entries in key order so that equal maps encode equally. */
    private static final class CanonicalWriter extends GenericDatumWriter<Object> {
        private static final ThreadLocal<BinaryEncoder> ENCODERS = new ThreadLocal<>();

        CanonicalWriter(GenericData model) {
            super(model);
        }

        byte[] encode(Schema schema, Object value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, ENCODERS.get());
            ENCODERS.set(encoder);
            try {
                write(schema, value, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        @Override
        protected Iterable<Map.Entry<Object, Object>> getMapEntries(Object map) {
            @SuppressWarnings("unchecked")
            List<Map.Entry<Object, Object>> entries =
                    new ArrayList<>(((Map<Object, Object>) map).entrySet());
            entries.sort(Comparator.comparing(entry -> String.valueOf(entry.getKey())));
            return entries;
        }
    }
}

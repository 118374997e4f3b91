package io.meshstreams.internal.contract;

import dev.cel.common.values.CelValue;
import dev.cel.common.values.CelValueConverter;
import dev.cel.common.values.CelValueProvider;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.IndexedRecord;

/**
 * Lets dev.cel's interpreter see an Avro record as a record wherever it meets one, not only as
 * {@code message} and its direct fields.
 *
 * <p>Why it is needed: dev.cel 0.14's planner unwraps every {@link CelValue} inside a list or a map that an
 * attribute or a function returns ({@code CelValueConverter.maybeUnwrap}), so an {@link AvroRecordValue}
 * in an array or a map becomes its raw {@link IndexedRecord}; selecting a field of it later
 * ({@code message.contacts.all(c, c.email...)}, {@code message.labels[k].x}) failed with "Field selections
 * must be performed on messages or maps". dev.cel wraps values back through the runtime's
 * {@link CelValueConverter#toRuntimeValue} before it selects from them, as it does for protobuf messages
 * and for its native-types extension; this provider's converter is that step for Avro records.
 *
 * <ol>
 *   <li>A raw {@link IndexedRecord} becomes an {@link AvroRecordValue} view over it, typed by the record's own
 *       schema; nothing is copied.</li>
 *   <li>Every other value is left to dev.cel's own conversion.</li>
 *   <li>It creates no struct values: a rule cannot build an Avro record ({@code Contact{...}}).</li>
 *   <li>Immutable and thread-safe, like the {@link AvroCelTypes} it holds.</li>
 * </ol>
 */
final class AvroCelValueProvider implements CelValueProvider {
    private final Converter converter;

    AvroCelValueProvider(AvroCelTypes types) {
        this.converter = new Converter(types);
    }

    @Override
    public Optional<Object> newValue(String structType, Map<String, Object> fields) {
        return Optional.empty();
    }

    @Override
    public CelValueConverter celValueConverter() {
        return converter;
    }

    private static final class Converter extends CelValueConverter {
        private final AvroCelTypes types;

        Converter(AvroCelTypes types) {
            this.types = types;
        }

        @Override
        public Object toRuntimeValue(Object value) {
            if (value instanceof IndexedRecord) {
                return new AvroRecordValue((IndexedRecord) value, types);
            }
            return super.toRuntimeValue(value);
        }
    }
}

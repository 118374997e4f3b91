package io.meshstreams.internal.publish;

import io.meshstreams.internal.avro.SchemaFields;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;

/** Reads a port's key field ({@code orderId}, {@code customer.id}) from a record by field positions, without lookups. */
public final class KeyField {
    private final String path;
    private final int[] positions;

    public KeyField(Schema schema, String path) {
        this.path = path;
        List<Integer> found = new ArrayList<>();
        Schema current = SchemaFields.nonNull(schema);
        for (String name : path.split("\\.")) {
            Schema.Field field = current.getField(name);
            if (field == null) {
                throw new IllegalArgumentException("Schema " + schema.getFullName() + " has no key field " + path);
            }
            found.add(field.pos());
            current = SchemaFields.nonNull(field.schema());
        }
        this.positions = found.stream().mapToInt(Integer::intValue).toArray();
    }

    public String path() {
        return path;
    }

    /** The key field's value, or null when it (or a record on the way) is null or unreadable. */
    public @Nullable Object read(IndexedRecord record) {
        Object current = record;
        for (int position : positions) {
            if (!(current instanceof IndexedRecord indexed)) {
                return null;
            }
            try {
                current = indexed.get(position);
            } catch (RuntimeException e) {
                return null;
            }
        }
        return current;
    }
}

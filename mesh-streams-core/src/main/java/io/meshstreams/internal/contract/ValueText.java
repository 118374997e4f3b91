package io.meshstreams.internal.contract;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

/** Field values as violation messages show them: short, on one line, strings quoted. */
final class ValueText {
    static final int MAX_VALUE_LENGTH = 64;
    static final int MAX_FIELDS_SHOWN = 8;

    private ValueText() {
    }

    /**
     * {@code amount=-5, currency="EUR", email=<PII>}: the values of the given field paths in the record, each withheld
     * whose {@code withheld} entry names a classification (shown as {@code <PII>}; a null is shown as null: it is no
     * value).
     */
    static String fieldValues(IndexedRecord record, java.util.List<String> paths, @Nullable String[] withheld) {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (String path : paths) {
            if (shown == MAX_FIELDS_SHOWN) {
                text.append(", and ").append(paths.size() - shown).append(" more fields");
                break;
            }
            if (shown > 0) {
                text.append(", ");
            }
            String classification = withheld[shown];
            text.append(path).append('=').append(classification == null || isNull(record, path)
                    ? valueAt(record, path) : FieldClassifications.placeholder(classification));
            shown++;
        }
        return text.toString();
    }

    /** True if the value at the path is null, or a record on the way to it is. */
    static boolean isNull(IndexedRecord record, String path) {
        Object value = record;
        for (String name : path.split("\\.")) {
            if (!(value instanceof IndexedRecord current)) {
                return value == null;
            }
            Schema.Field field = current.getSchema().getField(name);
            if (field == null) {
                return false;
            }
            value = current.get(field.pos());
        }
        return value == null;
    }

    private static String valueAt(IndexedRecord record, String path) {
        Object value = record;
        String[] names = path.split("\\.");
        for (int i = 0; i < names.length; i++) {
            if (!(value instanceof IndexedRecord)) {
                return value == null ? "null (" + String.join(".", java.util.Arrays.copyOf(names, i)) + " is null)"
                        : "(not a record)";
            }
            IndexedRecord current = (IndexedRecord) value;
            Schema.Field field = current.getSchema().getField(names[i]);
            if (field == null) {
                return "(no such field in record " + current.getSchema().getFullName() + ")";
            }
            value = current.get(field.pos());
            if (i == names.length - 1) {
                return show(value) + instant(value, field.schema());
            }
        }
        return show(value);
    }

    /** For a timestamp, the instant it stands for: {@code " (2023-11-14T22:13:20Z)"}. */
    private static String instant(@Nullable Object value, Schema schema) {
        Schema nonNull = AvroCelTypes.nullableBranch(schema);
        Schema target = nonNull != null ? nonNull : schema;
        if (value instanceof Long && target.getLogicalType() != null) {
            Object converted = AvroCelValues.logicalToCel(value, target, target.getLogicalType());
            if (converted instanceof java.time.Instant) {
                return " (" + converted + ")";
            }
        }
        return "";
    }

    /** One value, as a message shows it. */
    static String show(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence) {
            return quote(value.toString());
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer view = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[view.remaining()];
            view.get(bytes);
            return hex(bytes);
        }
        if (value instanceof GenericFixed) {
            return hex(((GenericFixed) value).bytes());
        }
        if (value instanceof byte[]) {
            return hex((byte[]) value);
        }
        if (value instanceof Collection) {
            return truncate(value.toString(), MAX_VALUE_LENGTH) + " (" + ((Collection<?>) value).size() + " elements)";
        }
        if (value instanceof Map) {
            return truncate(value.toString(), MAX_VALUE_LENGTH) + " (" + ((Map<?, ?>) value).size() + " entries)";
        }
        return truncate(oneLine(value.toString()), MAX_VALUE_LENGTH);
    }

    private static String quote(String string) {
        String cut = truncate(string, MAX_VALUE_LENGTH);
        StringBuilder quoted = new StringBuilder(cut.length() + 2).append('"');
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            switch (c) {
                case '"':
                    quoted.append("\\\"");
                    break;
                case '\\':
                    quoted.append("\\\\");
                    break;
                case '\n':
                    quoted.append("\\n");
                    break;
                case '\r':
                    quoted.append("\\r");
                    break;
                case '\t':
                    quoted.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
            }
        }
        return quoted.append('"').toString();
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder("b'");
        int shown = Math.min(bytes.length, MAX_VALUE_LENGTH / 2);
        for (int i = 0; i < shown; i++) {
            hex.append(String.format("\\x%02x", bytes[i]));
        }
        hex.append('\'');
        if (shown < bytes.length) {
            hex.append("... (").append(bytes.length).append(" bytes)");
        }
        return hex.toString();
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    /** The text cut to at most {@code max} chars (never inside a surrogate pair), saying how long it was. */
    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "... (" + text.length() + " chars)";
    }
}

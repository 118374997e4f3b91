package io.meshstreams.internal.serde;

/** Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro binary datum. */
final class WireFormat {
    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    static int schemaId(byte[] bytes) {
        return ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
    }

    /** A byte as {@code 0x7b ('{')}, for messages about what was found instead of the magic byte. */
    static String describe(byte b) {
        String hex = String.format("0x%02x", b & 0xff);
        return b >= 0x20 && b < 0x7f ? hex + " ('" + (char) b + "')" : hex;
    }

    /** Up to the first 8 bytes in hex, for messages about short or odd input. */
    static String hexPrefix(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 8); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.append(bytes.length > 8 ? " ..." : "").toString();
    }
}

package io.meshstreams.governance;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Schemas, records, keys and an independent HMAC for the masking tests. */
final class MaskingFixtures {
    static final byte[] KEY = "test-key-of-32-bytes-for-masking".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OTHER_KEY = "another-key-of-32-bytes-for-mask".getBytes(StandardCharsets.US_ASCII);
    static final MaskingRules RULES = MaskingRules.defaults().withHashKey(KEY);

    /** One field of every kind; only {@code email} is classified in the schema itself. */
    static final Schema CUSTOMER = new Schema.Parser().parse("""
            {"type": "record", "name": "Customer", "namespace": "com.acme.crm", "doc": "A customer of the shop",
             "fields": [
               {"name": "id", "type": "string"},
               {"name": "email", "type": "string", "classification": "PII", "doc": "Where we write"},
               {"name": "name", "type": "string"},
               {"name": "age", "type": "int"},
               {"name": "points", "type": "long"},
               {"name": "score", "type": "double"},
               {"name": "vip", "type": "boolean"},
               {"name": "avatar", "type": "bytes"},
               {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["GOLD", "SILVER"]}},
               {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                  {"name": "street", "type": "string"},
                  {"name": "city", "type": "string"}]}},
               {"name": "phones", "type": {"type": "array", "items": "string"}},
               {"name": "nickname", "type": ["null", "string"], "default": null},
               {"name": "billing", "type": ["null", "Address"], "default": null}
             ]}
            """);
    static final Schema ADDRESS = CUSTOMER.getField("address").schema();
    static final Schema TIER = CUSTOMER.getField("tier").schema();

    private MaskingFixtures() {
    }

    static GenericData.Record address(String street, String city) {
        GenericData.Record address = new GenericData.Record(ADDRESS);
        address.put("street", street);
        address.put("city", city);
        return address;
    }

    static GenericData.Record customer() {
        GenericData.Record customer = new GenericData.Record(CUSTOMER);
        customer.put("id", "c-1");
        customer.put("email", "alice@example.com");
        customer.put("name", "Alice Liddell");
        customer.put("age", 42);
        customer.put("points", 1_234_567_890_123L);
        customer.put("score", 1.5);
        customer.put("vip", true);
        customer.put("avatar", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        customer.put("tier", new GenericData.EnumSymbol(TIER, "GOLD"));
        customer.put("address", address("1 Rabbit Hole", "Oxford"));
        customer.put("phones", List.of("+44 1865 000000", "+44 7700 900000"));
        customer.put("nickname", "Al");
        customer.put("billing", address("2 Looking Glass Lane", "Daresbury"));
        return customer;
    }

    /** HMAC-SHA256 as lower-case hex, computed here without the library. */
    static String hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmac(byte[] message) {
        return hmac(KEY, message);
    }

    static String hmac(String text) {
        return hmac(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] binary(Schema schema, Object datum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema).write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GenericRecord read(Schema schema, byte[] bytes) {
        return read(schema, schema, bytes);
    }

    static GenericRecord read(Schema writer, Schema reader, byte[] bytes) {
        try {
            return new GenericDatumReader<GenericRecord>(writer, reader).read(null,
                    DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if {@code needle} occurs anywhere in {@code haystack}. */
    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

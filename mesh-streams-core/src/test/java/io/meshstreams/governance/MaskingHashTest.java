package io.meshstreams.governance;

import static io.meshstreams.governance.MaskingFixtures.CUSTOMER;
import static io.meshstreams.governance.MaskingFixtures.KEY;
import static io.meshstreams.governance.MaskingFixtures.OTHER_KEY;
import static io.meshstreams.governance.MaskingFixtures.RULES;
import static io.meshstreams.governance.MaskingFixtures.customer;
import static io.meshstreams.governance.MaskingFixtures.hmac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

/** HASH: keyed, deterministic, over canonical bytes; a hashed key equals the hashed field. */
class MaskingHashTest {
    private static final Schema VALUES = new Schema.Parser().parse("""
            {"type": "record", "name": "Values", "fields": [
              {"name": "text", "type": "string"},
              {"name": "count", "type": "long"},
              {"name": "ratio", "type": "float"},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "ref", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "attributes", "type": {"type": "map", "values": "int"}},
              {"name": "fingerprint", "type": {"type": "fixed", "name": "Md5", "size": 4}}]}
            """);
    private static final Map<String, String> ALL_PII = Map.of("text", "PII", "count", "PII", "ratio", "PII",
            "at", "PII", "amount", "PII", "ref", "PII", "attributes", "PII", "fingerprint", "PII");

    private static GenericRecord mask(GenericData.Record record) {
        return FieldMasker.create(VALUES, ALL_PII, "INTERNAL", RULES).mask(record);
    }

    private static GenericData.Record values() {
        GenericData.Record values = new GenericData.Record(VALUES);
        values.put("text", "alice@example.com");
        values.put("count", 42L);
        values.put("ratio", 1.5f);
        values.put("at", 1_700_000_000_000L);
        values.put("amount", ByteBuffer.wrap(new BigDecimal("12.50").unscaledValue().toByteArray()));
        values.put("ref", "123e4567-e89b-12d3-a456-426614174000");
        Map<String, Integer> attributes = new LinkedHashMap<>();
        attributes.put("b", 2);
        attributes.put("a", 1);
        values.put("attributes", attributes);
        values.put("fingerprint", new GenericData.Fixed(VALUES.getField("fingerprint").schema(), new byte[] {9, 8, 7, 6}));
        return values;
    }

    @Test
    void hashesAreFixedAcrossJvmsAndRunsForAKnownKey() {
        // given: values computed with Python's hmac module and openssl, not with this library
        GenericRecord masked = mask(values());

        // then
        assertThat(masked.get("text")).isEqualTo("8ab06edeb1220bb52ae8c2509eb51abd051a9f83e0d71c184cd785721c351653");
        assertThat(masked.get("ratio")).isEqualTo("0518a6b95d187308251611102498b223eb9f1f6b8365040614361b9ae23d3186");
        assertThat(FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES).mask(customer()).get("vip")).isEqualTo(true);
        assertThat(FieldMasker.create(CUSTOMER, Map.of("age", "PII", "vip", "PII", "avatar", "PII"), "INTERNAL", RULES)
                .mask(customer()))
                .satisfies(customer -> {
                    assertThat(customer.get("age")).isEqualTo(
                            "b977f26e5502960a5225a15f20a6bc448cfa5eec16a825cb7405d620e40e538e");
                    assertThat(customer.get("vip")).isEqualTo(
                            "1927e70243b85942f8d7086c5c88f5605d926660b32d9516141508c71593bbc2");
                    assertThat(customer.get("avatar")).isEqualTo(
                            "c02888f7daae6ee2d722427aa5a79ed56e3a7a61a4f41a3b25899e9cde216f6c");
                });
    }

    @Test
    void theCanonicalBytesOfEachTypeAreDocumentedOnes() {
        // when
        GenericRecord masked = mask(values());

        // then
        assertThat(masked.get("count")).isEqualTo(hmac("42"));
        assertThat(masked.get("ratio")).isEqualTo(hmac(ByteBuffer.allocate(8).putDouble(1.5).array()));
        assertThat(masked.get("at")).isEqualTo(hmac("1700000000000"));
        assertThat(masked.get("amount")).isEqualTo(hmac(new BigDecimal("12.50").unscaledValue().toByteArray()));
        assertThat(masked.get("ref")).isEqualTo(hmac("123e4567-e89b-12d3-a456-426614174000"));
        assertThat(masked.get("fingerprint")).isEqualTo(hmac(new byte[] {9, 8, 7, 6}));
        // map {a: 1, b: 2} in key order: 2 entries, "a" 1, "b" 2, end (Avro binary, zig-zag varints)
        assertThat(masked.get("attributes")).isEqualTo(hmac(new byte[] {4, 2, 'a', 2, 2, 'b', 4, 0}));
    }

    @Test
    void theSameValueHashesTheSameWhicheverJavaClassCarriesIt() {
        // given: what a generic reader gives, and what generated classes with conversions give
        GenericData.Record generic = values();
        generic.put("text", new Utf8("alice@example.com"));
        GenericData.Record converted = values();
        converted.put("at", Instant.ofEpochMilli(1_700_000_000_000L));
        converted.put("amount", new BigDecimal("12.50"));
        converted.put("ref", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        Map<String, Integer> reordered = new LinkedHashMap<>();
        reordered.put("a", 1);
        reordered.put("b", 2);
        converted.put("attributes", reordered);

        // when
        GenericRecord fromGeneric = mask(generic);
        GenericRecord fromConverted = mask(converted);
        GenericRecord plain = mask(values());

        // then
        assertThat(fromGeneric).isEqualTo(plain);
        assertThat(fromConverted).isEqualTo(plain);
        assertThat(new Conversions.DecimalConversion().fromBytes((ByteBuffer) values().get("amount"), null,
                LogicalTypes.decimal(9, 2))).isEqualByComparingTo("12.50");
    }

    @Test
    void floatsAndDoublesOfTheSameValueHashAlikeAndEveryNanIsOne() {
        // given
        GenericData.Record nan = values();
        nan.put("ratio", Float.intBitsToFloat(0x7fc00001)); // a NaN with another payload

        // then
        assertThat(mask(nan).get("ratio")).isEqualTo(hmac(ByteBuffer.allocate(8).putDouble(Double.NaN).array()));
    }

    @Test
    void aHashedKeyEqualsTheHashedField() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("id", "PII", "age", "PII"), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer());

        // then
        assertThat(masker.maskKey("alice@example.com")).isEqualTo(masked.get("email"));
        assertThat(masker.maskKey("c-1")).isEqualTo(masked.get("id"));
        assertThat(masker.maskKey("42")).isEqualTo(masked.get("age")); // an int key, written as text
        assertThat(masker.maskKey(null)).isNull();
    }

    @Test
    void theSameValueOnTwoPortsHashesAlikeSoMaskedKeysStillJoin() {
        // given: another domain's port whose customerEmail is the customer's email
        Schema order = new Schema.Parser().parse("""
                {"type": "record", "name": "Order", "namespace": "com.acme.orders", "fields": [
                  {"name": "orderId", "type": "string"},
                  {"name": "customerEmail", "type": ["null", "string"], "classification": "PII"}]}
                """);
        GenericData.Record placed = new GenericData.Record(order);
        placed.put("orderId", "o-1");
        placed.put("customerEmail", new Utf8("alice@example.com"));

        // when
        Object fromOrders = FieldMasker.create(order, Map.of(), "INTERNAL", RULES).mask(placed).get("customerEmail");
        Object fromCustomers = FieldMasker.create(CUSTOMER, Map.of(), "CONFIDENTIAL", RULES).mask(customer())
                .get("email");

        // then
        assertThat(fromOrders).isEqualTo(fromCustomers);
    }

    @Test
    void anotherKeyGivesOtherHashesAndTheSameKeyTheSame() {
        // given
        MaskingRules same = MaskingRules.defaults().withHashKey(KEY.clone());
        MaskingRules other = MaskingRules.defaults().withHashKey(OTHER_KEY);

        // when
        Object first = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES).mask(customer()).get("email");
        Object again = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", same).mask(customer()).get("email");
        Object otherKey = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", other).mask(customer()).get("email");

        // then
        assertThat(again).isEqualTo(first);
        assertThat(otherKey).isNotEqualTo(first).isEqualTo(hmac(OTHER_KEY, "alice@example.com".getBytes()));
        assertThat(FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", MaskingRules.insecureForDevelopment())
                .mask(customer()).get("email")).isNotEqualTo(first);
    }

    @Test
    void maskKeyWithoutAHashKeySaysHowToConfigureOne() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("email", "PUBLIC"), "INTERNAL",
                MaskingRules.defaults());

        // when / then
        assertThatThrownBy(() -> masker.maskKey("c-1"))
                .isInstanceOf(io.meshstreams.InvalidConfigException.class)
                .hasMessageStartingWith("mesh.masking.hash.key: Cannot hash the key of com.acme.crm.Customer records: no hash key is "
                        + "configured. Configure the mesh's hash key")
                .hasMessageContaining("MaskingRules.withHashKey(bytes)");
    }

    @Test
    void manyThreadsMaskingWithOneMaskerGetWhatOneThreadGets() throws Exception {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("name", "PII", "address.city", "PII"), "INTERNAL",
                RULES);
        List<GenericData.Record> customers = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            GenericData.Record customer = customer();
            customer.put("email", "user" + i + "@example.com");
            customer.put("name", "User " + i);
            customers.add(customer);
        }
        List<GenericRecord> expected = customers.stream().map(masker::mask).toList();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            // when
            List<Callable<List<GenericRecord>>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                tasks.add(() -> {
                    List<GenericRecord> out = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        out = customers.stream().map(masker::mask).toList();
                    }
                    return out;
                });
            }
            List<Future<List<GenericRecord>>> results = threads.invokeAll(tasks);

            // then
            for (Future<List<GenericRecord>> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
            assertThat(expected.get(7).get("email")).isEqualTo(hmac("user7@example.com"));
        } finally {
            threads.shutdownNow();
        }
    }
}

package io.meshstreams.governance;

import static io.meshstreams.governance.MaskingFixtures.ADDRESS;
import static io.meshstreams.governance.MaskingFixtures.CUSTOMER;
import static io.meshstreams.governance.MaskingFixtures.RULES;
import static io.meshstreams.governance.MaskingFixtures.address;
import static io.meshstreams.governance.MaskingFixtures.binary;
import static io.meshstreams.governance.MaskingFixtures.contains;
import static io.meshstreams.governance.MaskingFixtures.customer;
import static io.meshstreams.governance.MaskingFixtures.hmac;
import static io.meshstreams.governance.MaskingFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.orders.OrderPlaced;
import com.acme.orders.OrderStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@link FieldMasker#mask} makes of records: per policy and type, by clearance, nested, hostile. */
class FieldMaskerTest {

    private static final String STRING = "\"string\"";

    private static FieldMasker masker(String field, MaskingPolicy policy) {
        return FieldMasker.create(CUSTOMER, Map.of(field, "CONFIDENTIAL"), "INTERNAL",
                RULES.withPolicy("CONFIDENTIAL", policy));
    }

    static Stream<Arguments> hashedFields() {
        GenericData.Record customer = customer();
        return Stream.of(
                Arguments.of("name", STRING, hmac("Alice Liddell")),
                Arguments.of("age", STRING, hmac("42")),
                Arguments.of("points", STRING, hmac("1234567890123")),
                Arguments.of("score", STRING, hmac(ByteBuffer.allocate(8).putDouble(1.5).array())),
                Arguments.of("vip", STRING, hmac("true")),
                Arguments.of("avatar", STRING, hmac(new byte[] {1, 2, 3})),
                Arguments.of("tier", STRING, hmac("GOLD")),
                Arguments.of("address", STRING, hmac(binary(ADDRESS, customer.get("address")))),
                Arguments.of("phones", STRING, hmac(binary(CUSTOMER.getField("phones").schema(), customer.get("phones")))),
                Arguments.of("nickname", "[\"null\",\"string\"]", hmac("Al")),
                Arguments.of("billing", "[\"null\",\"string\"]", hmac(binary(ADDRESS, customer.get("billing")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hashedFields")
    void hashTurnsEveryTypeIntoTheKeyedHashOfItsCanonicalBytes(String field, String maskedType, String expected) {
        // given
        FieldMasker masker = masker(field, MaskingPolicy.HASH);

        // when
        GenericRecord masked = masker.mask(customer());

        // then
        assertThat(masker.maskedSchema().getField(field).schema().toString()).isEqualTo(maskedType);
        assertThat(masked.get(field)).isEqualTo(expected);
        assertThat((String) masked.get(field)).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(masked.get("id")).isEqualTo("c-1");
    }

    static Stream<String> everyField() {
        return Stream.of("name", "age", "points", "score", "vip", "avatar", "tier", "address", "phones", "nickname",
                "billing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyField")
    void redactNullsEveryTypeAndMakesItNullableWithDefaultNull(String field) {
        // given
        FieldMasker masker = masker(field, MaskingPolicy.REDACT);
        Schema original = CUSTOMER.getField(field).schema();

        // when
        GenericRecord masked = masker.mask(customer());

        // then
        Schema.Field redacted = masker.maskedSchema().getField(field);
        assertThat(redacted.schema().getType()).isEqualTo(Schema.Type.UNION);
        assertThat(redacted.schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
        assertThat(redacted.schema().getTypes().subList(1, redacted.schema().getTypes().size()))
                .containsExactlyElementsOf(original.getType() == Schema.Type.UNION
                        ? original.getTypes().subList(1, 2) : List.of(original));
        assertThat(redacted.hasDefaultValue()).isTrue();
        assertThat(redacted.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
        assertThat(masked.get(field)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyField")
    void dropRemovesEveryTypeFromSchemaAndRecord(String field) {
        // given
        FieldMasker masker = masker(field, MaskingPolicy.DROP);

        // when
        GenericRecord masked = masker.mask(customer());

        // then
        assertThat(masker.maskedSchema().getField(field)).isNull();
        assertThat(masked.hasField(field)).isFalse();
        assertThat(masked.getSchema().getFields()).hasSize(CUSTOMER.getFields().size() - 1);
        assertThat(masked.get("id")).isEqualTo("c-1");
    }

    @ParameterizedTest(name = "{0} field, {1} consumer: masked {2}")
    @CsvSource({
            "PII, INTERNAL, true",
            "PII, CONFIDENTIAL, true",
            "PII, PII, false",
            "PII, RESTRICTED, false",
            "PUBLIC, PUBLIC, false",
            "INTERNAL, PUBLIC, true",
            "RESTRICTED, PII, true",
            "pii, internal, true",
            "UNKNOWN-LEVEL, RESTRICTED, true"})
    void aFieldIsMaskedExactlyWhenItsClassificationIsAboveTheClearance(String classification, String clearance,
                                                                     boolean masked) {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("name", classification, "email", "PUBLIC"),
                clearance, RULES);

        // when
        GenericRecord result = masker.mask(customer());

        // then
        assertThat(masker.masksNothing()).isEqualTo(!masked);
        assertThat(masker.maskedFields().stream().map(MaskedField::path).toList())
                .isEqualTo(masked ? List.of("name") : List.of());
        if (masked) {
            assertThat(result.hasField("name") ? result.get("name") : "dropped").isNotEqualTo("Alice Liddell");
        } else {
            assertThat(result.get("name")).isEqualTo("Alice Liddell");
        }
    }

    @Test
    void aFieldInsideAMaskedRecordCountsAsMaskedSoThatAKeyThereIsHashed() {
        // given: the whole address is PII; a port keyed by address.street
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("address", "PII"), "INTERNAL", RULES);

        // then
        assertThat(masker.masks("address")).isTrue();
        assertThat(masker.masks("address.street")).isTrue();
        assertThat(masker.masks("email")).isTrue();
        assertThat(masker.masks("id")).isFalse();
        assertThat(masker.masks("addressBook")).isFalse(); // a prefix of the name is not a path inside it
    }

    @Test
    void aConsumerClearedForPiiSeesPiiInClearAndTheRecordUnchanged() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "PII", RULES);
        GenericData.Record customer = customer();

        // when
        GenericRecord masked = masker.mask(customer);

        // then
        assertThat(masker.masksNothing()).isTrue();
        assertThat(masker.maskedFields()).isEmpty();
        assertThat(masker.maskedSchema()).isSameAs(CUSTOMER);
        assertThat(masked).isSameAs(customer);
        assertThat(masked.get("email")).isEqualTo("alice@example.com");
    }

    @Test
    void theDefaultPoliciesHashPiiRedactConfidentialAndDropRestrictedAndAnyOtherLevel() {
        // given
        Map<String, String> classifications = Map.of("email", "PII", "name", "CONFIDENTIAL", "phones", "RESTRICTED",
                "age", "INTERNAL", "vip", "TOP-SECRET");

        // when
        FieldMasker masker = FieldMasker.create(CUSTOMER, classifications, "PUBLIC", RULES);
        GenericRecord masked = masker.mask(customer());

        // then
        assertThat(masker.maskedFields()).containsExactly(
                new MaskedField("email", "PII", MaskingPolicy.HASH),
                new MaskedField("name", "CONFIDENTIAL", MaskingPolicy.REDACT),
                new MaskedField("age", "INTERNAL", MaskingPolicy.DROP),
                new MaskedField("vip", "TOP-SECRET", MaskingPolicy.DROP),
                new MaskedField("phones", "RESTRICTED", MaskingPolicy.DROP));
        assertThat(masked.get("email")).isEqualTo(hmac("alice@example.com"));
        assertThat(masked.get("name")).isNull();
        assertThat(masked.hasField("phones")).isFalse();
        assertThat(masked.hasField("age")).isFalse();
        assertThat(masked.hasField("vip")).isFalse();
    }

    @Test
    void aNestedFieldIsMaskedInsideItsRecordAndTheRestOfTheRecordStays() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("address.city", "PII"), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer());

        // then
        GenericRecord address = (GenericRecord) masked.get("address");
        assertThat(address.getSchema().getFullName()).isEqualTo("com.acme.crm.Address_masked_for_internal");
        assertThat(address.get("street")).isEqualTo("1 Rabbit Hole");
        assertThat(address.get("city")).isEqualTo(hmac("Oxford"));
        assertThat(masked.get("billing")).isEqualTo(customer().get("billing")); // another path, not classified
        assertThat(masker.maskedFields()).extracting(MaskedField::path).containsExactly("email", "address.city");
    }

    @Test
    void aNestedFieldInsideANullableUnionIsMaskedAndANullRecordStaysNull() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("billing.city", "RESTRICTED"), "INTERNAL", RULES);
        GenericData.Record withoutBilling = customer();
        withoutBilling.put("billing", null);

        // when
        GenericRecord masked = masker.mask(customer());
        GenericRecord maskedWithoutBilling = masker.mask(withoutBilling);

        // then
        Schema billing = masker.maskedSchema().getField("billing").schema();
        assertThat(billing.getTypes()).extracting(Schema::getType).containsExactly(Schema.Type.NULL, Schema.Type.RECORD);
        GenericRecord maskedBilling = (GenericRecord) masked.get("billing");
        assertThat(maskedBilling.get("street")).isEqualTo("2 Looking Glass Lane");
        assertThat(maskedBilling.hasField("city")).isFalse();
        assertThat(maskedWithoutBilling.get("billing")).isNull();
    }

    @Test
    void aNullableFieldThatIsNullStaysNullWhenHashed() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("nickname", "PII", "billing", "PII"), "INTERNAL",
                RULES);
        GenericData.Record customer = customer();
        customer.put("nickname", null);
        customer.put("billing", null);

        // when
        GenericRecord masked = masker.mask(customer);

        // then
        assertThat(masked.get("nickname")).isNull();
        assertThat(masked.get("billing")).isNull();
    }

    @Test
    void aClassifiedRecordIsMaskedWholeAndWhatIsClassifiedInsideItIsNotListedTwice() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("address", "RESTRICTED", "address.city", "PII"),
                "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer());

        // then
        assertThat(masker.maskedFields()).extracting(MaskedField::path).containsExactly("email", "address");
        assertThat(masked.hasField("address")).isFalse();
    }

    @Test
    void theMaskedRecordRoundTripsThroughAvroBinaryWithTheMaskedSchema() {
        // given
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("name", "CONFIDENTIAL", "phones", "RESTRICTED",
                "address.city", "PII", "billing.street", "CONFIDENTIAL", "tier", "PII"), "INTERNAL", RULES);
        GenericRecord masked = masker.mask(customer());

        // when
        byte[] bytes = binary(masker.maskedSchema(), masked);
        GenericRecord read = read(new Schema.Parser().parse(masker.maskedSchema().toString()), bytes);

        // then
        assertThat(read).isEqualTo(masked);
        assertThat(read.toString()).isEqualTo(masked.toString());
    }

    @Test
    void noClearValueOfAMaskedFieldIsInAnyByteOfTheSerializedMaskedRecord() {
        // given: every policy, on top-level and nested fields
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("name", "CONFIDENTIAL", "phones", "RESTRICTED",
                "address.city", "PII", "billing", "PII", "avatar", "PII"), "INTERNAL", RULES);
        GenericData.Record customer = customer();
        byte[] clear = binary(CUSTOMER, customer);

        // when
        byte[] masked = binary(masker.maskedSchema(), masker.mask(customer));

        // then
        List<String> secrets = List.of("alice@example.com", "Alice Liddell", "Oxford", "+44 1865 000000",
                "+44 7700 900000", "2 Looking Glass Lane", "Daresbury");
        for (String secret : secrets) {
            byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
            assertThat(contains(clear, needle)).as("the clear record has %s", secret).isTrue();
            assertThat(contains(masked, needle)).as("the masked record has %s", secret).isFalse();
        }
        assertThat(contains(masked, "1 Rabbit Hole".getBytes(StandardCharsets.UTF_8))).isTrue(); // not classified
    }

    @Test
    void aGeneratedSpecificRecordIsMaskedLikeAGenericOne() {
        // given
        OrderPlaced order = OrderPlaced.newBuilder().setOrderId("o-17").setAmountCents(1250)
                .setStatus(OrderStatus.PAID).setLines(List.of("book")).setCurrency("EUR").build();
        FieldMasker masker = FieldMasker.create(OrderPlaced.getClassSchema(),
                Map.of("orderId", "PII", "status", "PII", "lines", "CONFIDENTIAL"), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(order);

        // then
        assertThat(masked.get("orderId")).isEqualTo(hmac("o-17"));
        assertThat(masked.get("status")).isEqualTo(hmac("PAID"));
        assertThat(masked.get("lines")).isNull();
        assertThat(masked.get("amountCents")).isEqualTo(1250L);
        assertThat(read(masker.maskedSchema(), binary(masker.maskedSchema(), masked))).isEqualTo(masked);
    }

    @Test
    void aRecordOfAnEqualSchemaInstanceIsMasked() {
        // given: the same schema, parsed again (as a deserializer or a generated class has it)
        Schema sameAgain = new Schema.Parser().parse(CUSTOMER.toString());
        GenericData.Record customer = new GenericData.Record(sameAgain);
        CUSTOMER.getFields().forEach(field -> customer.put(field.pos(), customer().get(field.pos())));
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer);

        // then
        assertThat(masked.get("email")).isEqualTo(hmac("alice@example.com"));
    }

    // ---- hostile input ----

    @Test
    void aRecordLaidOutDifferentlyFromThePortSchemaIsRefusedNotMaskedByPosition() {
        // given: email and name swapped, as another version of the schema might have them
        Schema swapped = new Schema.Parser().parse("""
                {"type": "record", "name": "Customer", "namespace": "com.acme.crm", "fields": [
                  {"name": "id", "type": "string"}, {"name": "name", "type": "string"},
                  {"name": "email", "type": "string"}]}
                """);
        GenericData.Record record = new GenericData.Record(swapped);
        record.put("id", "c-1");
        record.put("name", "Alice Liddell");
        record.put("email", "alice@example.com");
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        // when / then
        assertThatThrownBy(() -> masker.mask(record))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("A record of com.acme.crm.Customer [id, name, email] cannot be masked as "
                        + "com.acme.crm.Customer [id, email, name, age, points, score, vip, avatar, tier, address, "
                        + "phones, nickname, billing]: masking goes by the port schema's field positions.")
                .hasMessageEndingWith("(new AvroDeserializer<>(registry, port.valueSchema())), so every record has it");
    }

    @Test
    void aValueOfTheWrongTypeInAHashedFieldIsStillHashedNeverPassedOn() {
        // given: a record that violates its own schema
        GenericData.Record customer = customer();
        customer.put("email", 12345);
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer);

        // then
        assertThat(masked.get("email")).isEqualTo(hmac("12345"));
    }

    @Test
    void aNonRecordWhereAMaskedRecordBelongsIsRefused() {
        // given
        GenericData.Record customer = customer();
        customer.put("address", "1 Rabbit Hole, Oxford");
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("address.city", "PII"), "INTERNAL", RULES);

        // when / then
        assertThatThrownBy(() -> masker.mask(customer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Field 'address' holds a java.lang.String where the port schema has record "
                        + "com.acme.crm.Address; the record does not match its own schema, so it is not masked and "
                        + "nothing of it is passed on")
                .hasMessageNotContaining("Oxford");
    }

    @Test
    void aNestedRecordOfAnotherLayoutIsRefusedWithItsPath() {
        // given: the address field holds a whole customer
        GenericData.Record customer = customer();
        customer.put("address", customer());
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("address.city", "PII"), "INTERNAL", RULES);

        // when / then
        assertThatThrownBy(() -> masker.mask(customer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("A record of com.acme.crm.Customer [id, email, name, age, points, score, vip, "
                        + "avatar, tier, address, phones, nickname, billing] at 'address' cannot be masked as "
                        + "com.acme.crm.Address [street, city]");
    }

    @Test
    void aRecordWithoutASchemaIsRefused() {
        // given
        IndexedRecord schemaless = new IndexedRecord() {
            @Override
            public void put(int i, Object v) {
            }

            @Override
            public Object get(int i) {
                return "alice@example.com";
            }

            @Override
            public Schema getSchema() {
                return null;
            }
        };
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        // when / then
        assertThatThrownBy(() -> masker.mask(schemaless))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("A record of no schema cannot be masked as com.acme.crm.Customer");
    }

    @Test
    void aRecordThatCannotBeReadIsRefusedWithThePath() {
        // given
        IndexedRecord broken = new IndexedRecord() {
            @Override
            public void put(int i, Object v) {
            }

            @Override
            public Object get(int i) {
                if (i == 2) {
                    throw new IndexOutOfBoundsException("no field " + i);
                }
                return customer().get(i);
            }

            @Override
            public Schema getSchema() {
                return CUSTOMER;
            }
        };
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        // when / then
        assertThatThrownBy(() -> masker.mask(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Field 'name' cannot be read from the record "
                        + "(java.lang.IndexOutOfBoundsException: no field 2)");
    }

    @Test
    void aHugeStringHashesToSixtyFourCharacters() {
        // given
        String huge = "x".repeat(16 * 1024 * 1024) + "@example.com";
        GenericData.Record customer = customer();
        customer.put("email", huge);
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer);

        // then
        assertThat(masked.get("email")).isEqualTo(hmac(huge));
        assertThat(binary(masker.maskedSchema(), masked).length).isLessThan(1024);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Zoë 🚀 | 497d1b4ce13d803c8aefac7ee845afc7afe8fe02027b80a84c47f2b0e91adb29",
            "alice@example.com | 8ab06edeb1220bb52ae8c2509eb51abd051a9f83e0d71c184cd785721c351653"})
    void unicodeIsHashedAsItsUtf8Bytes(String email, String expected) {
        // given
        GenericData.Record customer = customer();
        customer.put("email", email);
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer);

        // then
        assertThat(masked.get("email")).isEqualTo(expected);
    }

    @Test
    void unusualCharactersHashLikeAnyOtherText() {
        // given: a NUL, a lone surrogate (not valid UTF-16), right-to-left text, a combining accent
        List<String> strange = List.of("a\u0000b", "\uD800", "\u05E9\u05DC\u05D5\u05DD", "e\u0301");
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", RULES);

        for (String email : strange) {
            GenericData.Record customer = customer();
            customer.put("email", email);

            // when
            GenericRecord masked = masker.mask(customer);

            // then
            assertThat(masked.get("email")).isEqualTo(hmac(email.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aBareIndexedRecordIsCopiedWhenNothingIsMasked() {
        // given
        GenericData.Record customer = customer();
        IndexedRecord bare = new IndexedRecord() {
            @Override
            public void put(int i, Object v) {
                customer.put(i, v);
            }

            @Override
            public Object get(int i) {
                return customer.get(i);
            }

            @Override
            public Schema getSchema() {
                return CUSTOMER;
            }
        };
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of(), "RESTRICTED", RULES);

        // when
        GenericRecord masked = masker.mask(bare);

        // then
        assertThat(masked).isEqualTo(customer);
    }

    @Test
    void aDefaultOfAnUnmaskedNestedFieldIsCopiedUnchanged() {
        // given
        GenericData.Record customer = customer();
        customer.put("billing", address("2 Looking Glass Lane", "Daresbury"));
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("address.street", "PII"), "INTERNAL", RULES);

        // when
        GenericRecord masked = masker.mask(customer);

        // then
        assertThat(masked.get("billing")).isSameAs(customer.get("billing"));
    }
}

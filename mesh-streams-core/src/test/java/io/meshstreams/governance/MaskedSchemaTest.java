package io.meshstreams.governance;

import static io.meshstreams.governance.MaskingFixtures.CUSTOMER;
import static io.meshstreams.governance.MaskingFixtures.RULES;
import static io.meshstreams.governance.MaskingFixtures.binary;
import static io.meshstreams.governance.MaskingFixtures.hmac;
import static io.meshstreams.governance.MaskingFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshstreams.internal.registry.AvroCompatibility;
import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The schema a consumer sees: valid Avro, named apart from the port's, saying what was masked and how. */
class MaskedSchemaTest {
    private static final Map<String, String> SOME = Map.of("name", "CONFIDENTIAL", "phones", "RESTRICTED",
            "address.city", "PII", "nickname", "PII");

    @Test
    void theMaskedSchemaIsNamedForTheClearanceInThePortsNamespace() {
        // when
        Schema masked = FieldMasker.create(CUSTOMER, SOME, "INTERNAL", RULES).maskedSchema();

        // then
        assertThat(masked.getFullName()).isEqualTo("com.acme.crm.Customer_masked_for_internal")
                .isNotEqualTo(CUSTOMER.getFullName());
        assertThat(masked.getDoc()).isEqualTo(CUSTOMER.getDoc());
        assertThat(FieldMasker.create(CUSTOMER, SOME, "PUBLIC", RULES).maskedSchema().getFullName())
                .isEqualTo("com.acme.crm.Customer_masked_for_public");
    }

    @Test
    void theRecordSaysWhichFieldsWereMaskedHowForWhichClearanceAndFromWhichSchema() {
        // when
        Schema masked = FieldMasker.create(CUSTOMER, SOME, "INTERNAL", RULES).maskedSchema();

        // then
        assertThat(masked.getObjectProp("mesh.masked.fields")).isEqualTo(List.of("email:HASH", "name:REDACT",
                "address.city:HASH", "phones:DROP", "nickname:HASH"));
        assertThat(masked.getProp("mesh.masked.clearance")).isEqualTo("INTERNAL");
        assertThat(masked.getProp("mesh.masked.source")).isEqualTo("com.acme.crm.Customer");
        Schema address = masked.getField("address").schema();
        assertThat(address.getFullName()).isEqualTo("com.acme.crm.Address_masked_for_internal");
        assertThat(address.getObjectProp("mesh.masked.fields")).isEqualTo(List.of("city:HASH"));
    }

    @Test
    void aMaskedFieldSaysHowAndKeepsItsOriginalClassificationAsMeshMaskedClassification() {
        // when
        Schema masked = FieldMasker.create(CUSTOMER, SOME, "INTERNAL", RULES).maskedSchema();

        // then
        Schema.Field email = masked.getField("email");
        assertThat(email.getProp("mesh.masked")).isEqualTo("HASH");
        assertThat(email.getProp("mesh.masked.classification")).isEqualTo("PII");
        assertThat(email.getProp("classification")).isNull();
        assertThat(email.doc()).isEqualTo("Where we write");
        Schema.Field name = masked.getField("name");
        assertThat(name.getProp("mesh.masked")).isEqualTo("REDACT");
        assertThat(name.getProp("mesh.masked.classification")).isEqualTo("CONFIDENTIAL");
        assertThat(masked.getField("id").getObjectProps()).isEmpty();
    }

    @Test
    void confluentTagsLoseTheLevelAndKeepTheRest() {
        // given
        Schema port = new Schema.Parser().parse("""
                {"type": "record", "name": "Contact", "fields": [
                  {"name": "email", "type": "string", "confluent:tags": ["PII", "GDPR"]},
                  {"name": "phone", "type": "string", "confluent:tags": ["PII"]}]}
                """);

        // when
        Schema masked = FieldMasker.create(port, Map.of(), "INTERNAL", RULES).maskedSchema();

        // then
        assertThat(masked.getField("email").getObjectProp("confluent:tags")).isEqualTo(List.of("GDPR"));
        assertThat(masked.getField("phone").getObjectProp("confluent:tags")).isNull();
        assertThat(masked.getField("phone").getProp("mesh.masked")).isEqualTo("HASH");
    }

    @Test
    void aFieldTheConsumerIsClearedForKeepsItsClassification() {
        // when
        Schema masked = FieldMasker.create(CUSTOMER, Map.of("phones", "RESTRICTED"), "PII", RULES).maskedSchema();

        // then
        assertThat(masked.getField("email").getProp("classification")).isEqualTo("PII");
        assertThat(masked.getField("email").getProp("mesh.masked")).isNull();
        assertThat(masked.getObjectProp("mesh.masked.fields")).isEqualTo(List.of("phones:DROP"));
    }

    @Test
    void theMaskedSchemaParsesBackToItselfAndPassesAvrosOwnCompatibilityCheckWithItself() {
        // given
        Schema masked = FieldMasker.create(CUSTOMER, SOME, "INTERNAL", RULES).maskedSchema();

        // when
        Schema parsed = new Schema.Parser().parse(masked.toString());

        // then
        assertThat(parsed).isEqualTo(masked);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(parsed, masked).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void avroRefusesToReadThePortsRecordsWithTheMaskedSchemaBecauseTheNamesDiffer() {
        // given
        Schema masked = FieldMasker.create(CUSTOMER, SOME, "INTERNAL", RULES).maskedSchema();

        // when
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(masked, CUSTOMER);

        // then
        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .extracting(SchemaCompatibility.Incompatibility::getType)
                .contains(SchemaIncompatibilityType.NAME_MISMATCH);
    }

    @Test
    void hashKeepsNullabilityAndHashesADefault() {
        // given
        Schema port = new Schema.Parser().parse("""
                {"type": "record", "name": "Order", "fields": [
                  {"name": "currency", "type": "string", "default": "EUR"},
                  {"name": "coupon", "type": ["null", "string"], "default": null},
                  {"name": "voucher", "type": ["string", "null"], "default": "none"},
                  {"name": "note", "type": ["null", "string"]}]}
                """);
        Map<String, String> pii = Map.of("currency", "PII", "coupon", "PII", "voucher", "PII", "note", "PII");

        // when
        Schema masked = FieldMasker.create(port, pii, "INTERNAL", RULES).maskedSchema();

        // then
        assertThat(masked.getField("currency").schema().toString()).isEqualTo("\"string\"");
        assertThat(masked.getField("currency").defaultVal()).isEqualTo(hmac("EUR"));
        assertThat(masked.getField("coupon").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(masked.getField("coupon").defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
        assertThat(masked.getField("voucher").schema().toString()).isEqualTo("[\"string\",\"null\"]");
        assertThat(masked.getField("voucher").defaultVal()).isEqualTo(hmac("none"));
        assertThat(masked.getField("note").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(masked.getField("note").hasDefaultValue()).isFalse();
        assertThat(new Schema.Parser().parse(masked.toString())).isEqualTo(masked);
    }

    @Test
    void redactPutsNullFirstAndDefaultsToNullWhateverTheUnionWas() {
        // given
        Schema port = new Schema.Parser().parse("""
                {"type": "record", "name": "Order", "fields": [
                  {"name": "voucher", "type": ["string", "null"], "default": "none"},
                  {"name": "either", "type": ["int", "string"]},
                  {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["A", "B"]}, "default": "A"}]}
                """);
        Map<String, String> confidential = Map.of("voucher", "CONFIDENTIAL", "either", "CONFIDENTIAL",
                "status", "CONFIDENTIAL");

        // when
        Schema masked = FieldMasker.create(port, confidential, "INTERNAL", RULES).maskedSchema();

        // then
        assertThat(masked.getField("voucher").schema().toString()).isEqualTo("[\"null\",\"string\"]");
        assertThat(masked.getField("either").schema().toString()).isEqualTo("[\"null\",\"int\",\"string\"]");
        assertThat(masked.getField("status").schema().getTypes().get(1).getFullName()).isEqualTo("Status");
        for (String field : List.of("voucher", "either", "status")) {
            assertThat(masked.getField(field).defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
        }
    }

    @Test
    void aNestedRecordWithADefaultGetsTheMaskedDefault() {
        // given
        Schema port = new Schema.Parser().parse("""
                {"type": "record", "name": "Customer", "fields": [
                  {"name": "home", "type": {"type": "record", "name": "Place", "fields": [
                     {"name": "city", "type": "string"}, {"name": "zip", "type": "string"},
                     {"name": "geo", "type": "string"}]},
                   "default": {"city": "Nowhere", "zip": "00000", "geo": "0,0"}}]}
                """);

        // when
        Schema masked = FieldMasker.create(port, Map.of("home.city", "PII", "home.zip", "CONFIDENTIAL",
                "home.geo", "RESTRICTED"), "INTERNAL", RULES).maskedSchema();

        // then
        assertThat(masked.getField("home").defaultVal()).isEqualTo(Map.of("city", hmac("Nowhere"),
                "zip", JsonProperties.NULL_VALUE));
        assertThat(new Schema.Parser().parse(masked.toString())).isEqualTo(masked);
    }

    @Test
    void theSameRecordTypeMaskedDifferentlyAtTwoPathsGetsTwoNamesAndEqualMaskingSharesOne() {
        // when
        Schema differently = FieldMasker.create(CUSTOMER, Map.of("address.city", "PII", "billing.city", "RESTRICTED"),
                "INTERNAL", RULES).maskedSchema();
        Schema alike = FieldMasker.create(CUSTOMER, Map.of("address.city", "PII", "billing.city", "PII"),
                "INTERNAL", RULES).maskedSchema();

        // then
        assertThat(differently.getField("address").schema().getFullName())
                .isEqualTo("com.acme.crm.Address_masked_for_internal");
        assertThat(differently.getField("billing").schema().getTypes().get(1).getFullName())
                .isEqualTo("com.acme.crm.Address_billing_masked_for_internal");
        assertThat(alike.getField("billing").schema().getTypes().get(1))
                .isSameAs(alike.getField("address").schema());
        assertThat(new Schema.Parser().parse(differently.toString())).isEqualTo(differently);
        assertThat(new Schema.Parser().parse(alike.toString())).isEqualTo(alike);
    }

    @Test
    void maskedSchemasEvolveAsThePortsDidAndAvroFindsThemFullyCompatible() {
        // given: v2 of the port adds an optional classified field and a classified field with a default
        Schema v1 = CUSTOMER;
        Schema v2 = evolved(CUSTOMER);
        Schema masked1 = FieldMasker.create(v1, SOME, "INTERNAL", RULES).maskedSchema();
        Schema masked2 = FieldMasker.create(v2, SOME, "INTERNAL", RULES).maskedSchema();

        // when
        List<String> problems = AvroCompatibility.check(CompatibilityLevel.FULL_TRANSITIVE, masked2,
                List.of(new AvroCompatibility.Existing(1, masked1)));

        // then
        assertThat(problems).isEmpty();
        GenericRecord old = FieldMasker.create(v1, SOME, "INTERNAL", RULES).mask(MaskingFixtures.customer());
        GenericRecord readAsNew = read(masked1, masked2, binary(masked1, old));
        assertThat(readAsNew.get("email")).hasToString(hmac("alice@example.com"));
        assertThat(readAsNew.get("loyaltyCard")).hasToString(hmac("none"));
        assertThat(readAsNew.get("birthday")).isNull();
    }

    @Test
    void aSchemaRegistryAcceptsTheMaskedSchemaAndItsEvolution() {
        // given
        Schema masked1 = FieldMasker.create(CUSTOMER, SOME, "INTERNAL", RULES).maskedSchema();
        Schema masked2 = FieldMasker.create(evolved(CUSTOMER), SOME, "INTERNAL", RULES).maskedSchema();
        try (StubRegistry registry = StubRegistry.start()) {
            SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()));
            try {
                String subject = "analytics.customer-view-value";

                // when
                int first = client.register(subject, SchemaDefinition.avro(masked1));
                int second = client.register(subject, SchemaDefinition.avro(masked2));

                // then
                assertThat(second).isNotEqualTo(first);
                assertThat(new Schema.Parser().parse(client.schemaById(first).schema())).isEqualTo(masked1);
                assertThat(client.versions(subject)).containsExactly(1, 2);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void whenNothingIsMaskedTheConsumerSeesThePortSchemaItself() {
        // when
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("name", "PII"), "RESTRICTED", RULES);

        // then
        assertThat(masker.maskedSchema()).isSameAs(CUSTOMER);
        assertThat(masker.maskedSchema().getObjectProp("mesh.masked.fields")).isNull();
    }

    @Test
    void aPortThatRepublishesMaskedDataCanBeMaskedAgain() {
        // given: a domain publishes what it was given masked for INTERNAL; a PUBLIC consumer reads it
        FieldMasker forInternal = FieldMasker.create(CUSTOMER, SOME, "INTERNAL", RULES);
        Schema republished = forInternal.maskedSchema();

        // when
        FieldMasker forPublic = FieldMasker.create(republished, Map.of("id", "INTERNAL"), "PUBLIC", RULES);
        GenericRecord masked = forPublic.mask(forInternal.mask(MaskingFixtures.customer()));

        // then
        assertThat(forPublic.maskedSchema().getFullName())
                .isEqualTo("com.acme.crm.Customer_masked_for_internal_masked_for_public");
        assertThat(forPublic.maskedSchema().getObjectProp("mesh.masked.fields")).isEqualTo(List.of("id:DROP"));
        assertThat(forPublic.maskedSchema().getProp("mesh.masked.source"))
                .isEqualTo("com.acme.crm.Customer_masked_for_internal");
        assertThat(forPublic.maskedSchema().getField("email").getProp("mesh.masked")).isEqualTo("HASH");
        assertThat(masked.get("email")).isEqualTo(hmac("alice@example.com"));
        assertThat(new Schema.Parser().parse(forPublic.maskedSchema().toString())).isEqualTo(forPublic.maskedSchema());
    }

    private static Schema evolved(Schema v1) {
        String json = v1.toString().replace("{\"name\":\"billing\"", """
                {"name":"birthday","type":["null","string"],"default":null,"classification":"PII"},\
                {"name":"loyaltyCard","type":"string","default":"none","classification":"PII"},\
                {"name":"billing\"""");
        return new Schema.Parser().parse(json);
    }
}

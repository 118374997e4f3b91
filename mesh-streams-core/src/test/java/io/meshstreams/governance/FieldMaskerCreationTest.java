package io.meshstreams.governance;

import static io.meshstreams.governance.MaskingFixtures.CUSTOMER;
import static io.meshstreams.governance.MaskingFixtures.RULES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshstreams.product.OutputPort;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Creating a masker: what it refuses, and how the message says to fix it. */
class FieldMaskerCreationTest {
    private static final Schema WITH_CONTACTS = new Schema.Parser().parse("""
            {"type": "record", "name": "Account", "namespace": "com.acme.crm", "fields": [
              {"name": "id", "type": "string"},
              {"name": "contacts", "type": {"type": "array", "items": {"type": "record", "name": "Contact", "fields": [
                 {"name": "email", "type": "string", "classification": "PII"}]}}}]}
            """);
    private static final Schema PERSON = new Schema.Parser().parse("""
            {"type": "record", "name": "Person", "fields": [
              {"name": "name", "type": "string", "classification": "PII"},
              {"name": "friend", "type": ["null", "Person"], "default": null}]}
            """);

    @Test
    void anUnknownClearanceIsRefusedWithTheLevels() {
        assertThatThrownBy(() -> FieldMasker.create(CUSTOMER, Map.of(), "SECRET", RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown clearance 'SECRET'; a clearance is one of the levels of the mesh's classification "
                        + "scheme: PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED");
    }

    @Test
    void classifiedPathsThatAreNotFieldsAreRefusedWithTheFields() {
        assertThatThrownBy(() -> FieldMasker.create(CUSTOMER, Map.of("emial", "PII", "address.zip", "PII"), "INTERNAL",
                RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Classified fields address.zip, emial are not in schema com.acme.crm.Customer; its fields "
                        + "are id, email, name, age, points, score, vip, avatar, tier, address, address.street, "
                        + "address.city, phones, nickname, billing, billing.street, billing.city. Classify fields by "
                        + "their path in the schema (nested: address.city)");
    }

    @Test
    void hashingWithoutAKeyIsRefusedWithHowToConfigureIt() {
        assertThatThrownBy(() -> FieldMasker.create(CUSTOMER, Map.of("name", "PII"), "INTERNAL",
                MaskingRules.defaults()))
                .isInstanceOf(io.meshstreams.InvalidConfigException.class)
                .hasMessage("mesh.masking.hash.key: Masking com.acme.crm.Customer for clearance INTERNAL hashes email, name, but no hash key "
                        + "is configured. Configure the mesh's hash key (a secret of 32+ bytes, the same in "
                        + "every service, so hashed values and keys match across consumers): set mesh.masking.hash.key "
                        + "in the client's configuration to hex text (e.g. from `openssl rand -hex 32`), or call "
                        + "MaskingRules.withHashKey(bytes); for a development mesh, "
                        + "MaskingRules.insecureForDevelopment(); or choose REDACT or DROP for the level with "
                        + "withPolicy(level, policy)");
    }

    @Test
    void rulesWithoutAKeyMaskWhatNeedsNoHash() {
        // given
        MaskingRules noKey = MaskingRules.defaults().withPolicy("PII", MaskingPolicy.REDACT);

        // when
        GenericRecord masked = FieldMasker.create(CUSTOMER, Map.of(), "INTERNAL", noKey).mask(MaskingFixtures.customer());
        FieldMasker cleared = FieldMasker.create(CUSTOMER, Map.of(), "PII", MaskingRules.defaults());

        // then
        assertThat(masked.get("email")).isNull();
        assertThat(cleared.masksNothing()).isTrue();
    }

    @Test
    void aClassifiedFieldInsideAnArrayIsRefusedUnlessClearedOrMaskedWhole() {
        // when / then
        assertThatThrownBy(() -> FieldMasker.create(WITH_CONTACTS, Map.of(), "INTERNAL", RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Field 'contacts' of com.acme.crm.Account holds 'contacts[].email' "
                        + "(com.acme.crm.Contact.email), classified PII, inside an array, a map or a union of several "
                        + "types, where masking cannot reach it by path, and clearance INTERNAL does not clear PII. "
                        + "Classify 'contacts' itself (for example PII) so that it is masked whole");
        assertThat(FieldMasker.create(WITH_CONTACTS, Map.of(), "PII", RULES).masksNothing()).isTrue();
        FieldMasker whole = FieldMasker.create(WITH_CONTACTS, Map.of("contacts", "PII"), "INTERNAL", RULES);
        assertThat(whole.maskedSchema().getField("contacts").schema().getType()).isEqualTo(Schema.Type.STRING);
    }

    @Test
    void aRecursiveReferenceToARecordWithMaskedFieldsIsRefused() {
        // when / then
        assertThatThrownBy(() -> FieldMasker.create(PERSON, Map.of(), "INTERNAL", RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Field 'friend' of Person refers back to record Person, whose fields are masked for "
                        + "clearance INTERNAL; masking follows field paths and cannot reach into a recursive type. "
                        + "Classify 'friend' itself so that it is masked whole");
        GenericData.Record person = new GenericData.Record(PERSON);
        person.put("name", "Alice");
        person.put("friend", null);
        GenericRecord masked = FieldMasker.create(PERSON, Map.of("friend", "RESTRICTED"), "INTERNAL", RULES)
                .mask(person);
        assertThat(masked.hasField("friend")).isFalse();
    }

    @Test
    void aRecursiveReferenceInsideAnArrayIsRefusedWithWhereItIs() {
        // given
        Schema tree = new Schema.Parser().parse("""
                {"type": "record", "name": "Node", "fields": [
                  {"name": "label", "type": "string"},
                  {"name": "children", "type": {"type": "array", "items": "Node"}}]}
                """);

        // when / then
        assertThatThrownBy(() -> FieldMasker.create(tree, Map.of("label", "PII"), "INTERNAL", RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Field 'children' of Node refers back to record Node at 'children[]', whose "
                        + "fields are masked for clearance INTERNAL;");
    }

    @Test
    void aClassifiedFieldInAMapOrAUnionOfSeveralRecordsIsRefused() {
        // given
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Profile", "fields": [
                  {"name": "byName", "type": {"type": "map", "values": {"type": "record", "name": "Entry", "fields": [
                     {"name": "phone", "type": "string", "confluent:tags": ["PII"]}]}}},
                  {"name": "either", "type": ["null", "string", "Entry"]}]}
                """);

        // when / then
        assertThatThrownBy(() -> FieldMasker.create(schema, Map.of(), "CONFIDENTIAL", RULES))
                .hasMessageStartingWith("Field 'byName' of Profile holds 'byName{}.phone' (Entry.phone), classified PII");
        assertThatThrownBy(() -> FieldMasker.create(schema, Map.of("byName", "PII"), "CONFIDENTIAL", RULES))
                .hasMessageStartingWith("Field 'either' of Profile holds 'either.phone' (Entry.phone), classified PII");
        assertThat(FieldMasker.create(schema, Map.of("byName", "PII", "either", "PII"), "CONFIDENTIAL", RULES)
                .maskedFields()).extracting(MaskedField::path).containsExactly("byName", "either");
    }

    @Test
    void aPortSchemaThatIsNotARecordIsRefused() {
        assertThatThrownBy(() -> FieldMasker.create(Schema.create(Schema.Type.STRING), Map.of(), "INTERNAL", RULES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Masking needs a record schema, and the port's value schema is a string: \"string\"");
    }

    @Test
    void anOutputPortGivesItsSchemaAndClassifications() {
        // given
        OutputPort port = OutputPort.builder("customers", 1).valueSchema(CUSTOMER).keyField("id")
                .classify("address.city", "PII").build();

        // when
        FieldMasker masker = FieldMasker.create(port, "internal", RULES);

        // then
        assertThat(masker.maskedFields()).containsExactly(new MaskedField("email", "PII", MaskingPolicy.HASH),
                new MaskedField("address.city", "PII", MaskingPolicy.HASH));
        assertThat(masker.clearance()).isEqualTo("INTERNAL");
        assertThat(masker.portSchema()).isSameAs(CUSTOMER);
        assertThat(masker).hasToString("FieldMasker[com.acme.crm.Customer for INTERNAL: "
                + List.of("email:HASH", "address.city:HASH") + "]");
    }

    @Test
    void aClassificationGivenInCodeWinsOverTheSchemasOwn() {
        // when
        FieldMasker masker = FieldMasker.create(CUSTOMER, Map.of("email", "PUBLIC"), "INTERNAL", RULES);

        // then
        assertThat(masker.masksNothing()).isTrue();
    }
}

package io.meshstreams.internal.publish;

import io.meshstreams.MeshException;
import io.meshstreams.contract.Violation;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * How violations show values: a classified value never, its classification ({@code <PII>}) in its place; an
 * unclassified one as before. Classifications come from the schema's field properties and from the port's
 * {@code classifications} (here {@code name: PII} and {@code billing: CONFIDENTIAL}).
 */
class ClassifiedViolationRenderingTest {
    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Profile", "namespace": "com.acme.customers", "fields": [
              {"name": "customerId", "type": "string"},
              {"name": "email", "type": "string", "classification": "PII"},
              {"name": "name", "type": "string"},
              {"name": "country", "type": "string"},
              {"name": "tier", "type": "string", "classification": "PUBLIC"},
              {"name": "phone", "type": ["null", "string"], "default": null, "classification": "PII"},
              {"name": "age", "type": ["null", "int"], "default": null},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "city", "type": "string"},
                {"name": "street", "type": "string", "classification": "PII"}
              ]}},
              {"name": "billing", "type": ["null", {"type": "record", "name": "Billing", "fields": [
                {"name": "holder", "type": "string"},
                {"name": "iban", "type": "string"}
              ]}], "default": null},
              {"name": "contacts", "type": {"type": "array", "items": {"type": "record", "name": "Contact", "fields": [
                {"name": "email", "type": "string", "classification": "PII"},
                {"name": "kind", "type": "string"}
              ]}}},
              {"name": "labels", "type": {"type": "map", "values": "string"}},
              {"name": "consent", "type": ["null", "string", "long"], "default": null, "classification": "CONFIDENTIAL"}
            ]}""");
    static final Map<String, String> DESCRIPTOR_CLASSIFICATIONS = Map.of("name", "PII", "billing", "CONFIDENTIAL");

    static final String EMAIL = "alice.secret.person@@corp.example";
    static final String NAME = "Zebulon Secretname";
    static final String STREET = "77 Hidden Secret Lane";
    static final String HOLDER = "Secret Holder";
    static final String CONTACT = "bob.secret.contact@corp.invalid";
    static final List<String> SECRETS = List.of(EMAIL, NAME, STREET, HOLDER, CONTACT, "4155550199",
            "carol.secret.key@corp.example", "DE89370400440532013000", "secretlabel");

    static GenericRecord profile() {
        GenericRecord profile = new GenericData.Record(SCHEMA);
        profile.put("customerId", "c-1");
        profile.put("email", "alice@corp.example");
        profile.put("name", "Alice");
        profile.put("country", "DE");
        profile.put("tier", "gold");
        GenericRecord address = new GenericData.Record(SCHEMA.getField("address").schema());
        address.put("city", "Berlin");
        address.put("street", "Main Street 1");
        profile.put("address", address);
        GenericRecord billing = new GenericData.Record(SCHEMA.getField("billing").schema().getTypes().get(1));
        billing.put("holder", "Mr Alice");
        billing.put("iban", "DE00");
        profile.put("billing", billing);
        Schema contactSchema = SCHEMA.getField("contacts").schema().getElementType();
        List<GenericRecord> contacts = new ArrayList<>();
        for (String email : List.of("carl@corp.example", "dora@corp.example")) {
            GenericRecord contact = new GenericData.Record(contactSchema);
            contact.put("email", email);
            contact.put("kind", "work");
            contacts.add(contact);
        }
        profile.put("contacts", contacts);
        profile.put("labels", Map.of("gift", "no"));
        return profile;
    }

    static ContractEnforcer enforcer(String keyField, String rule, String expression) {
        OutputPort.Builder port = OutputPort.builder("profiles", 1).valueSchema(SCHEMA).keyField(keyField);
        if (!rule.isEmpty()) {
            port.rule(rule, expression);
        }
        DESCRIPTOR_CLASSIFICATIONS.forEach(port::classify);
        return new ContractEnforcer(new PortAddress("customers", "customer-profiles", "profiles", 1), port.build(), 1,
                null);
    }

    static Stream<Arguments> renderings() {
        return Stream.of(
                rule("a rule over a field classified in the schema", "email-shape",
                        "message.email.matches('^[^@]+@[^@]+$')", set("email", EMAIL), "email",
                        "rule 'email-shape' failed: expected message.email.matches('^[^@]+@[^@]+$') to be true, found"
                                + " false with email=<PII>"),
                rule("a rule over a field classified in the descriptor", "name-short", "size(message.name) <= 12",
                        set("name", NAME), "name",
                        "rule 'name-short' failed: expected size(message.name) <= 12 to be true, found false with"
                                + " name=<PII>"),
                rule("a rule over an unclassified field", "country-code", "message.country.matches('^[A-Z]{2}$')",
                        set("country", "germany"), "country",
                        "rule 'country-code' failed: expected message.country.matches('^[A-Z]{2}$') to be true, found"
                                + " false with country=\"germany\""),
                rule("a rule over a PUBLIC field", "known-tier", "message.tier in ['gold', 'silver']",
                        set("tier", "standard"), "tier",
                        "rule 'known-tier' failed: expected message.tier in ['gold', 'silver'] to be true, found false"
                                + " with tier=\"standard\""),
                rule("a rule over classified and unclassified fields", "email-not-country",
                        "message.email != message.country", p -> {
                            p.put("email", "DE");
                            p.put("country", "DE");
                        }, "email,country",
                        "rule 'email-not-country' failed: expected message.email != message.country to be true, found"
                                + " false with email=<PII>, country=\"DE\""),
                rule("a rule over a nested classified field", "street-known",
                        "message.address.street.startsWith('Main')", nested("address", "street", STREET),
                        "address.street",
                        "rule 'street-known' failed: expected message.address.street.startsWith('Main') to be true,"
                                + " found false with address.street=<PII>"),
                rule("a rule over a nested unclassified field beside a classified one", "city-present",
                        "size(message.address.city) > 0", nested("address", "city", ""), "address.city",
                        "rule 'city-present' failed: expected size(message.address.city) > 0 to be true, found false"
                                + " with address.city=\"\""),
                rule("a rule over a field inside a record classified in the descriptor", "holder-title",
                        "message.billing.holder.startsWith('Mr')", nested("billing", "holder", HOLDER),
                        "billing.holder",
                        "rule 'holder-title' failed: expected message.billing.holder.startsWith('Mr') to be true,"
                                + " found false with billing.holder=<CONFIDENTIAL>"),
                rule("a rule over an array of records with a classified field", "one-contact",
                        "size(message.contacts) < 2", p -> contactEmail(p, CONTACT), "contacts",
                        "rule 'one-contact' failed: expected size(message.contacts) < 2 to be true, found false with"
                                + " contacts=<PII>"),
                rule("a rule over an unclassified map", "gift-label", "!('gift' in message.labels)",
                        set("labels", Map.of("gift", "yes")), "labels",
                        "rule 'gift-label' failed: expected !('gift' in message.labels) to be true, found false with"
                                + " labels={gift=yes} (1 entries)"),
                rule("a rule over a classified union of several types", "consent-given",
                        "string(message.consent) == 'yes'", set("consent", 4155550199L), "consent",
                        "rule 'consent-given' failed: expected string(message.consent) == 'yes' to be true, found"
                                + " false with consent=<CONFIDENTIAL>"),
                rule("a rule over a classified field that fails to evaluate", "name-number",
                        "int(message.name) > 0", set("name", NAME), "name",
                        "rule 'name-number' failed closed: expected int(message.name) > 0 to be true, found an"
                                + " evaluation error (at position 3; its text is withheld, since the rule reads"
                                + " classified fields) with name=<PII>"),
                rule("a rule over a classified field that is null", "phone-short", "size(message.phone) < 20",
                        set("phone", null), "phone",
                        "rule 'phone-short' failed closed: expected size(message.phone) < 20 to be true, found an"
                                + " evaluation error (at position 4: No matching overload for function 'size'."
                                + " Overload candidates: size_string) with phone=null"),
                schema("the schema, at a classified field", set("phone", 4155550199L), "phone",
                        "expected null or string, found Long <PII>"),
                schema("the schema, at an unclassified field", set("age", "forty"), "age",
                        "expected null or int, found String 'forty'"),
                schema("the schema, at a classified field in an array of records", p -> contactEmail(p, 4155550199L),
                        "contacts[1].email", "expected string, found Long <PII>"),
                schema("the schema, at an unclassified field in an array of records", p -> contactKind(p, 7),
                        "contacts[1].kind", "expected string, found Integer '7'"),
                schema("the schema, inside a record classified in the descriptor",
                        nested("billing", "iban", 4155550199L), "billing.iban",
                        "expected string, found Long <CONFIDENTIAL>"),
                schema("the schema, at a nested classified field", nested("address", "street", 4155550199L),
                        "address.street", "expected string, found Long <PII>"),
                schema("the schema, at a value of an unclassified map", set("labels", Map.of("gift", 1)),
                        "labels[\"gift\"]", "expected string, found Integer '1'"),
                schema("the schema, at a classified union of several types", set("consent", new ArrayList<>(List.of("secretlabel"))),
                        "consent", "expected null or string or long, found ArrayList <CONFIDENTIAL>"));
    }

    static Arguments rule(String name, String rule, String expression, Consumer<GenericRecord> change, String field,
                          String message) {
        return arguments(name, rule, expression, change, Violation.ofRule(rule, field, message));
    }

    static Arguments schema(String name, Consumer<GenericRecord> change, String field, String message) {
        return arguments(name, "", "", change, Violation.ofSchema(field, message));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void aViolationShowsTheClassificationInPlaceOfAClassifiedValue(String name, String rule, String expression,
                                                                     Consumer<GenericRecord> change, Violation expected) {
        // given
        ContractEnforcer enforcer = enforcer("customerId", rule, expression);
        GenericRecord profile = profile();
        change.accept(profile);

        // when
        List<Violation> violations = enforcer.check(null, profile).violations();

        // then
        assertThat(violations).containsExactly(expected);
        assertThat(PublisherHeaders.toJson(violations)).doesNotContain(SECRETS);
    }

    @Test
    void aKeyMismatchOfAClassifiedKeyFieldShowsNeitherKey() {
        // given a port keyed by the email, classified PII
        ContractEnforcer enforcer = enforcer("email", "", "");
        GenericRecord profile = profile();
        profile.put("email", EMAIL);

        // when
        List<Violation> violations = enforcer.check("carol.secret.key@corp.example", profile).violations();

        // then
        assertThat(violations).containsExactly(Violation.ofKey("the given key <PII> differs from the key field 'email'"
                + " = <PII> (the key field is classified PII, so neither is shown). Fix: pass no key to take it from"
                + " the field, or make them equal."));
    }

    @Test
    void aKeyMismatchOfAnUnclassifiedKeyFieldShowsBothKeys() {
        // given a port keyed by the customer id, not classified
        ContractEnforcer enforcer = enforcer("customerId", "", "");

        // when
        List<Violation> violations = enforcer.check("c-2", profile()).violations();

        // then
        assertThat(violations).containsExactly(Violation.ofKey("the given key 'c-2' differs from the key field"
                + " 'customerId' = 'c-1'. Fix: pass no key to take it from the field, or make them equal."));
    }

    @Test
    void aClassifiedKeyThatFailsToSerializeIsToldWithoutTheSerializersMessage() {
        // given an Avro key of the classified email, and a serializer that quotes the value it fails on, as Avro's do
        OutputPort port = OutputPort.builder("profiles", 1).valueSchema(SCHEMA)
                .key(KeyDefinition.field("email").withFormat(KeyDefinition.Format.AVRO)).build();
        Serializer<Object> quoting = (topic, data) -> {
            throw new SerializationException("Cannot serialize the key " + data,
                    new IllegalArgumentException("bad datum: " + data));
        };
        ContractEnforcer enforcer = new ContractEnforcer(new PortAddress("customers", "customer-profiles", "profiles",
                1), port, 1, quoting);
        GenericRecord profile = profile();
        profile.put("email", EMAIL);

        // when
        MeshException failure = catchThrowableOfType(MeshException.class, () -> enforcer.check(null, profile));

        // then the failure and every cause name the types, keep the stack traces, and quote no value
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(EMAIL)
                .contains("org.apache.kafka.common.errors.SerializationException (message withheld: the key field"
                        + " 'email' is classified PII)")
                .contains("java.lang.IllegalArgumentException (message withheld")
                .contains("ClassifiedViolationRenderingTest");
        assertThat(failure).hasMessageContaining("The key field 'email' is classified PII");
    }

    static Consumer<GenericRecord> set(String field, Object value) {
        return profile -> profile.put(field, value);
    }

    static Consumer<GenericRecord> nested(String record, String field, Object value) {
        return profile -> ((GenericRecord) profile.get(record)).put(field, value);
    }

    @SuppressWarnings("unchecked")
    static void contactEmail(GenericRecord profile, Object email) {
        ((List<GenericRecord>) profile.get("contacts")).get(1).put("email", email);
    }

    @SuppressWarnings("unchecked")
    static void contactKind(GenericRecord profile, Object kind) {
        ((List<GenericRecord>) profile.get("contacts")).get(1).put("kind", kind);
    }
}

package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.ContractViolationException;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.publish.PublisherStats;
import io.meshstreams.publish.QuarantineHeaders;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A classified value never appears in what a publisher tells about a record that breaks its contract: not in the
 * exception (nor its causes), not in {@code PublishResult.toString()}, not in any header of the quarantine record,
 * not in the log lines of a caller that logs what it was told. The violations name the rule and the field and show
 * {@code <PII>} in place of the value.
 */
@MeshTest
class ClassifiedValuesIT {
    private static final Logger log = LoggerFactory.getLogger(ClassifiedValuesIT.class);
    private static final AtomicInteger PRODUCTS = new AtomicInteger();

    /** Email (the key) and the street and contacts' emails are classified in the schema; name in the descriptor. */
    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "CustomerProfile", "namespace": "io.meshstreams.it.customers", "fields": [
              {"name": "email", "type": "string", "classification": "PII"},
              {"name": "name", "type": "string"},
              {"name": "country", "type": "string"},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "city", "type": "string"},
                {"name": "street", "type": "string", "classification": "PII"}
              ]}},
              {"name": "phone", "type": ["null", "string"], "default": null, "classification": "PII"},
              {"name": "contacts", "type": {"type": "array", "items": {"type": "record", "name": "Contact",
                "fields": [
                  {"name": "email", "type": "string", "classification": "PII"},
                  {"name": "kind", "type": "string"}
                ]}}}
            ]}""");

    static final String EMAIL = "alice.secret.person@@corp.example";
    static final String NAME = "Zebulon Secretname";
    static final String STREET = "77 Hidden Secret Lane";
    static final String CONTACT = "bob.secret.contact@corp.invalid";
    static final long PHONE = 4155550199L;
    static final String GIVEN_KEY = "carol.secret.key@corp.example";
    static final String KEY_FIELD_VALUE = "dora.secret.field@corp.example";
    static final List<String> SECRETS = List.of(EMAIL, NAME, STREET, CONTACT, String.valueOf(PHONE), GIVEN_KEY,
            KEY_FIELD_VALUE);

    static MeshClient customers;

    @BeforeAll
    static void client(TestMesh mesh) {
        Map<String, Object> config = mesh.clientConfig();
        config.put("mesh.domain", "customers");
        customers = MeshClient.create(config);
    }

    @AfterAll
    static void close() {
        customers.close();
    }

    static DataProduct provisioned(OnViolation onViolation) {
        OutputPort port = OutputPort.builder("profiles", 1)
                .valueSchema(SCHEMA)
                .keyField("email")
                .partitions(1)
                .onViolation(onViolation)
                .classify("name", "PII")
                .rule("email-shape", "message.email.matches('^[^@]+@[^@]+$')")
                .rule("name-short", "size(message.name) <= 12")
                .rule("country-code", "message.country.matches('^[A-Z]{2}$')")
                .rule("street-known", "message.address.street.startsWith('Main')")
                .rule("one-contact", "size(message.contacts) < 2")
                .build();
        DataProduct product = DataProduct.builder("customers", "classified-profiles-" + PRODUCTS.incrementAndGet())
                .owner("team-customers@example.com")
                .description("Customer profiles with classified fields.")
                .outputPort(port)
                .build();
        customers.provision(product);
        return product;
    }

    static GenericRecord profile(String email) {
        GenericRecord profile = new GenericData.Record(SCHEMA);
        profile.put("email", email);
        profile.put("name", "Ada");
        profile.put("country", "DE");
        GenericRecord address = new GenericData.Record(SCHEMA.getField("address").schema());
        address.put("city", "Berlin");
        address.put("street", "Main Street 1");
        profile.put("address", address);
        profile.put("contacts", new ArrayList<>(List.of(contact("ada.work@corp.example"))));
        return profile;
    }

    static GenericRecord contact(String email) {
        GenericRecord contact = new GenericData.Record(SCHEMA.getField("contacts").schema().getElementType());
        contact.put("email", email);
        contact.put("kind", "work");
        return contact;
    }

    /** Breaks every rule with classified values, and the unclassified country rule with "germany". */
    static GenericRecord breakingRules() {
        GenericRecord profile = profile(EMAIL);
        profile.put("name", NAME);
        profile.put("country", "germany");
        ((GenericRecord) profile.get("address")).put("street", STREET);
        profile.put("contacts", new ArrayList<>(List.of(contact(CONTACT), contact("second@corp.example"))));
        return profile;
    }

    /** A long where the schema has a nullable string: Avro says "Not in union [...]: 4155550199". */
    static GenericRecord breakingSchema() {
        GenericRecord profile = profile("erin@corp.example");
        profile.put("phone", PHONE);
        return profile;
    }

    /** Keeps the rules and the schema, and is published with a key other than its email. */
    static GenericRecord keptButKeyedOtherwise() {
        return profile(KEY_FIELD_VALUE);
    }

    @Test
    void quarantinedRecordsTellEveryViolationWithoutAClassifiedValue(TestMesh mesh) {
        DataProduct product = provisioned(OnViolation.QUARANTINE);
        PortAddress port = product.address(product.outputPort("profiles"));
        List<PublishResult> results = new ArrayList<>();
        String logged;
        try (CapturedLog logs = CapturedLog.start();
             PortPublisher<String, GenericRecord> publisher = customers.publisher(product.address(product.outputPort("profiles")))) {
            // when records break the rules, the schema and the key, published each way, and the results logged
            results.add(publisher.publish(breakingRules()));
            results.add(publisher.publishAsync(breakingSchema()).join());
            CompletableFuture<PublishResult> called = new CompletableFuture<>();
            publisher.publish(PortRecord.of(GIVEN_KEY, keptButKeyedOtherwise()), (result, exception) -> {
                log.warn("profile quarantined: {}", result, exception);
                called.complete(result);
            });
            results.add(called.join());
            results.forEach(result -> log.warn("profile quarantined: {}", result));
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(0, 3, 0, 0));
            logged = logs.text();
        }

        // then the results, the quarantine headers and the log name the rules and fields, and show <PII>
        assertThat(results).allMatch(PublishResult::isQuarantined);
        String told = results.toString();
        assertThat(told).doesNotContain(SECRETS)
                .contains("email-shape", "field=email", "email=<PII>", "name=<PII>", "address.street=<PII>",
                        "contacts=<PII>", "country=\"germany\"", "phone", "found Long <PII>",
                        "the given key <PII> differs from the key field 'email' = <PII>");

        List<ConsumerRecord<byte[], byte[]>> quarantined = Topics.readAllRaw(mesh, port.quarantineTopic(), 3);
        assertThat(quarantined).hasSize(3);
        StringBuilder headers = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> record : quarantined) {
            for (Header header : record.headers()) {
                String value = new String(header.value(), StandardCharsets.UTF_8);
                assertThat(value).as("header %s", header.key()).doesNotContain(SECRETS);
                headers.append(header.key()).append('=').append(value).append('\n');
            }
        }
        assertThat(headers.toString())
                .contains(QuarantineHeaders.VIOLATED_RULES + "=email-shape,name-short,country-code,street-known,"
                        + "one-contact")
                .contains("email=<PII>", "name=<PII>", "address.street=<PII>", "contacts=<PII>", "\"field\":\"phone\"",
                        "found Long <PII>", "the given key <PII>");

        assertThat(logged).doesNotContain(SECRETS)
                .contains("profile quarantined", "email-shape", "email=<PII>", "address.street=<PII>",
                        "found Long <PII>", "the given key <PII>");
    }

    @Test
    void rejectedRecordsFailWithEveryViolationAndNoClassifiedValueInTheExceptionItsCausesOrTheLog() {
        DataProduct product = provisioned(OnViolation.REJECT);
        List<ContractViolationException> rejections = new ArrayList<>();
        String logged;
        try (CapturedLog logs = CapturedLog.start();
             PortPublisher<String, GenericRecord> publisher = customers.publisher(product.address(product.outputPort("profiles")))) {
            // when records break the rules, the schema and the key, published each way, and the failures logged
            rejections.add(catchThrowableOfType(ContractViolationException.class,
                    () -> publisher.publish(breakingRules())));
            CompletionException async = catchThrowableOfType(CompletionException.class,
                    () -> publisher.publishAsync(breakingSchema()).join());
            rejections.add((ContractViolationException) async.getCause());
            AtomicReference<Exception> told = new AtomicReference<>();
            publisher.publish(PortRecord.of(GIVEN_KEY, keptButKeyedOtherwise()), (result, exception) -> {
                log.warn("profile rejected", exception);
                told.set(exception);
            });
            rejections.add((ContractViolationException) told.get());
            rejections.forEach(rejection -> log.warn("profile rejected", rejection));
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(0, 0, 3, 0));
            logged = logs.text();
        }

        // then each exception, its causes and its stack trace name the rules and fields, and show <PII>
        for (ContractViolationException rejection : rejections) {
            StringWriter trace = new StringWriter();
            rejection.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(SECRETS).contains("<PII>");
            for (Throwable cause = rejection; cause != null; cause = cause.getCause()) {
                assertThat(String.valueOf(cause.getMessage())).doesNotContain(SECRETS);
                assertThat(cause.toString()).doesNotContain(SECRETS);
            }
            assertThat(rejection.violations().toString()).doesNotContain(SECRETS);
        }
        assertThat(rejections.get(0).getMessage()).contains("5 violations", "RULE email-shape [email]",
                "email=<PII>", "RULE name-short [name]", "name=<PII>", "RULE street-known [address.street]",
                "address.street=<PII>", "RULE one-contact [contacts]", "contacts=<PII>",
                "RULE country-code [country]", "country=\"germany\"");
        assertThat(rejections.get(1).getMessage()).contains("SCHEMA [phone]: expected null or string, found Long <PII>");
        assertThat(rejections.get(2).getMessage()).contains("KEY: the given key <PII> differs from the key field"
                + " 'email' = <PII>");

        assertThat(logged).doesNotContain(SECRETS)
                .contains("profile rejected", "ContractViolationException", "RULE email-shape [email]", "email=<PII>",
                        "SCHEMA [phone]", "found Long <PII>", "the given key <PII>");
    }
}

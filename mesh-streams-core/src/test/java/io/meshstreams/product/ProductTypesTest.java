package io.meshstreams.product;

import io.meshstreams.contract.Rule;
import io.meshstreams.registry.CompatibilityLevel;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The product types users build are valid whatever builds them (builder, withX, descriptor: the same checks, the
 * same problems), and a withX copy changes one setting and keeps every other.
 */
class ProductTypesTest {
    static final String SCHEMA = """
            {"type": "record", "name": "OrderPlaced", "namespace": "com.example.orders", "fields": [
              {"name": "orderId", "type": "string"},
              {"name": "customerId", "type": "string"},
              {"name": "email", "type": "string", "classification": "PII"},
              {"name": "amount", "type": "double"},
              {"name": "note", "type": ["null", "string"], "default": null}]}
            """;
    /** The same record with one more optional field: compatible, same classifications. */
    static final Schema WIDER = new Schema.Parser().parse(SCHEMA.replace("{\"name\": \"note\"",
            "{\"name\": \"channel\", \"type\": [\"null\", \"string\"], \"default\": null},\n  {\"name\": \"note\""));

    @TempDir
    Path dir;

    static OutputPort port() {
        return OutputPort.builder("placed", 1)
                .description("Placed orders.")
                .valueSchema(SCHEMA)
                .keyField("orderId")
                .partitions(6)
                .replicationFactor((short) 3)
                .topicConfig("retention.ms", "604800000")
                .compatibility(CompatibilityLevel.BACKWARD)
                .rule("positive-amount", "message.amount > 0.0")
                .classify("customerId", "INTERNAL")
                .grant("analytics", "INTERNAL", "revenue reporting")
                .onViolation(OnViolation.REJECT)
                .freshness(Duration.ofMinutes(5))
                .build();
    }

    static DataProduct product() {
        return DataProduct.builder("orders", "order-events")
                .owner("team-orders@example.com")
                .description("Orders as customers place them.")
                .tag("sales")
                .outputPort(port())
                .inputPort(InputPort.of(PortAddress.parse("customers.customer-profiles.profiles.v1"), "enrich"))
                .build();
    }

    static Map<String, Object> settings(OutputPort port) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", port.name());
        settings.put("majorVersion", port.majorVersion());
        settings.put("description", port.description());
        settings.put("valueSchema", port.valueSchema());
        settings.put("key", port.key());
        settings.put("partitions", port.partitions());
        settings.put("replicationFactor", port.replicationFactor());
        settings.put("topicConfigs", port.topicConfigs());
        settings.put("compatibility", port.compatibility());
        settings.put("rules", port.rules());
        settings.put("classifications", port.classifications());
        settings.put("grants", port.grants());
        settings.put("onViolation", port.onViolation());
        settings.put("freshness", port.freshness());
        return settings;
    }

    static Map<String, Object> settings(DataProduct product) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("domain", product.domain());
        settings.put("name", product.name());
        settings.put("owner", product.owner());
        settings.put("description", product.description());
        settings.put("tags", product.tags());
        settings.put("outputPorts", product.outputPorts());
        settings.put("inputPorts", product.inputPorts());
        return settings;
    }

    record Change<T>(String setting, Function<T, T> with, Object expected) {
        @Override
        public String toString() {
            return "with " + setting;
        }
    }

    static Stream<Change<OutputPort>> portChanges() {
        Rule rule = Rule.of("known-customer", "size(message.customerId) > 0");
        Grant grant = Grant.of("marketing", "PUBLIC", "campaigns");
        return Stream.of(
                new Change<>("name", p -> p.withName("confirmed"), "confirmed"),
                new Change<>("majorVersion", p -> p.withMajorVersion(2), 2),
                new Change<>("description", p -> p.withDescription("Other."), "Other."),
                new Change<>("valueSchema", p -> p.withValueSchema(WIDER), WIDER),
                new Change<>("key", p -> p.withKey(KeyDefinition.of("customerId", KeyDefinition.Format.AVRO)),
                        KeyDefinition.of("customerId", KeyDefinition.Format.AVRO)),
                new Change<>("partitions", p -> p.withPartitions(12), 12),
                new Change<>("replicationFactor", p -> p.withReplicationFactor((short) 1), Optional.of((short) 1)),
                new Change<>("topicConfigs", p -> p.withTopicConfigs(Map.of("cleanup.policy", "compact")),
                        Map.of("cleanup.policy", "compact")),
                new Change<>("compatibility", p -> p.withCompatibility(CompatibilityLevel.FULL), CompatibilityLevel.FULL),
                new Change<>("rules", p -> p.withRules(List.of(rule)), List.of(rule)),
                new Change<>("classifications", p -> p.withClassifications(Map.of("amount", "CONFIDENTIAL")),
                        Map.of("email", "PII", "amount", "CONFIDENTIAL")),
                new Change<>("grants", p -> p.withGrants(List.of(grant)), List.of(grant)),
                new Change<>("onViolation", p -> p.withOnViolation(OnViolation.QUARANTINE), OnViolation.QUARANTINE),
                new Change<>("freshness", p -> p.withFreshness(Duration.ofHours(1)), Optional.of(Duration.ofHours(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("portChanges")
    void anOutputPortsWithXChangesOneSettingAndKeepsEveryOther(Change<OutputPort> change) {
        OutputPort before = port();
        Map<String, Object> expected = settings(before);
        expected.put(change.setting(), change.expected());

        OutputPort after = change.with().apply(before);

        assertThat(settings(after)).isEqualTo(expected);
        assertThat(after).isNotEqualTo(before);
        assertThat(settings(before)).as("the original is unchanged").isEqualTo(settings(port()));
    }

    @Test
    void everyWithXOfOutputPortIsInTheTable() {
        long withers = Stream.of(OutputPort.class.getMethods()).filter(m -> m.getName().startsWith("with")).count();
        assertThat(portChanges()).hasSize((int) withers);
        assertThat(settings(port())).hasSize((int) withers);
    }

    static Stream<Change<DataProduct>> productChanges() {
        OutputPort other = port().withName("cancelled");
        InputPort input = InputPort.of("payments.payment-events.paid.v1");
        return Stream.of(
                new Change<>("domain", p -> p.withDomain("sales"), "sales"),
                new Change<>("name", p -> p.withName("order-stream"), "order-stream"),
                new Change<>("owner", p -> p.withOwner("team-sales@example.com"), "team-sales@example.com"),
                new Change<>("description", p -> p.withDescription("Other."), "Other."),
                new Change<>("tags", p -> p.withTags(List.of("a", "b")), List.of("a", "b")),
                new Change<>("outputPorts", p -> p.withOutputPorts(List.of(other)), List.of(other)),
                new Change<>("inputPorts", p -> p.withInputPorts(List.of(input)), List.of(input)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("productChanges")
    void aDataProductsWithXChangesOneSettingAndKeepsEveryOther(Change<DataProduct> change) {
        DataProduct before = product();
        Map<String, Object> expected = settings(before);
        expected.put(change.setting(), change.expected());

        DataProduct after = change.with().apply(before);

        assertThat(settings(after)).isEqualTo(expected);
        assertThat(settings(before)).isEqualTo(settings(product()));
    }

    @Test
    void everyWithXOfDataProductIsInTheTable() {
        long withers = Stream.of(DataProduct.class.getMethods()).filter(m -> m.getName().startsWith("with")).count();
        assertThat(productChanges()).hasSize((int) withers);
    }

    @Test
    void theSmallTypesCopyTheRestToo() {
        Grant grant = Grant.of("analytics", "INTERNAL", "reporting");
        assertThat(grant.withDomain("marketing")).isEqualTo(Grant.of("marketing", "INTERNAL", "reporting"));
        assertThat(grant.withClearance("PII")).isEqualTo(Grant.of("analytics", "PII", "reporting"));
        assertThat(grant.withPurpose("audit")).isEqualTo(Grant.of("analytics", "INTERNAL", "audit"));
        KeyDefinition key = KeyDefinition.of("orderId", KeyDefinition.Format.AVRO);
        assertThat(key.withField("customerId")).isEqualTo(KeyDefinition.of("customerId", KeyDefinition.Format.AVRO));
        assertThat(key.withFormat(KeyDefinition.Format.STRING)).isEqualTo(KeyDefinition.field("orderId"));
        InputPort input = InputPort.of(PortAddress.parse("a.b.c.v1"), "why");
        assertThat(input.withPurpose(null)).isEqualTo(InputPort.of("a.b.c.v1"));
        assertThat(input.withPort(PortAddress.parse("a.b.c.v2")).purpose()).isEqualTo("why");
        assertThat(PortAddress.of("orders", "order-events", "placed", 1)).isEqualTo(PortAddress.parse("orders.order-events.placed.v1"))
                .hasSameHashCodeAs(PortAddress.parse("orders.order-events.placed.v1"))
                .hasToString("orders.order-events.placed.v1");
        assertThatThrownBy(() -> PortAddress.of("orders.x", "p", "q", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty and without dots");
    }

    /**
     * One bad setting, given three ways: to the builder, to a valid port's withX, and in a descriptor; all three
     * are refused with the same problem at the same path.
     */
    record Bad(String what, Supplier<OutputPort> builder, Function<OutputPort, OutputPort> with, String yaml,
               String path, String message, String fix) {
        @Override
        public String toString() {
            return what;
        }
    }

    static OutputPort.Builder valid() {
        return OutputPort.builder("placed", 1).valueSchema(SCHEMA).keyField("orderId");
    }

    static Stream<Bad> badSettings() {
        return Stream.of(
                new Bad("a nullable key field", () -> valid().keyField("note").build(),
                        p -> p.withKey(KeyDefinition.field("note")), "key: { field: note }", "key.field",
                        "the key field 'note' is nullable, so a record could have no key.",
                        "key on a field that is not nullable."),
                new Bad("a key field the schema lacks", () -> valid().keyField("orderID").build(),
                        p -> p.withKey(KeyDefinition.field("orderID")), "key: { field: orderID }", "key.field",
                        "the key field 'orderID' is not a field of the value schema.", "did you mean 'orderId'?"),
                new Bad("a double key field", () -> valid().keyField("amount").build(),
                        p -> p.withKey(KeyDefinition.field("amount")), "key: { field: amount }", "key.field",
                        "the key field 'amount' is a double; keys are string, int or long fields.",
                        "key on a string, int or long field."),
                new Bad("no partitions", () -> valid().partitions(0).build(), p -> p.withPartitions(0),
                        "key: { field: orderId }\n    partitions: 0", "partitions", "partitions is 0.", "give 1 or more."),
                new Bad("a rule that does not compile", () -> valid().rule("positive", "message.amout > 0.0").build(),
                        p -> p.withRules(List.of(Rule.of("positive", "message.amout > 0.0"))),
                        "key: { field: orderId }\n    rules: [{ name: positive, expression: message.amout > 0.0 }]",
                        "rules[0].expression", null, "read a field the schema has, as message.<field>."),
                new Bad("a classification of a field the schema lacks", () -> valid().classify("mail", "PII").build(),
                        p -> p.withClassifications(Map.of("mail", "PII")),
                        "key: { field: orderId }\n    classifications: { mail: PII }", "classifications.mail",
                        "the classified field 'mail' is not a field of com.example.orders.OrderPlaced.",
                        "did you mean 'email'?"),
                new Bad("an unknown classification level", () -> valid().classify("amount", "SECRET").build(),
                        p -> p.withClassifications(Map.of("amount", "SECRET")),
                        "key: { field: orderId }\n    classifications: { amount: SECRET }", "classifications.amount",
                        "'SECRET' is not a classification level.",
                        "use one of PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED."),
                new Bad("an unknown clearance", () -> valid().grant("analytics", "INTERNL", "reporting").build(),
                        p -> p.toBuilder().grant("analytics", "INTERNL", "reporting").build(),
                        "key: { field: orderId }\n    grants: [{ domain: analytics, clearance: INTERNL, purpose: reporting }]",
                        "grants[0].clearance", "'INTERNL' is not a clearance level.",
                        "use one of PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED; did you mean 'INTERNAL'?"),
                new Bad("a grant without purpose", () -> valid().grant("analytics", "INTERNAL", " ").build(),
                        p -> p.toBuilder().grant("analytics", "INTERNAL", " ").build(),
                        "key: { field: orderId }\n    grants: [{ domain: analytics, clearance: INTERNAL, purpose: \" \" }]",
                        "grants[0].purpose", "the grant to 'analytics' has no purpose.",
                        "say why the domain reads the port; it is recorded for audit."),
                new Bad("an unknown topic config", () -> valid().topicConfig("retention.msx", "1").build(),
                        p -> p.withTopicConfigs(Map.of("retention.msx", "1")),
                        "key: { field: orderId }\n    config: { retention.msx: \"1\" }", "config.retention.msx",
                        "'retention.msx' is not a Kafka topic configuration.", "did you mean 'retention.ms'?"),
                new Bad("a zero freshness", () -> valid().freshness(Duration.ZERO).build(),
                        p -> p.withFreshness(Duration.ZERO), "key: { field: orderId }\n    slo: { freshness: PT0S }",
                        "slo.freshness", "the freshness objective is PT0S.",
                        "give a positive ISO-8601 duration such as PT5M."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void aBadSettingIsRefusedTheSameWayByTheBuilderWithXAndTheDescriptor(Bad bad) throws IOException {
        ValidationProblem built = onlyProblem(bad.builder());
        ValidationProblem copied = onlyProblem(() -> bad.with().apply(valid().build()));
        Files.writeString(dir.resolve("order.avsc"), SCHEMA);
        Path file = dir.resolve("data-product.yaml");
        Files.writeString(file, """
                domain: orders
                name: order-events
                owner: team-orders@example.com
                outputPorts:
                  - name: placed
                    version: 1
                    schema: order.avsc
                    %s
                """.formatted(bad.yaml()));
        ValidationProblem read = onlyProblem(() -> DataProductDescriptor.load(file).outputPort("placed"));

        assertThat(built.path()).isEqualTo(bad.path());
        if (bad.message() != null) {
            assertThat(built.message()).isEqualTo(bad.message());
        }
        assertThat(built.fix()).isEqualTo(bad.fix());
        assertThat(built.source()).isEqualTo(ValidationProblem.CODE);
        assertThat(copied).isEqualTo(built);
        assertThat(read).isEqualTo(ValidationProblem.of(file.toString(), "outputPorts[0]." + bad.path(),
                built.message(), built.fix()));
    }

    private static ValidationProblem onlyProblem(Supplier<?> build) {
        InvalidDataProductException e = catchThrowableOfType(InvalidDataProductException.class, build::get);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().get(0);
    }

    @Test
    void aProductLevelProblemIsRefusedTheSameWayByTheBuilderWithXAndTheDescriptor() throws IOException {
        ValidationProblem built = onlyProblem(() -> DataProduct.builder("Orders", "order-events")
                .owner("o").outputPort(port()).build());
        ValidationProblem copied = onlyProblem(() -> product().withDomain("Orders"));
        Files.writeString(dir.resolve("order.avsc"), SCHEMA);
        Path file = dir.resolve("data-product.yaml");
        Files.writeString(file, "domain: Orders\nname: order-events\nowner: o\noutputPorts:\n"
                + "  - { name: placed, version: 1, schema: order.avsc, key: { field: orderId } }\n");
        ValidationProblem read = onlyProblem(() -> DataProductDescriptor.load(file));

        assertThat(built).isEqualTo(ValidationProblem.of(ValidationProblem.CODE, "domain", "the domain name 'Orders' is"
                + " not lower case letters, digits and single hyphens starting with a letter.",
                "use a name such as 'orders'."));
        assertThat(copied).isEqualTo(built);
        assertThat(read).isEqualTo(ValidationProblem.of(file.toString(), "domain", built.message(), built.fix()));
    }

    @Test
    void rulesAreBoundedBeforeTheyAreCompiled() {
        OutputPort.Builder many = valid();
        for (int i = 0; i < 101; i++) {
            many.rule("r" + i, "true");
        }
        assertThat(onlyProblem(many::build)).isEqualTo(ValidationProblem.of(ValidationProblem.CODE, "rules",
                "the port has 101 rules; a port may have at most 100.",
                "keep the rules that matter, or combine related checks into one rule."));
        String expression = "true && ".repeat(600) + "true";
        assertThat(onlyProblem(() -> valid().rule("long", expression).build())).isEqualTo(ValidationProblem.of(
                ValidationProblem.CODE, "rules[0].expression", "rule 'long' has 4804 characters; an expression may"
                        + " have at most 4000.", "split it into several rules."));

        DataProduct.Builder product = DataProduct.builder("orders", "order-events").owner("o");
        for (int p = 0; p < 4; p++) {
            OutputPort.Builder port = OutputPort.builder("p" + (char) ('a' + p), 1).valueSchema(SCHEMA).keyField("orderId");
            for (int i = 0; i < 80; i++) {
                port.rule("r" + i, "true");
            }
            product.outputPort(port.build());
        }
        assertThat(onlyProblem(product::build).message()).startsWith("the ports have 320 rules with 1280 characters");
    }

    @Test
    void theSmallTypesCheckThemselvesWhenBuilt() {
        InvalidDataProductException grant = catchThrowableOfType(InvalidDataProductException.class,
                () -> Grant.of("Analytics", "INTERNL", ""));
        assertThat(grant.problems()).extracting(ValidationProblem::path).containsExactly("domain", "clearance", "purpose");
        assertThat(grant.getMessage()).startsWith("Grant to 'Analytics' has 3 problems:\n  1. <code>: domain: ");
        InvalidDataProductException key = catchThrowableOfType(InvalidDataProductException.class,
                () -> KeyDefinition.field("customer..id"));
        assertThat(key.problems()).singleElement().isEqualTo(ValidationProblem.of(ValidationProblem.CODE, "field",
                "the key field 'customer..id' is not a field path.",
                "write field names separated by single dots, e.g. orderId or customer.id."));
        InvalidDataProductException missing = catchThrowableOfType(InvalidDataProductException.class,
                () -> OutputPort.builder("placed", 1).build());
        assertThat(missing.problems()).extracting(ValidationProblem::path).containsExactly("schema", "key");
    }

    @Test
    void aProductReadFromItsDescriptorEqualsTheSameProductBuiltInCode() throws IOException {
        Files.writeString(dir.resolve("order.avsc"), SCHEMA);
        Path file = dir.resolve("data-product.yaml");
        Files.writeString(file, """
                domain: orders
                name: order-events
                owner: team-orders@example.com
                description: Orders as customers place them.
                tags: [sales]
                outputPorts:
                  - name: placed
                    version: 1
                    description: Placed orders.
                    schema: order.avsc
                    key: { field: orderId }
                    partitions: 6
                    replicationFactor: 3
                    config: { retention.ms: "604800000" }
                    compatibility: BACKWARD
                    onViolation: REJECT
                    rules: [{ name: positive-amount, expression: message.amount > 0.0 }]
                    classifications: { customerId: INTERNAL }
                    grants: [{ domain: analytics, clearance: INTERNAL, purpose: revenue reporting }]
                    slo: { freshness: PT5M }
                inputPorts:
                  - { port: customers.customer-profiles.profiles.v1, purpose: enrich }
                """);

        DataProduct read = DataProductDescriptor.load(file);

        assertThat(read).isEqualTo(product()).hasSameHashCodeAs(product());
        assertThat(read.toString()).contains("OutputPort[name=placed, majorVersion=1, valueSchema=com.example.orders.OrderPlaced");
    }
}

package io.meshstreams.product;

import io.meshstreams.registry.CompatibilityLevel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DataProductDescriptorTest {

    static final String ORDER_SCHEMA = """
            {"type": "record", "name": "OrderPlaced", "namespace": "com.example.orders",
             "fields": [
               {"name": "orderId", "type": "string"},
               {"name": "customerId", "type": "string"},
               {"name": "customerEmail", "type": "string", "classification": "PII"},
               {"name": "amount", "type": "double"},
               {"name": "currency", "type": "string"},
               {"name": "shipping", "type": ["null", {"type": "record", "name": "Address", "fields": [
                  {"name": "city", "type": "string", "confluent:tags": ["PII", "GDPR"]}]}], "default": null}
             ]}
            """;

    @TempDir
    Path dir;

    @Test
    void readsAValidDescriptorWithSchemaFilesRelativeToIt() throws IOException {
        Files.createDirectories(dir.resolve("schemas"));
        Files.writeString(dir.resolve("schemas/order-placed.avsc"), ORDER_SCHEMA);
        Path file = write("""
                apiVersion: mesh-streams/v1
                kind: DataProduct
                domain: orders
                name: order-events
                owner: team-orders@example.com
                description: Orders as customers place them.
                tags: [sales, orders]
                outputPorts:
                  - name: placed
                    version: 1
                    description: One record per placed order.
                    schema: schemas/order-placed.avsc
                    key: { field: orderId }
                    partitions: 6
                    replicationFactor: 1
                    config: { retention.ms: 604800000 }
                    compatibility: full_transitive
                    onViolation: reject
                    rules:
                      - name: positive-amount
                        expression: message.amount > 0
                        description: An order is for something.
                      - name: known-currency
                        expression: message.currency in ['EUR', 'USD']
                    classifications: { customerId: INTERNAL }
                    grants:
                      - { domain: analytics, clearance: INTERNAL, purpose: revenue reporting }
                    slo: { freshness: PT5M }
                inputPorts:
                  - port: customers.customer-profiles.profiles.v1
                    purpose: validate customers
                """);

        DataProduct product = DataProductDescriptor.load(file);

        assertThat(product.id()).isEqualTo("orders.order-events");
        assertThat(product.owner()).isEqualTo("team-orders@example.com");
        assertThat(product.tags()).containsExactly("sales", "orders");
        OutputPort port = product.outputPort("placed");
        assertThat(product.address(port).topic()).isEqualTo("orders.order-events.placed.v1");
        assertThat(port.valueSchema().getFullName()).isEqualTo("com.example.orders.OrderPlaced");
        assertThat(port.key()).isEqualTo(KeyDefinition.field("orderId"));
        assertThat(port.partitions()).isEqualTo(6);
        assertThat(port.replicationFactor()).contains((short) 1);
        assertThat(port.topicConfigs()).isEqualTo(Map.of("retention.ms", "604800000"));
        assertThat(port.compatibility()).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(port.onViolation()).isEqualTo(OnViolation.REJECT);
        assertThat(port.rules()).extracting(r -> r.name()).containsExactly("positive-amount", "known-currency");
        assertThat(port.classifications()).isEqualTo(Map.of(
                "customerEmail", "PII", "shipping.city", "PII", "customerId", "INTERNAL"));
        assertThat(port.grantFor("analytics")).contains(Grant.of("analytics", "INTERNAL", "revenue reporting"));
        assertThat(port.grantFor("marketing")).isEmpty();
        assertThat(port.freshness()).contains(Duration.ofMinutes(5));
        assertThat(product.inputPorts()).containsExactly(
                InputPort.of(PortAddress.parse("customers.customer-profiles.profiles.v1"), "validate customers"));
    }

    @Test
    void reportsEveryProblemOfTheFileAtOnceWithPathAndFix() throws IOException {
        Files.writeString(dir.resolve("order.avsc"), ORDER_SCHEMA);
        Files.writeString(dir.resolve("broken.avsc"), "{\"type\": \"record\", \"name\": \"X\", \"fields\": [{\"name\": \"a\"}]}");
        Path file = write("""
                apiVersion: mesh-streams/v1
                kind: DataProduct
                domain: Orders
                name: order-events
                owner: team-orders
                outputPorts:
                  - name: placed
                    version: 1
                    schema: order.avsc
                    key: { field: orderID }
                    parititons: 6
                    config: { retention.msx: "1" }
                    compatibility: SOMETIMES
                    classifications: { customerMail: PII }
                    grants:
                      - { domain: analytics, clearance: INTERNL, purpose: reporting }
                  - name: placed
                    version: 1
                    schema: order.avsc
                    key: { field: orderId }
                  - name: cancelled
                    version: 1
                    schema: missing.avsc
                    key: { field: orderId }
                  - name: refunded
                    version: 1
                    schema: broken.avsc
                    key: { field: orderId }
                """);

        InvalidDataProductException e = catchThrowableOfType(InvalidDataProductException.class,
                () -> DataProductDescriptor.load(file));

        String src = file.toString();
        assertThat(e.problems()).extracting(ValidationProblem::path, ValidationProblem::message).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("outputPorts[0].parititons", "'parititons' is not a known key here."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[0].compatibility", "'SOMETIMES' is not a compatibility level."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[2].schema",
                        "the schema file 'missing.avsc' does not exist (looked for " + dir.resolve("missing.avsc") + ")."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[3].schema",
                        "'broken.avsc' is not a valid Avro schema: No field type: {\"name\":\"a\"}."),
                org.assertj.core.groups.Tuple.tuple("domain",
                        "the domain name 'Orders' is not lower case letters, digits and single hyphens starting with a letter."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[1]", "port 'placed' v1 is declared twice."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[0].config.retention.msx",
                        "'retention.msx' is not a Kafka topic configuration."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[0].key.field",
                        "the key field 'orderID' is not a field of the value schema."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[0].classifications.customerMail",
                        "the classified field 'customerMail' is not a field of com.example.orders.OrderPlaced."),
                org.assertj.core.groups.Tuple.tuple("outputPorts[0].grants[0].clearance", "'INTERNL' is not a clearance level."));
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.source()).isEqualTo(src));
        assertThat(e.problems()).filteredOn(p -> p.path().endsWith("parititons"))
                .extracting(ValidationProblem::fix).containsExactly("did you mean 'partitions'?");
        assertThat(e.problems()).filteredOn(p -> p.path().endsWith("key.field"))
                .extracting(ValidationProblem::fix).containsExactly("did you mean 'orderId'?");
        assertThat(e.problems()).filteredOn(p -> p.path().endsWith("clearance"))
                .extracting(ValidationProblem::fix)
                .containsExactly("use one of PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED; did you mean 'INTERNAL'?");
        assertThat(e.problems()).filteredOn(p -> p.path().endsWith("retention.msx"))
                .extracting(ValidationProblem::fix).containsExactly("did you mean 'retention.ms'?");
        assertThat(e.getMessage()).startsWith("Data product Orders.order-events has 10 problems:\n  1. " + src + ": ");
    }

    @Test
    void hostileFilesGiveOneClearProblemNotACrash() throws IOException {
        assertThat(problemsOf("domain: [unclosed")).singleElement().satisfies(p ->
                assertThat(p.message()).startsWith("the file is not valid YAML at line 1, column"));
        assertThat(problemsOf("- just\n- a list")).singleElement().satisfies(p ->
                assertThat(p.message()).isEqualTo("the file is not a YAML mapping."));
        assertThat(problemsOf("")).singleElement().satisfies(p ->
                assertThat(p.message()).isEqualTo("the file is not a YAML mapping."));
        assertThat(problemsOf("domain: {a: 1}\nname: x\nowner: y\noutputPorts: 7"))
                .extracting(ValidationProblem::path)
                .containsExactlyInAnyOrder("domain", "outputPorts");
        assertThat(problemsOf("domain: d\nname: n\nowner: o\noutputPorts:\n  - name: p\n    version: one\n"
                + "    schema: ../../../../../../etc/passwd\n    key: { field: k }"))
                .extracting(ValidationProblem::path)
                .containsExactlyInAnyOrder("outputPorts[0].version", "outputPorts[0].schema");
        assertThat(catchThrowableOfType(InvalidDataProductException.class,
                () -> DataProductDescriptor.load(dir.resolve("nope.yaml"))).problems())
                .singleElement().satisfies(p -> assertThat(p.message()).isEqualTo("the file does not exist."));
    }

    @Test
    void untrustedTextIsReadWithinLimitsAndWithoutGuessing() throws IOException {
        String valid = "domain: orders\nname: order-events\nowner: o\noutputPorts:\n"
                + "  - { name: placed, version: 1, schema: order.avsc, key: { field: orderId } }\n";
        Files.writeString(dir.resolve("order.avsc"), ORDER_SCHEMA);
        assertThat(DataProductDescriptor.parse(valid, dir, "x.yaml").id()).isEqualTo("orders.order-events");

        assertThat(problemsOf(valid + "---\ndomain: evil\n")).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo("the file holds more than one YAML document (a second one starts here)"
                    + " at line 7, column 1.");
            assertThat(p.fix()).startsWith("keep one document");
        });
        assertThat(problemsOf(valid + "tags: [1, true]\n")).extracting(ValidationProblem::path, ValidationProblem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tags[0]", "a tag is a number (1), not text."),
                        org.assertj.core.groups.Tuple.tuple("tags[1]", "a tag is a boolean (true), not text."));

        Path file = write(valid);
        InvalidDataProductException small = catchThrowableOfType(InvalidDataProductException.class,
                () -> DataProductDescriptor.load(file, DescriptorOptions.defaults().withMaxDescriptorBytes(100)));
        assertThat(small.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .isEqualTo("the file is larger than 100 bytes, the limit for a descriptor."));
        assertThat(catchThrowableOfType(InvalidDataProductException.class, () -> DataProductDescriptor.parse(valid, dir,
                "x.yaml", DescriptorOptions.defaults().withMaxDescriptorBytes(100))).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("the descriptor is longer than 100 bytes"));
        assertThat(catchThrowableOfType(InvalidDataProductException.class, () -> DataProductDescriptor.load(file,
                DescriptorOptions.defaults().withMaxSchemaBytes(10))).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("the schema file 'order.avsc' is larger than 10 bytes,"
                        + " the limit for a schema file."));

        StringBuilder many = new StringBuilder(valid);
        for (int i = 0; i < 5_000; i++) {
            many.append("unknown").append(i).append(": x\n");
        }
        assertThat(problemsOf(many.toString())).hasSize(101).last().satisfies(p ->
                assertThat(p.message()).isEqualTo("there are more problems; these are the first 100."));
    }

    @Test
    void readsADescriptorAndItsSchemasInsideAJar() throws IOException {
        Path jar = dir.resolve("domains.jar");
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(jar, Map.of("create", "true"))) {
            Files.createDirectories(zip.getPath("/domains/orders/schemas"));
            Files.writeString(zip.getPath("/domains/orders/schemas/order.avsc"), ORDER_SCHEMA);
            Files.writeString(zip.getPath("/domains/orders/data-product.yaml"), "domain: orders\nname: order-events\n"
                    + "owner: o\noutputPorts:\n  - { name: placed, version: 1, schema: schemas/order.avsc,"
                    + " key: { field: orderId } }\n");
        }
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(jar)) {
            assertThat(DataProductDescriptor.load(zip.getPath("/domains/orders/data-product.yaml")).outputPort("placed")
                    .valueSchema().getName()).isEqualTo("OrderPlaced");
        }
    }

    @Test
    void aCatalogEntryCarriesItsSchemasInlineAndNamesNoFile() {
        String entry = "{\"domain\": \"orders\", \"name\": \"order-events\", \"owner\": \"o\", \"outputPorts\": [{"
                + "\"name\": \"placed\", \"version\": 1, \"schema\": \"/etc/passwd\", \"key\": {\"field\": \"orderId\"}}]}";

        InvalidDataProductException e = catchThrowableOfType(InvalidDataProductException.class,
                () -> io.meshstreams.internal.product.DescriptorReader.readInline(entry, "_mesh-catalog@7"));

        assertThat(e.problems()).extracting(ValidationProblem::path, ValidationProblem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("outputPorts[0].schema",
                        "the schema is a file name, but this descriptor's schemas are inline."));
    }

    @Test
    void aProductBuiltInCodeIsValidatedTheSameWay() {
        InvalidDataProductException port = catchThrowableOfType(InvalidDataProductException.class, () ->
                OutputPort.builder("placed", 1)
                        .valueSchema(ORDER_SCHEMA)
                        .keyField("shipping")
                        .partitions(0)
                        .grant("orders", "PII", "")
                        .build());

        assertThat(port.problems()).extracting(ValidationProblem::source).containsOnly(ValidationProblem.CODE);
        assertThat(port.problems()).extracting(ValidationProblem::path).containsExactly(
                "grants[0].purpose", "partitions", "key.field", "key.field");
        assertThat(port.getMessage()).startsWith("Output port 'placed' v1 has 4 problems:\n  1. <code>: grants[0].purpose: ");

        InvalidDataProductException product = catchThrowableOfType(InvalidDataProductException.class, () ->
                DataProduct.builder("orders", "order_events")
                        .outputPort(OutputPort.builder("placed", 1).valueSchema(ORDER_SCHEMA).keyField("orderId")
                                .grant("orders", "PII", "audit").build())
                        .build());

        assertThat(product.problems()).extracting(ValidationProblem::path).containsExactly(
                "name", "owner", "outputPorts[0].grants[0].domain");
        assertThat(product.problems().get(0).fix()).isEqualTo("use a name such as 'order-events'.");
    }

    @Test
    void portAddressesParseAndDeriveTopicsAndSubjects() {
        PortAddress address = PortAddress.parse("orders.order-events.placed.v2");

        assertThat(address).isEqualTo(PortAddress.of("orders", "order-events", "placed", 2));
        assertThat(address.valueSubject()).isEqualTo("orders.order-events.placed.v2-value");
        assertThat(address.keySubject()).isEqualTo("orders.order-events.placed.v2-key");
        assertThat(address.quarantineTopic()).isEqualTo("orders.order-events.placed.v2.quarantine");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> PortAddress.parse("orders.placed")))
                .hasMessage("'orders.placed' is not a port address; expected domain.product.port.vMAJOR,"
                        + " e.g. orders.order-events.placed.v1");
        assertThat(Optional.of(address.withMajorVersion(3).topic())).contains("orders.order-events.placed.v3");
    }

    private java.util.List<ValidationProblem> problemsOf(String yaml) {
        return catchThrowableOfType(InvalidDataProductException.class,
                () -> DataProductDescriptor.parse(yaml, dir, "x.yaml")).problems();
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("data-product.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}

package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.MeshException;
import io.meshstreams.contract.Violation;
import io.meshstreams.governance.AccessDeniedException;
import io.meshstreams.it.orders.OrderPlaced;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.ContractHeader;
import io.meshstreams.publish.ContractViolationException;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.publish.PublisherStats;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@MeshTest
class PortPublisherIT {
    static final int RECORDS = 10_000;
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger PRODUCTS = new AtomicInteger();
    static MeshClient orders;

    @BeforeAll
    static void client(TestMesh mesh) {
        orders = MeshClient.create(with(mesh, "orders"));
    }

    @AfterAll
    static void close() {
        orders.close();
    }

    /** The hash key every domain of the test mesh shares. */
    static final String HASH_KEY = "1f2e3d4c5b6a79880f1e2d3c4b5a69781f2e3d4c5b6a79880f1e2d3c4b5a6978";

    static Map<String, Object> with(TestMesh mesh, String domain) {
        Map<String, Object> config = mesh.clientConfig();
        config.put("mesh.domain", domain);
        config.put("mesh.masking.hash.key", HASH_KEY);
        return config;
    }

    static DataProduct provisioned(OnViolation onViolation) {
        DataProduct product = Orders.product("order-events-" + PRODUCTS.incrementAndGet(), onViolation);
        orders.provision(product);
        return product;
    }

    @Test
    void inQuarantineModeTenThousandRecordsOfWhich500BreakRulesGive9500OnThePortAnd500InQuarantine(TestMesh mesh)
            throws Exception {
        DataProduct product = provisioned(OnViolation.QUARANTINE);
        PortAddress port = product.address(product.outputPort("placed"));
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(product.address(product.outputPort("placed")))) {
            for (int i = 0; i < RECORDS; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("traceparent", traceparent(i).getBytes(StandardCharsets.UTF_8));
                results.add(publisher.publishAsync(PortRecord.<String, GenericRecord>of(Orders.orderWithViolations(i))
                        .withHeaders(headers)));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();

            assertThat(publisher.stats()).isEqualTo(new PublisherStats(9_500, 500, 0, 0));
        }
        Map<PublishResult.Outcome, Long> outcomes = results.stream().map(CompletableFuture::join)
                .collect(Collectors.groupingBy(PublishResult::outcome, Collectors.counting()));
        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of(
                PublishResult.Outcome.PUBLISHED, 9_500L, PublishResult.Outcome.QUARANTINED, 500L));

        // the port: a plain Kafka consumer with the platform serde reads it
        List<ConsumerRecord<String, GenericRecord>> published = Topics.readAll(mesh, port.topic(),
                new StringDeserializer(), new AvroDeserializer<>(orders.registry()), 9_500);
        assertThat(published).hasSize(9_500);
        int schemaId = orders.registry().latestVersion(port.valueSubject()).id();
        assertThat(published).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo(record.value().get("orderId").toString());
            // no contract header by default: the topic, the schema id in the value and the owner say it already
            assertThat(record.headers().lastHeader(ContractHeader.KEY)).isNull();
            assertThat(record.headers().toArray()).extracting(h -> h.key()).containsExactly("traceparent");
            assertThat(Topics.header(record, "traceparent")).startsWith("00-").endsWith("-01");
            assertThat((double) record.value().get("amount")).isPositive();
        });

        // the quarantine: exactly the 500 broken records, decodable, with headers naming port, contract and violations
        // (the contract header too, even though the port's records go without it: it helps the owner triage)
        List<ConsumerRecord<String, GenericRecord>> quarantined = Topics.readAll(mesh, port.quarantineTopic(),
                new StringDeserializer(), new AvroDeserializer<>(orders.registry()), 500);
        assertThat(quarantined).hasSize(500);
        assertThat(quarantined).extracting(ConsumerRecord::key).doesNotHaveDuplicates()
                .allMatch(key -> Integer.parseInt(key.substring(2)) % 20 == 0);
        assertThat(quarantined).allSatisfy(record -> {
            int i = Integer.parseInt(record.key().substring(2));
            assertThat(record.value()).isEqualTo(Orders.orderWithViolations(i));
            assertThat(Topics.header(record, "mesh.port")).isEqualTo(port.topic());
            assertThat(Topics.header(record, "mesh")).isEqualTo("1.1;" + schemaId + ";orders");
            assertThat(Topics.header(record, "mesh.quarantine.format")).isEqualTo("avro");
            assertThat(Topics.header(record, "traceparent")).isEqualTo(traceparent(i));
            List<String> rules = i % 40 == 0 ? List.of("positive-amount", "known-currency") : List.of("positive-amount");
            assertThat(Topics.header(record, "mesh.violation.count")).isEqualTo(String.valueOf(rules.size()));
            assertThat(Topics.header(record, "mesh.violation.rules")).isEqualTo(String.join(",", rules));
            JsonNode violations = parse(Topics.header(record, "mesh.violations"));
            assertThat(violations).hasSize(rules.size());
            assertThat(violations.get(0).get("type").asText()).isEqualTo("RULE");
            assertThat(violations.get(0).get("rule").asText()).isEqualTo("positive-amount");
            assertThat(violations.get(0).get("field").asText()).isEqualTo("amount");
            assertThat(violations.get(0).get("message").asText()).contains("-1.0");
        });
    }

    @Test
    void withTheContractHeaderOptionEveryRecordOnThePortCarriesItAfterTheCallersHeaders(TestMesh mesh) {
        DataProduct product = provisioned(OnViolation.QUARANTINE);
        PortAddress port = product.address(product.outputPort("placed"));
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(port, GenericRecord.class,
                PublisherOptions.named("with-contract").withContractHeader())) {
            List<CompletableFuture<PublishResult>> results = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("traceparent", traceparent(i).getBytes(StandardCharsets.UTF_8));
                PortRecord<String, GenericRecord> record = PortRecord.of(Orders.order(i));
                results.add(publisher.publishAsync(i % 2 == 0 ? record.withHeaders(headers) : record));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(100, 0, 0, 0));
        }

        int schemaId = orders.registry().latestVersion(port.valueSubject()).id();
        List<ConsumerRecord<String, GenericRecord>> published = Topics.readAll(mesh, port.topic(),
                new StringDeserializer(), new AvroDeserializer<>(orders.registry()), 100);
        assertThat(published).hasSize(100).allSatisfy(record -> {
            int i = Integer.parseInt(record.key().substring(2));
            assertThat(ContractHeader.of(record.headers())).contains(new ContractHeader(1, 1, schemaId, "orders"));
            assertThat(record.headers().toArray()).extracting(h -> h.key())
                    .containsExactlyElementsOf(i % 2 == 0 ? List.of("traceparent", "mesh") : List.of("mesh"));
        });
    }

    @Test
    void inRejectModeEachOfThe500BrokenRecordsFailsWithEveryViolationAndNothingOfThemIsSent(TestMesh mesh) {
        DataProduct product = provisioned(OnViolation.REJECT);
        PortAddress port = product.address(product.outputPort("placed"));
        List<CompletableFuture<PublishResult>> results = new ArrayList<>();
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(product.address(product.outputPort("placed")))) {
            for (int i = 0; i < RECORDS; i++) {
                results.add(publisher.publishAsync(Orders.orderWithViolations(i)));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(9_500, 0, 500, 0));

            ContractViolationException sync = catchThrowableOfType(ContractViolationException.class,
                    () -> publisher.publish(Orders.orderWithViolations(40)));
            assertThat(sync.violations()).extracting(Violation::rule).containsExactly("positive-amount", "known-currency");
            assertThat(sync.getMessage()).startsWith("Record rejected by the contract of port " + port + ": 2 violations")
                    .contains("RULE positive-amount [amount]").contains("RULE known-currency [currency]").contains("XXX");
        }
        List<ContractViolationException> rejections = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            try {
                results.get(i).join();
            } catch (CompletionException e) {
                rejections.add((ContractViolationException) e.getCause());
                assertThat(i % 20).isZero();
            }
        }
        assertThat(rejections).hasSize(500);
        assertThat(rejections.stream().filter(e -> e.violations().size() == 2)).hasSize(250);
        assertThat(Topics.readAllRaw(mesh, port.topic(), 9_500)).hasSize(9_500);
        assertThat(Topics.readAllRaw(mesh, port.quarantineTopic(), 0)).isEmpty();
    }

    @Test
    void aRecordThatBreaksItsSchemaOrKeyIsReportedFieldByFieldWithEveryViolation() {
        DataProduct product = provisioned(OnViolation.REJECT);
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(product.address(product.outputPort("placed")))) {
            GenericRecord broken = Orders.order(1);
            broken.put("orderId", null);
            broken.put("quantity", "three");
            broken.put("currency", null);

            ContractViolationException e = catchThrowableOfType(ContractViolationException.class,
                    () -> publisher.publish(broken));

            assertThat(e.violations()).extracting(Violation::type, Violation::field).contains(
                    org.assertj.core.groups.Tuple.tuple("KEY", ""),
                    org.assertj.core.groups.Tuple.tuple("SCHEMA", "orderId"),
                    org.assertj.core.groups.Tuple.tuple("SCHEMA", "currency"),
                    org.assertj.core.groups.Tuple.tuple("SCHEMA", "quantity"));
            assertThat(e.violations()).filteredOn(v -> v.field().equals("quantity")).first()
                    .extracting(Violation::message).asString().contains("expected int, found String 'three'");
            ContractViolationException wrongKey = catchThrowableOfType(ContractViolationException.class,
                    () -> publisher.publish("other-key", Orders.order(2)));
            assertThat(wrongKey.violations()).singleElement().satisfies(v -> {
                assertThat(v.type()).isEqualTo(Violation.KEY);
                assertThat(v.message()).contains("'other-key'").contains("'o-2'");
            });
        }
    }

    @Test
    void generatedSpecificRecordsArePublishedAndCheckedLikeGenericOnes(TestMesh mesh) {
        DataProduct product = provisioned(OnViolation.REJECT);
        try (PortPublisher<String, OrderPlaced> publisher = orders.publisher(product.address(product.outputPort("placed")), OrderPlaced.class)) {
            OrderPlaced good = OrderPlaced.newBuilder().setOrderId("o-1").setCustomerId("c-1")
                    .setCustomerEmail("a@example.com").setAmount(5).setCurrency("USD").setQuantity(1).setSku("s")
                    .setChannel("web").setPlacedAt(1L).build();
            assertThat(publisher.publish(good).isPublished()).isTrue();
            OrderPlaced bad = OrderPlaced.newBuilder(good).setAmount(0).build();
            assertThat(catchThrowableOfType(ContractViolationException.class, () -> publisher.publish(bad)).violations())
                    .extracting(Violation::rule).containsExactly("positive-amount");
        }
    }

    @Test
    void aTransactionalPublisherCommitsOrAbortsEverythingItPublishedTogether(TestMesh mesh) {
        DataProduct product = provisioned(OnViolation.QUARANTINE);
        PortAddress port = product.address(product.outputPort("placed"));
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(port,
                GenericRecord.class, PublisherOptions.named("tx").withTransactionalId("orders-tx-" + port.topic()))) {
            publisher.transaction(p -> {
                for (int i = 1; i <= 10; i++) {
                    p.publishAsync(Orders.orderWithViolations(i));
                }
            });
            RuntimeException boom = new IllegalStateException("boom");
            assertThat(catchThrowableOfType(IllegalStateException.class, () -> publisher.transaction(p -> {
                p.publishAsync(Orders.order(100));
                p.publishAsync(Orders.orderWithViolations(120));
                throw boom;
            }))).isSameAs(boom);
            assertThat(catchThrowableOfType(IllegalStateException.class, () -> publisher.publish(Orders.order(1))))
                    .hasMessageContaining("transactional: publish inside publisher.transaction");

            assertThat(publisher.stats()).isEqualTo(new PublisherStats(10, 0, 0, 2));
        }
        assertThat(Topics.readAllRaw(mesh, port.topic(), 10)).hasSize(10);
        assertThat(Topics.readAllRaw(mesh, port.quarantineTopic(), 0)).isEmpty();
    }

    @Test
    void aDomainCannotPublishOnAnotherDomainsPortNorOnAPortThatIsNotProvisioned(TestMesh mesh) {
        DataProduct product = provisioned(OnViolation.QUARANTINE);
        PortAddress placed = product.address(product.outputPort("placed"));
        try (MeshClient analytics = MeshClient.create(with(mesh, "analytics"))) {
            AccessDeniedException denied = catchThrowableOfType(AccessDeniedException.class,
                    () -> analytics.publisher(placed));
            assertThat(denied).hasMessageStartingWith("Domain 'analytics' cannot publish on " + placed
                    + ": the port belongs to domain 'orders'.");
            assertThat(catchThrowableOfType(AccessDeniedException.class, () -> analytics.provision(product)))
                    .hasMessageContaining("it belongs to domain 'orders'");
        }
        // the address names the major version: one that was never provisioned is refused, naming those that were
        assertThat(catchThrowableOfType(MeshException.class, () -> orders.publisher(placed.withMajorVersion(2))))
                .hasMessageStartingWith("Port " + placed.withMajorVersion(2) + " is not in the catalog")
                .hasMessageContaining("Provisioned ports of " + placed.productId() + ": [" + placed.topic() + "]");
        DataProduct never = Orders.product("never-provisioned", OnViolation.QUARANTINE);
        assertThat(catchThrowableOfType(MeshException.class,
                () -> orders.publisher(never.address(never.outputPort("placed")).topic())))
                .hasMessageContaining("is not in the catalog").hasMessageContaining("Provisioned ports of "
                        + never.id() + ": none");
    }

    @Test
    void aPublisherByAddressHoldsRecordsToTheContractTheCatalogHolds(TestMesh mesh) {
        // given a provisioned product
        DataProduct product = provisioned(OnViolation.REJECT);
        PortAddress placed = product.address(product.outputPort("placed"));

        // when publishing by address
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(placed.topic())) {
            assertThat(publisher.port()).isEqualTo(placed);
            // then the catalog's rules apply (record 0 breaks two of them)
            assertThat(catchThrowableOfType(ContractViolationException.class,
                    () -> publisher.publish(Orders.orderWithViolations(0)))).hasMessageContaining("positive-amount");
            assertThat(publisher.publish(Orders.orderWithViolations(1)).outcome())
                    .isEqualTo(PublishResult.Outcome.PUBLISHED);
        }
    }

    static String traceparent(int i) {
        return String.format("00-%032x-%016x-01", i + 1, i + 1);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

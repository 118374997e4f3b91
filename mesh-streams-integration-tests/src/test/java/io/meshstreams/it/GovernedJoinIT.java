package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.governance.AccessDeniedException;
import io.meshstreams.governance.FieldMasker;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.streams.CoPartitioning;
import io.meshstreams.streams.CoPartitioningException;
import io.meshstreams.streams.GovernedStreamsBuilder;
import io.meshstreams.streams.GovernedTopology;
import io.meshstreams.streams.PortJoined;
import io.meshstreams.streams.PortProduced;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@MeshTest
class GovernedJoinIT {
    static final int CUSTOMERS = 100;
    static MeshClient orders;
    static MeshClient customers;
    static MeshClient analytics;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void clients(TestMesh mesh) {
        orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"));
        customers = MeshClient.create(PortPublisherIT.with(mesh, "customers"));
        analytics = MeshClient.create(PortPublisherIT.with(mesh, "analytics"));
    }

    @AfterAll
    static void close() {
        analytics.close();
        customers.close();
        orders.close();
    }

    /** Customers (3 partitions) and orders (6 partitions), provisioned and published. */
    record World(DataProduct customers, DataProduct orders, DataProduct analytics, PortAddress customerPort,
                 PortAddress orderPort, PortAddress output) {
    }

    static World world(TestMesh mesh, int orderCount, boolean ordersByCustomer) {
        String suffix = mesh.uniqueTopic("w");
        DataProduct customerProduct = Enrichment.customers("profiles-" + suffix, 3);
        DataProduct orderProduct = Enrichment.orders("orders-" + suffix, 6, ordersByCustomer);
        PortAddress customerPort = customerProduct.address(customerProduct.outputPort("profiles"));
        PortAddress orderPort = orderProduct.address(orderProduct.outputPort("placed"));
        DataProduct analyticsProduct = Enrichment.analytics("enriched-" + suffix, customerPort, orderPort);
        customers.provision(customerProduct);
        orders.provision(orderProduct);
        analytics.provision(analyticsProduct);
        try (PortPublisher<String, GenericRecord> publisher = customers.publisher(customerProduct.address(customerProduct.outputPort("profiles")))) {
            for (int i = 0; i < CUSTOMERS; i++) {
                publisher.publishAsync(Enrichment.customer(i));
            }
            publisher.flush();
        }
        publishOrders(orderProduct, 0, orderCount);
        return new World(customerProduct, orderProduct, analyticsProduct, customerPort, orderPort,
                analyticsProduct.address(analyticsProduct.outputPort("enriched-orders")));
    }

    static void publishOrders(DataProduct product, int from, int to) {
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(product.address(product.outputPort("placed")))) {
            for (int i = from; i < to; i++) {
                publisher.publishAsync(Orders.order(i));
            }
            publisher.flush();
        }
    }

    static GovernedTopology topology(World world, String application, boolean rekey, CoPartitioning policy) {
        GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, application);
        KStream<String, GenericRecord> orderStream = builder.stream(world.orderPort().topic());
        KTable<String, GenericRecord> customerTable = builder.table(world.customerPort().topic());
        PortJoined joined = PortJoined.as("orders-with-customers").withCoPartitioning(policy);
        KStream<String, GenericRecord> enriched = builder.join(orderStream, customerTable, Enrichment::enrich,
                rekey ? joined.withRekeyByField("customerId") : joined);
        builder.to(enriched, world.analytics().address(world.analytics().outputPort("enriched-orders")), PortProduced.as("publish-enriched"));
        return builder.build();
    }

    static Map<String, Object> streamsOverrides(String name) {
        return Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1,
                StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    }

    @Test
    void aDomainWithoutAGrantCannotEvenBuildTheTopology(TestMesh mesh) {
        World world = world(mesh, 0, false);
        try (MeshClient marketing = MeshClient.create(PortPublisherIT.with(mesh, "marketing"))) {
            GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(marketing, "campaigns");

            AccessDeniedException denied = catchThrowableOfType(AccessDeniedException.class,
                    () -> builder.table(world.customerPort().topic()));

            assertThat(denied).hasMessageStartingWith("Domain 'marketing' holds no grant on " + world.customerPort() + ".")
                    .hasMessageContaining("team-customers@example.com")
                    .hasMessageContaining("Domains granted today: [analytics]");
        }
    }

    @Test
    void ordersOnSixPartitionsJoinCustomersOnThreeWithPiiHashedEverywhereAndEqualToAReference(TestMesh mesh) {
        int count = 2_000;
        World world = world(mesh, count, false);
        GovernedTopology topology = topology(world, "enrich-" + mesh.uniqueTopic("a"), true, CoPartitioning.REPARTITION);
        assertThat(topology.lineage()).containsEntry(world.output(), Set.of(world.orderPort(), world.customerPort()));

        try (KafkaStreams streams = topology.start(streamsOverrides("reference"))) {
            List<ConsumerRecord<String, GenericRecord>> output = Topics.readUntil(mesh, world.output().topic(),
                    new StringDeserializer(), new AvroDeserializer<>(analytics.registry()),
                    records -> records.size() >= count * 9 / 10, true, Duration.ofSeconds(120));
            List<ConsumerRecord<String, GenericRecord>> quarantined = Topics.readAll(mesh,
                    world.output().quarantineTopic(), new StringDeserializer(), new AvroDeserializer<>(analytics.registry()),
                    count / 10);

            // exactly the reference: every order with its customer, masked with the mesh's key
            Map<String, GenericRecord> reference = reference(count);
            assertThat(output).hasSize(count * 9 / 10);
            assertThat(quarantined).hasSize(count / 10);
            Map<String, GenericRecord> actual = new HashMap<>();
            output.forEach(r -> actual.put(r.key(), r.value()));
            quarantined.forEach(r -> actual.put(r.key(), r.value()));
            assertThat(actual).isEqualTo(reference);
            assertThat(quarantined).allSatisfy(r -> {
                assertThat(Topics.header(r, "mesh.violation.rules")).isEqualTo("known-country");
                assertThat(Topics.header(r, "mesh")).startsWith("1.1;").endsWith(";analytics");
                assertThat(r.value().get("customerCountry")).hasToString("");
            });
            assertThat(output).allSatisfy(r -> {
                // as publishers by default, the topology writes no contract header on the port (quarantine has it)
                assertThat(r.headers().lastHeader("mesh")).isNull();
            });

            // no clear name or email in any byte of the output, its quarantine, or the topology's internal topics
            Set<String> secrets = new HashSet<>();
            for (int i = 0; i < CUSTOMERS; i++) {
                secrets.add("Customer Name " + i);
                secrets.add("customer" + i + "@example.com");
            }
            Set<String> scanned = mesh.admin().listTopics().names().get().stream()
                    .filter(t -> t.equals(world.output().topic()) || t.equals(world.output().quarantineTopic())
                            || t.startsWith(topology.applicationId()))
                    .collect(Collectors.toSet());
            assertThat(scanned).contains(world.output().topic(), world.output().quarantineTopic())
                    .anyMatch(t -> t.endsWith("-repartition")).anyMatch(t -> t.endsWith("-changelog"));
            for (String topic : scanned) {
                for (ConsumerRecord<byte[], byte[]> record : Topics.readAllRaw(mesh, topic, 0)) {
                    String bytes = text(record);
                    assertThat(secrets).as("clear PII in %s", topic).noneMatch(bytes::contains);
                }
            }
            assertThat(analytics.catalog().lineage(world.output())).get()
                    .extracting(ProductCatalog.Lineage::inputs).asList()
                    .containsExactlyInAnyOrder(world.orderPort(), world.customerPort());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void portsKeyedAlikeButPartitionedDifferentlyAreRepartitionedOrRefusedWithTheCounts(TestMesh mesh) {
        int count = 600;
        World world = world(mesh, count, true);

        CoPartitioningException refused = catchThrowableOfType(CoPartitioningException.class,
                () -> topology(world, "refuse-" + mesh.uniqueTopic("r"), false, CoPartitioning.REFUSE));
        assertThat(refused).hasMessageContaining(world.orderPort().topic() + " has 6 partitions")
                .hasMessageContaining(world.customerPort().topic() + " has 3 partitions")
                .hasMessageContaining("Ways out: (1)").hasMessageContaining("(2)").hasMessageContaining("(3)");

        GovernedTopology topology = topology(world, "repartition-" + mesh.uniqueTopic("p"), false, CoPartitioning.REPARTITION);
        try (KafkaStreams streams = topology.start(streamsOverrides("repartition"))) {
            List<ConsumerRecord<String, GenericRecord>> output = Topics.readUntil(mesh, world.output().topic(),
                    new StringDeserializer(), new AvroDeserializer<>(analytics.registry()),
                    records -> records.size() >= count * 9 / 10, true, Duration.ofSeconds(120));
            Map<String, GenericRecord> reference = reference(count);
            assertThat(output).hasSize(count * 9 / 10).allSatisfy(r ->
                    assertThat(r.value()).isEqualTo(reference.get(r.value().get("orderId").toString())));
        }
    }

    @Test
    void stoppedMidRunAndStartedAgainTheOutputHasNoDuplicatesAndNoGaps(TestMesh mesh) throws Exception {
        int count = 20_000;
        World world = world(mesh, 0, false);
        String application = "restart-" + mesh.uniqueTopic("x");
        int expectedOnPort = count * 9 / 10;
        publishOrders(world.orders(), 0, 10_000);
        try (KafkaStreams first = topology(world, application, true, CoPartitioning.REPARTITION)
                .start(streamsOverrides("restart"))) {
            Topics.awaitRaw(mesh, world.output().topic(), 1_000, Duration.ofSeconds(120));
            publishOrders(world.orders(), 10_000, 15_000); // arrives while the application runs ...
        } // ... which is closed mid-run
        int afterFirst = Topics.readAllRaw(mesh, world.output().topic(), 0).size();
        assertThat(afterFirst).isBetween(1_000, 15_000 * 9 / 10);
        publishOrders(world.orders(), 15_000, count); // arrives while the application is down

        try (KafkaStreams second = topology(world, application, true, CoPartitioning.REPARTITION)
                .start(streamsOverrides("restart"))) {
            List<ConsumerRecord<byte[], byte[]>> output = Topics.readUntil(mesh, world.output().topic(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), records -> records.size() >= expectedOnPort,
                    true, Duration.ofSeconds(180));
            List<ConsumerRecord<byte[], byte[]>> quarantined = Topics.readAllRaw(mesh, world.output().quarantineTopic(),
                    count / 10);

            Set<String> keys = output.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
            assertThat(output).as("no duplicates").hasSize(keys.size());
            assertThat(output).hasSize(expectedOnPort);
            assertThat(quarantined).hasSize(count / 10);
            Set<String> all = new HashSet<>(keys);
            quarantined.forEach(r -> all.add(new String(r.key(), StandardCharsets.UTF_8)));
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < count; i++) {
                expected.add("o-" + i);
            }
            assertThat(all).as("no gaps").isEqualTo(expected);
        }
    }

    @Test
    void aPoisonPillGoesToTheDeadLetterTopicAndProcessingGoesOn(TestMesh mesh) throws Exception {
        World world = world(mesh, 100, false);
        GovernedTopology topology = topology(world, "poison-" + mesh.uniqueTopic("q"), true, CoPartitioning.REPARTITION);
        try (KafkaProducer<byte[], byte[]> outsider = new KafkaProducer<>(mesh.clientConfig(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            outsider.send(new ProducerRecord<>(world.orderPort().topic(), "o-poison".getBytes(StandardCharsets.UTF_8),
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
        }
        publishOrders(world.orders(), 100, 200);
        try (KafkaStreams streams = topology.start(streamsOverrides("poison"))) {
            Topics.awaitRaw(mesh, world.output().topic(), 180, Duration.ofSeconds(120));
            Topics.awaitRaw(mesh, world.output().quarantineTopic(), 20, Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> dead = Topics.awaitRaw(mesh, topology.deadLetterTopic(), 1,
                    Duration.ofSeconds(60));
            // analytics reads orders masked: the dead letter points at the record and holds none of its bytes
            assertThat(dead).anySatisfy(r -> {
                assertThat(Topics.header(r, "__streams.errors.topic")).isEqualTo(world.orderPort().topic());
                assertThat(Topics.header(r, "mesh.dead-letter.payload")).isEqualTo("omitted-classified");
                assertThat(r.key()).isNull();
                assertThat(r.value()).isNull();
            });
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** The expected output: every order enriched with its customer, the customer's PII hashed with the mesh key. */
    static Map<String, GenericRecord> reference(int count) {
        FieldMasker masker = FieldMasker.create(Enrichment.CUSTOMER, Map.of(), "INTERNAL", analytics.maskingRules());
        Map<String, GenericRecord> expected = new HashMap<>();
        for (int i = 0; i < count; i++) {
            GenericRecord order = Orders.order(i);
            GenericRecord customer = masker.mask(Enrichment.customer(i % CUSTOMERS));
            expected.put("o-" + i, Enrichment.enrich(order, customer));
        }
        return expected;
    }

    static String text(ConsumerRecord<byte[], byte[]> record) {
        StringBuilder text = new StringBuilder();
        if (record.key() != null) {
            text.append(new String(record.key(), StandardCharsets.ISO_8859_1));
        }
        if (record.value() != null) {
            text.append('\n').append(new String(record.value(), StandardCharsets.ISO_8859_1));
        }
        for (Header header : record.headers()) {
            text.append('\n').append(header.key()).append('=').append(new String(header.value(), StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }
}

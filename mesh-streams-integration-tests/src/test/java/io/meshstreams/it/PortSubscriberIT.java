package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.governance.AccessDeniedException;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.ContractHeader;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.subscribe.OnUndecodable;
import io.meshstreams.subscribe.PortMessage;
import io.meshstreams.subscribe.PortSubscriber;
import io.meshstreams.subscribe.SubscriberOptions;
import io.meshstreams.subscribe.SubscriberStats;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

@MeshTest
class PortSubscriberIT {
    static MeshClient orders;
    static MeshClient analytics;
    static DataProduct product;
    static PortAddress port;

    @BeforeAll
    static void publishOrders(TestMesh mesh) throws Exception {
        orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"));
        analytics = MeshClient.create(PortPublisherIT.with(mesh, "analytics"));
        product = Orders.product(mesh.uniqueTopic("subscribed"), OnViolation.QUARANTINE);
        orders.provision(product);
        port = product.address(product.outputPort("placed"));
        // odd orders with the contract header, even ones without (the default): subscribers read both alike
        try (PortPublisher<String, GenericRecord> publisher = orders.publisher(port);
             PortPublisher<String, GenericRecord> withContract = orders.publisher(port, GenericRecord.class,
                     PublisherOptions.named("orders-with-contract").withContractHeader());
             KafkaProducer<byte[], byte[]> outsider = new KafkaProducer<>(mesh.clientConfig(), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            for (int i = 1; i <= 100; i++) {
                (i % 2 == 1 ? withContract : publisher).publish(Orders.order(i));
                if (i % 25 == 0) { // a poison pill from a producer outside the mesh
                    outsider.send(new ProducerRecord<>(port.topic(), ("poison-" + i).getBytes(StandardCharsets.UTF_8),
                            "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
                }
            }
        }
    }

    @AfterAll
    static void close() {
        analytics.close();
        orders.close();
    }

    @Test
    void aDomainWithoutAGrantCannotSubscribeAndIsToldHowToGetOne(TestMesh mesh) {
        try (MeshClient marketing = MeshClient.create(PortPublisherIT.with(mesh, "marketing"))) {
            AccessDeniedException denied = catchThrowableOfType(AccessDeniedException.class,
                    () -> marketing.subscriber(port, SubscriberOptions.named("campaigns")));

            assertThat(denied.domain()).isEqualTo("marketing");
            assertThat(denied.port()).isEqualTo(port);
            assertThat(denied).hasMessageStartingWith("Domain 'marketing' holds no grant on " + port + ".")
                    .hasMessageContaining("team-orders@example.com")
                    .hasMessageContaining("- { domain: marketing, clearance: <the classification you need>")
                    .hasMessageContaining("Domains granted today: [analytics]");
        }
    }

    @Test
    void aGrantedDomainReadsEveryRecordAndPoisonPillsAreDeadLetteredWithoutStoppingTheLoop(TestMesh mesh) {
        List<PortMessage<String, GenericRecord>> received = new ArrayList<>();
        try (PortSubscriber<String, GenericRecord> subscriber = analytics.subscriber(port,
                SubscriberOptions.named("revenue-" + mesh.uniqueTopic("g")).withDeadLetterTopic(port.topic() + ".dlq-test"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                subscriber.poll(Duration.ofMillis(200), received::add);
                return subscriber.stats().delivered() + subscriber.stats().deadLettered() >= 104;
            });
            assertThat(subscriber.stats()).isEqualTo(new SubscriberStats(100, 0, 4));
        }
        assertThat(received).extracting(m -> m.value().get("orderId").toString()).doesNotHaveDuplicates().hasSize(100);
        assertThat(received).allSatisfy(m -> {
            assertThat(m.key()).isEqualTo(m.value().get("orderId").toString());
            int i = Integer.parseInt(m.key().substring(2));
            if (i % 2 == 1) {
                assertThat(m.contract()).get().extracting(ContractHeader::domain, ContractHeader::version)
                        .containsExactly("orders", "1.1");
            } else {
                assertThat(m.contract()).isEmpty();
            }
            // analytics is cleared for INTERNAL; customerEmail is PII, hashed before it reaches the handler
            assertThat(m.value().getSchema().getName()).isEqualTo("OrderPlaced_masked_for_internal");
            assertThat(m.value().get("customerEmail").toString()).matches("[0-9a-f]{64}").doesNotContain("@");
        });
        List<ConsumerRecord<byte[], byte[]>> dead = Topics.readAllRaw(mesh, port.topic() + ".dlq-test", 4);
        List<ConsumerRecord<byte[], byte[]>> onPort = Topics.readAllRaw(mesh, port.topic(), 104);
        assertThat(dead).hasSize(4).allSatisfy(record -> {
            // analytics reads the port masked: the bytes it could not read are not copied (they could be the owner's
            // clear values); the headers say where the record is, and the record is still there
            assertThat(record.key()).isNull();
            assertThat(record.value()).isNull();
            assertThat(Topics.header(record, "mesh.dead-letter.payload")).isEqualTo("omitted-classified");
            assertThat(Topics.header(record, "mesh.dead-letter.topic")).isEqualTo(port.topic());
            ConsumerRecord<byte[], byte[]> original = onPort.stream()
                    .filter(r -> r.partition() == Integer.parseInt(Topics.header(record, "mesh.dead-letter.partition"))
                            && r.offset() == Long.parseLong(Topics.header(record, "mesh.dead-letter.offset")))
                    .findFirst().orElseThrow();
            assertThat(new String(original.value(), StandardCharsets.UTF_8)).isEqualTo("{\"not\": \"avro\"}");
            assertThat(Topics.header(record, "mesh.dead-letter.reason")).contains("magic byte");
            assertThat(Topics.header(record, "mesh.dead-letter.consumer")).startsWith("analytics.revenue-");
        });
    }

    @Test
    void withSkipPoisonPillsAreCountedAndSkippedAndAFailingHandlerSeesTheRecordAgain(TestMesh mesh) {
        List<String> received = new ArrayList<>();
        boolean[] failedOnce = {false};
        try (PortSubscriber<String, GenericRecord> subscriber = analytics.subscriber(port,
                SubscriberOptions.named("skipping-" + mesh.uniqueTopic("s")).withOnUndecodable(OnUndecodable.SKIP))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    subscriber.poll(Duration.ofMillis(200), message -> {
                        String id = message.value().get("orderId").toString();
                        if (id.equals("o-50") && !failedOnce[0]) {
                            failedOnce[0] = true;
                            throw new IllegalStateException("handler failed once");
                        }
                        received.add(id);
                    });
                } catch (IllegalStateException expected) {
                    // the loop goes on; o-50 comes again
                }
                return received.size() >= 100;
            });
            assertThat(subscriber.stats().skipped()).isEqualTo(4);
        }
        assertThat(failedOnce[0]).isTrue();
        assertThat(received).contains("o-50").doesNotHaveDuplicates().hasSize(100);
    }

    @Test
    void aHandlerThatThrowsAnErrorLosesNoRecords(TestMesh mesh) {
        List<String> received = new ArrayList<>();
        java.util.Set<String> failedOnce = new java.util.HashSet<>();
        try (PortSubscriber<String, GenericRecord> subscriber = analytics.subscriber(port,
                SubscriberOptions.named("erring-" + mesh.uniqueTopic("e")).withOnUndecodable(OnUndecodable.SKIP))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try {
                    subscriber.poll(Duration.ofMillis(200), message -> {
                        String id = message.value().get("orderId").toString();
                        if ((id.equals("o-1") || id.equals("o-77")) && failedOnce.add(id)) {
                            throw new AssertionError("a bug in the handler, not an exception");
                        }
                        received.add(id);
                    });
                } catch (AssertionError expected) {
                    // an Error, like an exception, leaves the failing record and the rest of the poll unread
                }
                return received.size() >= 100;
            });
        }
        assertThat(failedOnce).containsExactlyInAnyOrder("o-1", "o-77");
        assertThat(received).contains("o-1", "o-77").doesNotHaveDuplicates().hasSize(100);
    }
}

package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.it.orders.OrderPlaced;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.subscribe.SubscriberOptions;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A port whose value schema comes from a generated class ({@code OrderPlaced}: its strings carry
 * {@code "avro.java.string": "String"}) keyed in Avro: provisioning, the publisher and every reader agree on one
 * canonical key schema, {@code "string"}.
 */
@MeshTest
class GeneratedClassAvroKeyIT {
    static final int ORDERS = 20;
    static MeshClient orders;
    static MeshClient analytics;

    @BeforeAll
    static void clients(TestMesh mesh) {
        orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"));
        analytics = MeshClient.create(PortPublisherIT.with(mesh, "analytics"));
    }

    @AfterAll
    static void close() {
        analytics.close();
        orders.close();
    }

    @Test
    void generatedRecordsPublishOnAnAvroKeyedPortAndConsumersReadTheirKeys(TestMesh mesh) {
        DataProduct product = DataProduct.builder("orders", "generated-" + mesh.uniqueTopic("g"))
                .owner("team-orders@example.com")
                .outputPort(Orders.port(1, OrderPlaced.getClassSchema(), OnViolation.REJECT).toBuilder()
                        .key(KeyDefinition.field("orderId").withFormat(KeyDefinition.Format.AVRO)).build())
                .build();
        orders.provision(product);
        PortAddress placed = product.address(product.outputPort("placed"));

        // one key schema, the canonical one, registered by provisioning
        assertThat(orders.registry().versions(placed.keySubject())).hasSize(1);
        RegisteredSchema keySchema = orders.registry().latestVersion(placed.keySubject());
        assertThat(keySchema.schema()).isEqualTo("\"string\"");

        try (PortPublisher<String, OrderPlaced> publisher = orders.publisher(placed, OrderPlaced.class)) {
            for (int i = 0; i < ORDERS; i++) {
                PublishResult result = publisher.publish(order(i));
                assertThat(result.isPublished()).as("order %s: %s", i, result).isTrue();
            }
        }

        // a plain consumer with a Confluent-compatible key deserializer reads the key, written with that schema's id
        List<ConsumerRecord<Object, GenericRecord>> decoded = Topics.readAll(mesh, placed.topic(),
                new AvroDeserializer<>(analytics.registry(), Map.of(), true),
                new AvroDeserializer<GenericRecord>(analytics.registry()), ORDERS);
        assertThat(decoded).hasSize(ORDERS)
                .allSatisfy(record -> assertThat(record.key()).hasToString(record.value().get("orderId").toString()));
        assertThat(Topics.readAllRaw(mesh, placed.topic(), ORDERS)).allSatisfy(record -> {
            assertThat(record.key()[0]).isZero(); // the magic byte
            assertThat(ByteBuffer.wrap(record.key(), 1, 4).getInt()).isEqualTo(keySchema.id());
        });

        // a subscriber of the mesh reads the keys as the key field's values
        List<String> keys = new ArrayList<>();
        try (var subscriber = analytics.subscriber(placed, SubscriberOptions.named("generated-" + mesh.uniqueTopic("s")))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                subscriber.poll(Duration.ofMillis(200), message -> {
                    assertThat(message.key()).isEqualTo(message.value().get("orderId").toString());
                    keys.add(message.key());
                });
                return keys.size() >= ORDERS;
            });
        }
        assertThat(keys).hasSize(ORDERS).contains("o-0", "o-" + (ORDERS - 1));
    }

    static OrderPlaced order(int i) {
        GenericRecord generic = Orders.order(i);
        OrderPlaced order = new OrderPlaced();
        for (int field = 0; field < generic.getSchema().getFields().size(); field++) {
            Object value = generic.get(field);
            order.put(field, value instanceof CharSequence text ? text.toString() : value);
        }
        return order;
    }
}

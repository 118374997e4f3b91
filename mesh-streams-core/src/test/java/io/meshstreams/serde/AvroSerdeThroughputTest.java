package io.meshstreams.serde;

import static io.meshstreams.serde.Orders.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.orders.OrderPlaced;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * An informal single-thread throughput loop, not a benchmark (the JMH one lives in mesh-streams-bench).
 * Run with {@code -Dmesh.throughput=true}; it prints records per second and proves no HTTP request
 * happened in the loop.
 */
@EnabledIfSystemProperty(named = "mesh.throughput", matches = "true")
class AvroSerdeThroughputTest {
    private static final int WARM_UP = 500_000;
    private static final int MEASURED = 2_000_000;

    @Test
    void serializeAndDeserializeInALoop() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
            AvroSerializer<Object> serializer = new AvroSerializer<>(client);
            AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>(client);
            AvroDeserializer<OrderPlaced> specific = AvroSerde.specific(client, OrderPlaced.class).deserializer();
            GenericRecord genericOrder = Orders.v2("o-123456", 123_456, "EUR");
            OrderPlaced specificOrder = Orders.specific("o-123456", 123_456);
            byte[] bytes = serializer.serialize(TOPIC, genericOrder);
            generic.deserialize(TOPIC, bytes);
            specific.deserialize(TOPIC, bytes);
            long requests = client.requestCount();

            report("serialize GenericRecord", () -> serializer.serialize(TOPIC, genericOrder));
            report("serialize SpecificRecord", () -> serializer.serialize(TOPIC, specificOrder));
            report("deserialize GenericRecord", () -> generic.deserialize(TOPIC, bytes));
            report("deserialize SpecificRecord", () -> specific.deserialize(TOPIC, bytes));
            report("round trip GenericRecord", () -> generic.deserialize(TOPIC, serializer.serialize(TOPIC, genericOrder)));

            assertThat(client.requestCount()).isEqualTo(requests);
            System.out.println("payload size: " + bytes.length + " bytes; HTTP requests during the loops: 0");
        }
    }

    private static void report(String what, Runnable operation) {
        for (int i = 0; i < WARM_UP; i++) {
            operation.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            operation.run();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-28s %,12.0f records/s (%.0f ns each)%n", what, MEASURED / seconds, seconds * 1e9 / MEASURED);
    }
}

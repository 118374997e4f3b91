package io.meshstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.acme.untrusted.Shipment;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * Avro 1.12 refuses to load generated classes outside trusted packages; the specific reader trusts the
 * packages it is told about, so users need no {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} flag.
 * {@link Shipment}'s package is trusted by no other test: this one sees the JVM before and after.
 */
class AvroClassTrustTest {

    @Test
    void aGeneratedClassOutsideTrustedPackagesIsRefusedWithTheFixAndReadOnceTrusted() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
            // given
            String topic = "logistics.shipments.v1";
            byte[] bytes = new AvroSerializer<Shipment>(client).serialize(topic, new Shipment("s-1"));
            AvroDeserializer<Object> untrusting = new AvroDeserializer<>(client, Map.of("specific.avro.reader", true), false);

            // when
            SerializationException refused = catchThrowableOfType(SerializationException.class,
                    () -> untrusting.deserialize(topic, bytes));
            AvroDeserializer<Object> trusting = new AvroDeserializer<>(client,
                    Map.of("specific.avro.reader", true, "mesh.avro.trusted.packages", "com.acme.untrusted"), false);
            Object read = trusting.deserialize(topic, bytes);

            // then
            assertThat(refused).hasMessageStartingWith("Cannot deserialize the value of a record from topic '" + topic
                            + "': Avro refused to load the generated class com.acme.untrusted.Shipment for writer schema "
                            + "id 1 (")
                    .hasMessageEndingWith("). Fix: set specific.avro.value.type=com.acme.untrusted.Shipment, or "
                            + "mesh.avro.trusted.packages=com.acme.untrusted.");
            assertThat(read).isEqualTo(new Shipment("s-1"));
        }
    }
}

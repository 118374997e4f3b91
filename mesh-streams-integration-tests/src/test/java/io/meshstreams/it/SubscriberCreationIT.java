package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.subscribe.SubscriberOptions;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A subscriber whose creation fails half-way leaves nothing open behind. */
@MeshTest
class SubscriberCreationIT {

    @Test
    void aFailureAfterTheConsumerExistsClosesTheConsumer(TestMesh mesh) throws Exception {
        // given: a port analytics may read, and a meter registry that refuses the subscriber's meters, so that
        // creating the subscriber fails after its consumer was made
        DataProduct product = Orders.product(mesh.uniqueTopic("half-made"), OnViolation.QUARANTINE);
        try (MeshClient orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"))) {
            orders.provision(product);
        }
        PortAddress port = product.address(product.outputPort("placed"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().startsWith("mesh.subscribe.")) {
                    throw new IllegalStateException("this registry refuses " + id.getName());
                }
                return id;
            }
        });
        String name = "half-made-" + mesh.uniqueTopic("s");
        try (MeshClient analytics = MeshClient.create(PortPublisherIT.with(mesh, "analytics"), meters)) {
            // when
            assertThatThrownBy(() -> analytics.subscriber(port, SubscriberOptions.named(name)))
                    .isInstanceOf(IllegalStateException.class).hasMessage("this registry refuses mesh.subscribe.records");

            // then: the consumer it had made is closed (a Kafka consumer's metrics leave JMX when it closes)
            assertThat(consumerMBeans("analytics." + name)).isEmpty();
        }
    }

    private static Set<ObjectName> consumerMBeans(String clientId) throws MalformedObjectNameException {
        return ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("kafka.consumer:type=consumer-metrics,client-id=" + clientId), null);
    }
}

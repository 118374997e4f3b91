package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.publish.PublisherStats;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each publisher's meters are its own, two publishers of one name on one port included, and leave the registry
 * when the publisher closes.
 */
@MeshTest
class PublisherMetersIT {

    @Test
    void twoPublishersWithOneNameOnOnePortAreTwoTimeSeriesEachCountingItsOwnRecordsAndCloseRemovesOnlyItsOwn(
            TestMesh mesh) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (MeshClient orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"), registry)) {
            DataProduct product = Orders.product(mesh.uniqueTopic("metered"), OnViolation.QUARANTINE);
            orders.provision(product);
            PortAddress port = product.address(product.outputPort("placed"));
            PublisherOptions checkout = PublisherOptions.named("checkout");

            PortPublisher<String, GenericRecord> first = orders.publisher(port, GenericRecord.class, checkout);
            PortPublisher<String, GenericRecord> second = orders.publisher(port, GenericRecord.class, checkout);
            try {
                for (int i = 1; i <= 30; i++) {
                    first.publish(Orders.order(i));
                }
                for (int i = 1; i <= 20; i++) { // every 20th breaks a rule: 19 published, 1 quarantined
                    second.publish(Orders.orderWithViolations(i));
                }
                assertThat(first.stats()).isEqualTo(new PublisherStats(30, 0, 0, 0));
                assertThat(second.stats()).isEqualTo(new PublisherStats(19, 1, 0, 0));

                // two series per outcome, one per publisher: the registry's counts are each publisher's own
                assertThat(counts(registry, port, "published")).containsExactlyInAnyOrder(30.0, 19.0);
                assertThat(counts(registry, port, "quarantined")).containsExactlyInAnyOrder(0.0, 1.0);
                assertThat(checkCounts(registry, port)).containsExactlyInAnyOrder(30.0, 20.0);
                Collection<Meter> published = meters(registry, port, "mesh.publish.records", "published");
                assertThat(published).extracting(m -> m.getId().getTag("publisher")).containsOnly("checkout");
                assertThat(published).extracting(m -> m.getId().getTag("instance")).doesNotHaveDuplicates()
                        .doesNotContainNull();

                first.close();
                assertThat(counts(registry, port, "published")).containsExactly(19.0);
                assertThat(checkCounts(registry, port)).containsExactly(20.0);
                assertThat(registry.getMeters()).filteredOn(m -> port.topic().equals(m.getId().getTag("port")))
                        .hasSize(5); // the second's four outcomes and its check timer
            } finally {
                first.close();
                second.close();
            }
            assertThat(registry.getMeters()).filteredOn(m -> port.topic().equals(m.getId().getTag("port"))).isEmpty();
        }
    }

    private static Collection<Meter> meters(SimpleMeterRegistry registry, PortAddress port, String name,
                                            String outcome) {
        return registry.find(name).tags("port", port.topic(), "outcome", outcome).meters();
    }

    private static Collection<Double> counts(SimpleMeterRegistry registry, PortAddress port, String outcome) {
        return registry.find("mesh.publish.records").tags("port", port.topic(), "outcome", outcome)
                .functionCounters().stream().map(FunctionCounter::count).collect(Collectors.toList());
    }

    private static Collection<Double> checkCounts(SimpleMeterRegistry registry, PortAddress port) {
        return registry.find("mesh.publish.check").tags("port", port.topic()).functionTimers().stream()
                .map(FunctionTimer::count).collect(Collectors.toList());
    }
}

package io.meshstreams.examples;

import io.meshstreams.examples.analytics.AnalyticsApp;
import io.meshstreams.examples.customers.CustomersApp;
import io.meshstreams.examples.orders.OrdersApp;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.InputPort;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;

/** Each example's data-product.yaml loads, validates, and says what the other examples rely on. */
class DescriptorsTest {
    static final PortAddress ORDERS = PortAddress.parse("orders.order-events.placed.v1");
    static final PortAddress CUSTOMERS = PortAddress.parse("customers.customer-profiles.profiles.v1");
    static final PortAddress ENRICHED = PortAddress.parse("analytics.order-insights.enriched-orders.v1");

    @Test
    void ordersIsAStreamWithRulesAndAGrantToAnalytics() {
        DataProduct orders = ProductDescriptors.load(OrdersApp.DOMAIN, null);
        OutputPort placed = orders.outputPort(OrdersApp.PORT);

        assertThat(orders.address(placed)).isEqualTo(ORDERS);
        assertThat(placed.key().field()).isEqualTo("orderId");
        assertThat(placed.onViolation()).isEqualTo(OnViolation.QUARANTINE);
        assertThat(placed.rules()).extracting(r -> r.name()).contains("positive-amount", "known-currency");
        assertThat(placed.grantFor("analytics")).get().satisfies(g -> assertThat(g.clearance()).isEqualTo("INTERNAL"));
    }

    @Test
    void customersIsACompactedTableKeyedByCustomerWithPiiAndAGrantToAnalytics() {
        DataProduct customers = ProductDescriptors.load(CustomersApp.DOMAIN, null);
        OutputPort profiles = customers.outputPort(CustomersApp.PORT);

        assertThat(customers.address(profiles)).isEqualTo(CUSTOMERS);
        assertThat(profiles.key().field()).isEqualTo("customerId");
        assertThat(profiles.topicConfigs()).containsEntry("cleanup.policy", "compact");
        assertThat(profiles.classifications()).containsEntry("name", "PII").containsEntry("email", "PII");
        assertThat(profiles.grantFor("analytics")).get().satisfies(g -> assertThat(g.clearance()).isEqualTo("INTERNAL"));
    }

    @Test
    void analyticsDeclaresBothInputsAndPromisesNoClearPii() {
        DataProduct analytics = ProductDescriptors.load(AnalyticsApp.DOMAIN, null);
        OutputPort enriched = analytics.outputPort(AnalyticsApp.PORT);

        assertThat(analytics.address(enriched)).isEqualTo(ENRICHED);
        assertThat(analytics.inputPorts()).extracting(InputPort::port).containsExactlyInAnyOrder(ORDERS, CUSTOMERS);
        assertThat(enriched.rules()).extracting(r -> r.name()).contains("customer-known", "pii-hashed");
        assertThat(enriched.classifications()).isEmpty();
    }

    @Test
    void aCopiedDescriptorLoadsFromAPathWithItsSchemasBesideIt(@TempDir Path directory) throws IOException {
        for (String file : new String[] {"data-product.yaml", "order-placed.avsc"}) {
            try (InputStream in = getClass().getResourceAsStream("/domains/orders/" + file)) {
                Files.copy(in, directory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        DataProduct copy = ProductDescriptors.load("orders", directory.resolve("data-product.yaml").toString());

        assertThat(copy).isEqualTo(ProductDescriptors.load(OrdersApp.DOMAIN, null));
    }

    @Test
    void loadsFromInsideAJarAsTheDockerImageAndTheCliDo(@TempDir Path directory) throws Exception {
        Path jar = directory.resolve("domains.jar");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            for (String file : new String[] {"data-product.yaml", "customer-profile.avsc"}) {
                out.putNextEntry(new java.util.zip.ZipEntry("domains/customers/" + file));
                try (InputStream in = getClass().getResourceAsStream("/domains/customers/" + file)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null)) {
            DataProduct fromJar = ProductDescriptors.fromClasspath(loader, "domains/customers/data-product.yaml");

            assertThat(loader.getResource("domains/customers/data-product.yaml").getProtocol()).isEqualTo("jar");
            assertThat(fromJar).isEqualTo(ProductDescriptors.load(CustomersApp.DOMAIN, null));
        }
    }
}

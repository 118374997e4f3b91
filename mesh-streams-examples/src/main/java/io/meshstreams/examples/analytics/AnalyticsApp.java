package io.meshstreams.examples.analytics;

import io.meshstreams.MeshClient;
import io.meshstreams.examples.MeshSettings;
import io.meshstreams.examples.MeshSettings.Option;
import io.meshstreams.examples.ProductDescriptors;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.InputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.streams.GovernedStreamsBuilder;
import io.meshstreams.streams.GovernedTopology;
import io.meshstreams.streams.PortJoined;
import io.meshstreams.streams.PortProduced;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The analytics domain: joins the orders domain's orders with the customers domain's profiles, through the governed
 * Kafka Streams DSL, and publishes the enriched orders on its own port
 * {@code analytics.order-insights.enriched-orders.v1}.
 *
 * <p>What the mesh does on the way: the topology builds only because the orders and customers descriptors grant
 * {@code analytics} access; the customer's PII (name, email) is hashed in the deserializer, before it reaches any
 * store, repartition topic or this code, because the grant's clearance is {@code INTERNAL}; the enriched orders are
 * held to the output port's contract (quarantined if they break it); and the lineage (orders + customers ->
 * enriched orders) must be declared as input ports in {@code domains/analytics/data-product.yaml}.
 *
 * <pre>
 * java -cp mesh-streams-examples-all.jar io.meshstreams.examples.analytics.AnalyticsApp \
 *     --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8081 \
 *     --mesh-masking-hash-key "$(openssl rand -hex 32)"
 * </pre>
 */
public final class AnalyticsApp implements AutoCloseable {
    public static final String DOMAIN = "analytics";
    public static final String PORT = "enriched-orders";
    /** The port this app publishes on. */
    public static final PortAddress ENRICHED_ORDERS = PortAddress.parse("analytics.order-insights.enriched-orders.v1");
    /** The topology's name: its application id is {@code analytics.order-enrichment}. */
    public static final String APPLICATION = "order-enrichment";

    static final Option STATE_DIR = new Option("state.dir", null,
            "Kafka Streams' state directory (default: Kafka Streams' own, under java.io.tmpdir)");
    static final Option WAIT_FOR_INPUTS = new Option("wait.for.inputs.seconds", "300",
            "how long to wait at start for the orders and customers ports to be provisioned");

    /** The app's own options (besides the mesh's, see {@link MeshSettings}): flags, environment variables, keys. */
    public static final List<Option> OPTIONS = List.of(STATE_DIR, WAIT_FOR_INPUTS, ProductDescriptors.DESCRIPTOR);

    private static final Logger log = LoggerFactory.getLogger(AnalyticsApp.class);

    private final MeshClient client;
    private final KafkaStreams streams;
    private final PortAddress port;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private boolean closed;

    private AnalyticsApp(MeshClient client, KafkaStreams streams, PortAddress port) {
        this.client = client;
        this.streams = streams;
        this.port = port;
    }

    public static void main(String[] args) throws InterruptedException {
        MeshSettings settings = MeshSettings.fromCommandLine(AnalyticsApp.class.getName(),
                "Joins orders with customers and publishes enriched orders on analytics.order-insights.enriched-orders.v1.",
                args, OPTIONS);
        DataProduct product = ProductDescriptors.load(DOMAIN, settings.get(ProductDescriptors.DESCRIPTOR));
        log.info("analytics: {}", settings.describe());

        Map<String, Object> streamsConfig = new HashMap<>();
        if (settings.get(STATE_DIR) != null) {
            streamsConfig.put(StreamsConfig.STATE_DIR_CONFIG, settings.require(STATE_DIR));
        }
        AnalyticsApp app = start(settings.clientConfig(DOMAIN), product, streamsConfig,
                Duration.ofSeconds((long) settings.number(WAIT_FOR_INPUTS)));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "analytics-app-shutdown"));
        while (!app.closedLatch.await(1, TimeUnit.SECONDS)) {
            if (app.state() == KafkaStreams.State.ERROR) {
                // Kafka Streams gave up (see the log): end the process and let its supervisor restart it.
                log.error("analytics: Kafka Streams failed; exiting");
                System.exit(1);
            }
        }
    }

    /**
     * Provisions the product, waits until the input ports are provisioned (their domains may start later), builds the
     * governed topology and starts it.
     *
     * @param streamsConfig Kafka Streams settings that override the governed defaults, such as {@code state.dir}
     */
    public static AnalyticsApp start(Map<String, ?> clientConfig, DataProduct product, Map<String, ?> streamsConfig,
                                     Duration waitForInputs) {
        MeshClient client = MeshClient.create(clientConfig);
        try {
            client.provision(product);
            PortAddress orders = input(product, "orders");
            PortAddress customers = input(product, "customers");
            awaitProvisioned(client, List.of(orders, customers), waitForInputs);

            GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(client, APPLICATION);
            // Read by address, under analytics' grants; the customers' PII arrives hashed.
            KStream<String, GenericRecord> orderStream = builder.stream(orders.topic());
            KTable<String, GenericRecord> customerTable = builder.table(customers.topic());
            // Orders are keyed by order id, profiles by customer id: re-key the orders by customer (the builder
            // repartitions them to the table's partition count). A left join: an order whose customer is not
            // known yet still comes out, and the output contract quarantines it (rule customer-known).
            KStream<String, GenericRecord> enriched = builder.leftJoin(orderStream, customerTable,
                    new OrderEnrichment(product.outputPort(PORT).valueSchema()),
                    PortJoined.as("orders-with-customers").withRekeyByField("customerId"));
            // Published keyed by orderId (the port's key), with the port's contract enforced.
            builder.to(enriched, ENRICHED_ORDERS, PortProduced.as("publish-enriched-orders"));
            GovernedTopology topology = builder.build();

            KafkaStreams streams = topology.start(streamsConfig);
            PortAddress port = product.address(product.outputPort(PORT));
            log.info("analytics: {} joins {} with {} into {}", topology.applicationId(), orders, customers, port);
            return new AnalyticsApp(client, streams, port);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The input port of the product that belongs to {@code domain}. */
    private static PortAddress input(DataProduct product, String domain) {
        return product.inputPorts().stream().map(InputPort::port).filter(port -> port.domain().equals(domain))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(product.id() + " declares no input port of"
                        + " domain '" + domain + "'; its input ports are " + product.inputPorts()));
    }

    private static void awaitProvisioned(MeshClient client, List<PortAddress> ports, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (PortAddress port : ports) {
            boolean told = false;
            while (client.catalog().port(port).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("analytics: " + port + " is still not provisioned after "
                            + timeout.toSeconds() + " s; start the " + port.domain() + " app, or check that it"
                            + " uses the same bootstrap.servers");
                }
                if (!told) {
                    log.info("analytics: waiting for domain '{}' to provision {}", port.domain(), port);
                    told = true;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + port, e);
                }
            }
        }
    }

    /** The port the enriched orders go to. */
    public PortAddress port() {
        return port;
    }

    /** The Kafka Streams state: {@code RUNNING} once it processes. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Closes Kafka Streams (committing what it processed) and the client. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            streams.close(Duration.ofSeconds(30));
        } finally {
            client.close();
            closedLatch.countDown();
            log.info("analytics: stopped");
        }
    }
}

package io.meshstreams.examples.orders;

import io.meshstreams.MeshClient;
import io.meshstreams.examples.MeshSettings;
import io.meshstreams.examples.MeshSettings.Option;
import io.meshstreams.examples.ProductDescriptors;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublisherStats;

import org.apache.avro.generic.GenericRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The orders domain: places orders at a steady rate and publishes them on its port
 * {@code orders.order-events.placed.v1}, where the port's contract (schema and rules, in
 * {@code domains/orders/data-product.yaml}) is checked for every record. Orders that break it go to the port's
 * quarantine topic, with the rules they broke in the record's headers.
 *
 * <pre>
 * java -cp mesh-streams-examples-all.jar io.meshstreams.examples.orders.OrdersApp \
 *     --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8081 --orders-per-second 20
 * </pre>
 *
 * <p>To start your own domain from this one, copy this package, {@code src/main/resources/domains/orders/} and
 * {@code MeshSettings} (or read your configuration your own way), then change the schema, the rules and the code
 * that makes records.
 */
public final class OrdersApp implements AutoCloseable {
    public static final String DOMAIN = "orders";
    public static final String PORT = "placed";
    /** The port this app publishes on: its topic, and the name other domains read it by. */
    public static final PortAddress PLACED = PortAddress.parse("orders.order-events.placed.v1");

    static final Option ORDERS_PER_SECOND = new Option("orders.per.second", "50", "orders to place per second");
    static final Option CUSTOMERS = new Option("customers", "500",
            "how many customers place orders (c-00000 ...); the customers app should know as many");
    static final Option INVALID_SHARE = new Option("invalid.share", String.valueOf(OrderGenerator.DEFAULT_INVALID_SHARE),
            "the share of orders that break the contract, 0 to 1");
    static final Option SEED = new Option("seed", null, "the same seed places the same orders (default: the clock)");

    /** The app's own options (besides the mesh's, see {@link MeshSettings}): flags, environment variables, keys. */
    public static final List<Option> OPTIONS = List.of(ORDERS_PER_SECOND, CUSTOMERS, INVALID_SHARE, SEED,
            ProductDescriptors.DESCRIPTOR);

    private static final Logger log = LoggerFactory.getLogger(OrdersApp.class);
    private static final long REPORT_EVERY_MS = 10_000;

    private final MeshClient client;
    private final PortPublisher<String, GenericRecord> publisher;
    private final OrderGenerator generator;
    private final double ordersPerSecond;
    private final AtomicLong generated = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile @Nullable RuntimeException failure;
    private boolean closed;

    private OrdersApp(MeshClient client, PortPublisher<String, GenericRecord> publisher, OrderGenerator generator,
                      double ordersPerSecond) {
        this.client = client;
        this.publisher = publisher;
        this.generator = generator;
        this.ordersPerSecond = ordersPerSecond;
        this.thread = new Thread(this::placeOrders, "orders-app");
    }

    public static void main(String[] args) throws InterruptedException {
        MeshSettings settings = MeshSettings.fromCommandLine(OrdersApp.class.getName(),
                "Places orders and publishes them on orders.order-events.placed.v1.", args,
                OPTIONS);
        DataProduct product = ProductDescriptors.load(DOMAIN, settings.get(ProductDescriptors.DESCRIPTOR));
        long seed = settings.get(SEED) != null ? Long.parseLong(settings.require(SEED)) : System.currentTimeMillis();
        log.info("orders: {}, seed={}", settings.describe(), seed);

        OrderGenerator generator = new OrderGenerator(product.outputPort(PORT).valueSchema(), seed,
                (int) settings.number(CUSTOMERS), settings.number(INVALID_SHARE));
        OrdersApp app = start(settings.clientConfig(DOMAIN), product, generator, settings.number(ORDERS_PER_SECOND));
        // Ctrl+C or SIGTERM (docker stop): stop placing orders, wait for Kafka to acknowledge every one, close.
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "orders-app-shutdown"));
        app.thread.join();
        if (app.failure != null) {
            System.exit(1); // e.g. Kafka unreachable for longer than the producer's max.block.ms
        }
    }

    /**
     * Provisions the product (topics, schema, catalog entry; nothing if it is up to date) and starts placing orders
     * on a thread of its own.
     */
    public static OrdersApp start(Map<String, ?> clientConfig, DataProduct product, OrderGenerator generator,
                                  double ordersPerSecond) {
        if (!(ordersPerSecond > 0)) {
            throw new IllegalArgumentException("orders per second must be positive, got " + ordersPerSecond);
        }
        MeshClient client = MeshClient.create(clientConfig);
        try {
            client.provision(product);
            PortPublisher<String, GenericRecord> publisher = client.publisher(PLACED);
            log.info("orders: publishing {} orders/s on {}", ordersPerSecond, publisher.port());
            OrdersApp app = new OrdersApp(client, publisher, generator, ordersPerSecond);
            app.thread.start();
            return app;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Places orders at the configured rate until stopped: each second, as many as are due by then. */
    private void placeOrders() {
        try {
            placeOrdersUntilStopped();
        } catch (RuntimeException e) {
            log.error("orders: stopped placing orders", e);
            failure = e;
        }
    }

    private void placeOrdersUntilStopped() {
        long started = System.nanoTime();
        long nextReport = System.currentTimeMillis() + REPORT_EVERY_MS;
        while (running) {
            double elapsedSeconds = (System.nanoTime() - started) / 1e9;
            long due = (long) (elapsedSeconds * ordersPerSecond);
            while (generated.get() < due && running) {
                OrderGenerator.GeneratedOrder order = generator.next(Instant.now());
                generated.incrementAndGet();
                // The publisher checks the contract now and tells the callback where the record went once Kafka
                // acknowledged it: PUBLISHED on the port or QUARANTINED. A record is never dropped silently.
                publisher.publish(PortRecord.of(order.order()), (result, exception) -> {
                    if (exception != null) {
                        log.warn("orders: order {} was not published: {}", order.order().get("orderId"),
                                exception.toString());
                    }
                });
            }
            if (System.currentTimeMillis() >= nextReport) {
                nextReport += REPORT_EVERY_MS;
                PublisherStats stats = publisher.stats();
                log.info("orders: {} placed, {} published, {} quarantined, {} failed", generated.get(),
                        stats.published(), stats.quarantined(), stats.failed());
            }
            sleep(10);
        }
    }

    /** The port the orders go to. */
    public PortAddress port() {
        return publisher.port();
    }

    /** How many orders were handed to the publisher. */
    public long generated() {
        return generated.get();
    }

    /** What became of them so far. */
    public PublisherStats stats() {
        return publisher.stats();
    }

    /**
     * Stops placing orders and waits until Kafka acknowledged every order placed: afterwards
     * {@code stats().total() == generated()}. Idempotent.
     */
    public synchronized void stop() {
        if (closed && !running) {
            return;
        }
        running = false;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publisher.flush();
    }

    /** Stops, then closes the publisher and the client. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        publisher.close();
        client.close();
        log.info("orders: stopped after {} orders: {}", generated.get(), publisher.stats());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.meshstreams.examples.customers;

import io.meshstreams.MeshClient;
import io.meshstreams.examples.MeshSettings;
import io.meshstreams.examples.MeshSettings.Option;
import io.meshstreams.contract.Violation;
import io.meshstreams.examples.ProductDescriptors;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.ContractViolationException;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublishCallback;
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
import java.util.stream.Collectors;

/**
 * The customers domain: publishes every customer's profile on {@code customers.customer-profiles.profiles.v1}, a
 * compacted topic keyed by customer id (a table: the newest record per key is the profile), then keeps publishing
 * profile changes. Name and email are classified {@code PII} in the schema
 * ({@code domains/customers/customer-profile.avsc}): other domains see them only masked, as their grant's clearance
 * allows.
 *
 * <pre>
 * java -cp mesh-streams-examples-all.jar io.meshstreams.examples.customers.CustomersApp \
 *     --bootstrap-servers localhost:9092 --schema-registry-url http://localhost:8081
 * </pre>
 */
public final class CustomersApp implements AutoCloseable {
    public static final String DOMAIN = "customers";
    public static final String PORT = "profiles";
    /** The port this app publishes on: its topic, and the name other domains read it by. */
    public static final PortAddress PROFILES = PortAddress.parse("customers.customer-profiles.profiles.v1");

    static final Option CUSTOMERS = new Option("customers", "500", "how many customers there are (c-00000 ...)");
    static final Option CHANGES_PER_SECOND = new Option("changes.per.second", "2",
            "profile changes per second after the first load (0: publish the profiles and end)");
    static final Option SEED = new Option("seed", "1", "the same seed gives the same customers and changes");

    /** The app's own options (besides the mesh's, see {@link MeshSettings}): flags, environment variables, keys. */
    public static final List<Option> OPTIONS = List.of(CUSTOMERS, CHANGES_PER_SECOND, SEED, ProductDescriptors.DESCRIPTOR);

    private static final Logger log = LoggerFactory.getLogger(CustomersApp.class);

    private final MeshClient client;
    private final PortPublisher<String, GenericRecord> publisher;
    private final CustomerGenerator generator;
    private final double changesPerSecond;
    private final AtomicLong generated = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile @Nullable RuntimeException failure;
    private boolean closed;

    private CustomersApp(MeshClient client, PortPublisher<String, GenericRecord> publisher, CustomerGenerator generator,
                         double changesPerSecond) {
        this.client = client;
        this.publisher = publisher;
        this.generator = generator;
        this.changesPerSecond = changesPerSecond;
        this.thread = new Thread(this::publishChanges, "customers-app");
    }

    public static void main(String[] args) throws InterruptedException {
        MeshSettings settings = MeshSettings.fromCommandLine(CustomersApp.class.getName(),
                "Publishes customer profiles on customers.customer-profiles.profiles.v1.", args,
                OPTIONS);
        DataProduct product = ProductDescriptors.load(DOMAIN, settings.get(ProductDescriptors.DESCRIPTOR));
        log.info("customers: {}", settings.describe());

        CustomerGenerator generator = new CustomerGenerator(product.outputPort(PORT).valueSchema(),
                Long.parseLong(settings.require(SEED)), (int) settings.number(CUSTOMERS));
        CustomersApp app = start(settings.clientConfig(DOMAIN), product, generator, settings.number(CHANGES_PER_SECOND));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "customers-app-shutdown"));
        app.thread.join(); // returns at once with --changes-per-second 0: the profiles are published, the app ends
        if (app.failure != null) {
            System.exit(1);
        }
    }

    /**
     * Provisions the product, publishes every customer's profile and waits until Kafka acknowledged them all (so
     * that orders placed from now on find their customer), then publishes changes on a thread of its own.
     */
    public static CustomersApp start(Map<String, ?> clientConfig, DataProduct product, CustomerGenerator generator,
                                     double changesPerSecond) {
        MeshClient client = MeshClient.create(clientConfig);
        try {
            client.provision(product);
            PortPublisher<String, GenericRecord> publisher = client.publisher(PROFILES);
            CustomersApp app = new CustomersApp(client, publisher, generator, changesPerSecond);
            Instant now = Instant.now();
            for (int i = 0; i < generator.customers(); i++) {
                app.publish(generator.profile(i, now));
            }
            publisher.flush();
            log.info("customers: {} profiles on {}; now {} changes/s", generator.customers(), publisher.port(),
                    changesPerSecond);
            if (changesPerSecond > 0) {
                app.thread.start();
            }
            return app;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void publish(GenericRecord profile) {
        generated.incrementAndGet();
        // The port REJECTs records that break its contract: the callback gets a ContractViolationException,
        // on this thread, before anything is sent.
        publisher.publish(PortRecord.of(profile), loggingFailures(profile.get("customerId")));
    }

    /**
     * The callback of one profile: logs a failure by the customer id (the key, not classified) and, for a rejection,
     * the broken rules. Only the id goes into the callback: never log a profile itself, whose name and email are PII.
     */
    static PublishCallback loggingFailures(Object customerId) {
        return (result, exception) -> {
            if (exception instanceof ContractViolationException rejected) {
                log.warn("customers: profile {} was rejected by its contract: {}", customerId,
                        describe(rejected.violations()));
            } else if (exception != null) {
                log.warn("customers: profile {} was not published: {}", customerId, exception.toString());
            }
        };
    }

    /**
     * The violations as {@code email-shape [email]: ... with email=<PII>}: a violation names the rule and the field and
     * shows the classification in place of a classified value, so it is safe to log.
     */
    static String describe(List<Violation> violations) {
        return violations.stream()
                .map(v -> (v.rule() != null ? v.rule() : v.type()) + " [" + v.field() + "]: " + v.message())
                .collect(Collectors.joining("; "));
    }

    private void publishChanges() {
        try {
            publishChangesUntilStopped();
        } catch (RuntimeException e) {
            log.error("customers: stopped publishing changes", e);
            failure = e;
        }
    }

    private void publishChangesUntilStopped() {
        long started = System.nanoTime();
        long published = 0;
        while (running) {
            long due = (long) ((System.nanoTime() - started) / 1e9 * changesPerSecond);
            for (; published < due && running; published++) {
                publish(generator.nextChange(Instant.now()));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public PortAddress port() {
        return publisher.port();
    }

    /** Profiles handed to the publisher: the first load and the changes. */
    public long generated() {
        return generated.get();
    }

    public PublisherStats stats() {
        return publisher.stats();
    }

    /** Stops publishing changes and waits until Kafka acknowledged every profile. Idempotent. */
    public synchronized void stop() {
        if (closed && !running) {
            return;
        }
        running = false;
        if (thread.isAlive() && Thread.currentThread() != thread) {
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
        log.info("customers: stopped after {} profiles: {}", generated.get(), publisher.stats());
    }
}

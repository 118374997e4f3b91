package io.meshstreams.cli;

import io.meshstreams.examples.ProductDescriptors;
import io.meshstreams.examples.analytics.AnalyticsApp;
import io.meshstreams.examples.customers.CustomerGenerator;
import io.meshstreams.examples.customers.CustomersApp;
import io.meshstreams.examples.orders.OrderGenerator;
import io.meshstreams.examples.orders.OrdersApp;
import io.meshstreams.local.LocalMesh;
import io.meshstreams.product.DataProduct;
import io.meshstreams.publish.PublisherStats;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code mesh demo}: the three example domains (customers, orders, analytics) on one mesh for a while, with their
 * progress every two seconds and a summary whose counts add up. Progress and summary on standard output, logs on
 * standard error.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the three example domains (customers, orders, analytics) on one mesh.",
            "",
            "customers publishes profiles with PII (a compacted table); orders publishes orders, a few of which",
            "break the contract and go to quarantine; analytics joins them through the governed DSL, with the PII",
            "hashed, and publishes enriched orders. Shows progress every 2 s and ends with a summary.",
            "Without --bootstrap-servers it starts an embedded mesh and stops it at the end; with them it leaves",
            "its topics in place for other tools to read."
        })
final class DemoCommand implements Callable<Integer> {
    /** A public key, so that the demo needs no secret; hashes made with it protect nothing. */
    /** Public, for demos only, protects nothing: "mesh-streams demo hash key, public" in hex. */
    static final String DEMO_HASH_KEY = "6d6573682d73747265616d732064656d6f2068617368206b65792c207075626c6963";
    static final String SUMMARY_HEADING = "summary";

    private static final long TICK_MS = 2_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    private CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long the domains publish (default: ${DEFAULT-VALUE}).")
    private int durationSeconds;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Run against this Kafka (with --schema-registry-url) and keep the topics;"
                    + " default: an embedded mesh, stopped at the end.")
    private String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "The registry to use with --bootstrap-servers.")
    private String schemaRegistryUrl;

    @Option(names = "--masking-hash-key", paramLabel = "KEY",
            description = "The mesh's hash key for PII, in hex (64+ digits, e.g. from `openssl rand -hex 32`); default:"
                    + " MESH_MASKING_HASH_KEY, else a public demo key.")
    private String maskingHashKey;

    @Option(names = "--orders-per-second", paramLabel = "N", defaultValue = "50",
            description = "Orders placed per second (default: ${DEFAULT-VALUE}).")
    private double ordersPerSecond;

    @Option(names = "--customers", paramLabel = "N", defaultValue = "500",
            description = "Customers (default: ${DEFAULT-VALUE}).")
    private int customers;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the orders (default: the clock).")
    private Long seed;

    @Option(names = {"-v", "--verbose"}, description = "Log Kafka's, the registry's and the apps' INFO messages to stderr.")
    private boolean verbose;

    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        if ((bootstrapServers == null) != (schemaRegistryUrl == null)) {
            throw new IllegalArgumentException("give both --bootstrap-servers and --schema-registry-url, or neither"
                    + " (then the demo starts an embedded mesh)");
        }
        if (durationSeconds < 1) {
            throw new IllegalArgumentException("--duration must be at least 1 second, got " + durationSeconds);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (finished.getCount() > 0) {
                stopRequested = true;
                err.println("mesh demo: interrupted; stopping the domains and the mesh");
                err.flush();
                try {
                    finished.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "mesh-demo-shutdown"));
        try {
            return run(out);
        } finally {
            out.flush();
            finished.countDown();
        }
    }

    private int run(PrintWriter out) throws IOException {
        String hashKey = maskingHashKey != null ? maskingHashKey : System.getenv("MESH_MASKING_HASH_KEY");
        boolean demoKey = hashKey == null || hashKey.isEmpty();
        long ordersSeed = seed != null ? seed : System.currentTimeMillis();

        List<AutoCloseable> opened = new ArrayList<>(); // closed in reverse order
        Path stateDirectory = Files.createTempDirectory("mesh-demo-");
        try {
            String servers = bootstrapServers;
            String registryUrl = schemaRegistryUrl;
            if (servers == null) {
                out.println("mesh demo: starting an embedded mesh (Kafka and a schema registry in this process)...");
                out.flush();
                LocalMesh mesh = LocalMesh.builder().start();
                opened.add(mesh);
                servers = mesh.bootstrapServers();
                registryUrl = mesh.schemaRegistryUrl();
            }
            Map<String, Object> base = new HashMap<>();
            base.put("bootstrap.servers", servers);
            base.put("schema.registry.url", registryUrl);
            base.put("mesh.masking.hash.key", demoKey ? DEMO_HASH_KEY : hashKey);

            out.printf("mesh demo: kafka=%s registry=%s%s%n", servers, registryUrl,
                    bootstrapServers == null ? " (embedded, stopped at the end)" : " (topics are kept)");
            out.println(demoKey
                    ? "  masking hash key: the public DEMO key (its hashes protect nothing); pass --masking-hash-key"
                            + " or set MESH_MASKING_HASH_KEY for a real one"
                    : "  masking hash key: from " + (maskingHashKey != null ? "--masking-hash-key" : "MESH_MASKING_HASH_KEY"));

            DataProduct customerProduct = ProductDescriptors.load(CustomersApp.DOMAIN, null);
            DataProduct orderProduct = ProductDescriptors.load(OrdersApp.DOMAIN, null);
            DataProduct analyticsProduct = ProductDescriptors.load(AnalyticsApp.DOMAIN, null);
            CustomerGenerator customerGenerator = new CustomerGenerator(
                    customerProduct.outputPort(CustomersApp.PORT).valueSchema(), 1, customers);
            long since = System.currentTimeMillis();

            // Customers first, so that the first orders find their customer.
            CustomersApp customerApp = CustomersApp.start(config(base, CustomersApp.DOMAIN), customerProduct,
                    customerGenerator, 2);
            opened.add(customerApp);
            out.printf("  %-10s %-45s %,d profiles (name and email are PII), then 2 changes/s%n", "customers",
                    customerApp.port(), customers);
            OrdersApp orderApp = OrdersApp.start(config(base, OrdersApp.DOMAIN), orderProduct,
                    new OrderGenerator(orderProduct.outputPort(OrdersApp.PORT).valueSchema(), ordersSeed, customers,
                            OrderGenerator.DEFAULT_INVALID_SHARE), ordersPerSecond);
            opened.add(orderApp);
            long started = System.nanoTime();
            out.printf("  %-10s %-45s %s orders/s, ~%.0f%% break a rule (-> quarantine), seed %d%n", "orders",
                    orderApp.port(), number(ordersPerSecond), OrderGenerator.DEFAULT_INVALID_SHARE * 100, ordersSeed);
            AnalyticsApp analyticsApp = AnalyticsApp.start(config(base, AnalyticsApp.DOMAIN), analyticsProduct,
                    Map.of(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toString()), Duration.ofSeconds(30));
            opened.add(analyticsApp);
            out.printf("  %-10s %-45s orders x customers, name and email hashed (grant: INTERNAL)%n", "analytics",
                    analyticsApp.port());

            PortTally tally = new PortTally(kafkaOnly(base), registryOnly(base), orderApp.port(), analyticsApp.port(),
                    since);
            opened.add(tally);
            out.printf("running for %d s (Ctrl+C stops early)%n%n", durationSeconds);
            Progress progress = new Progress(out);
            progress.header();

            // Publish for the duration, showing progress.
            long end = started + TimeUnit.SECONDS.toNanos(durationSeconds);
            long nextTick = started + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
            while (!stopRequested && System.nanoTime() < end) {
                tally.poll(Duration.ofMillis(100));
                if (System.nanoTime() >= nextTick) {
                    nextTick += TimeUnit.MILLISECONDS.toNanos(TICK_MS);
                    progress.line(String.format("%.0f s", seconds(started)), customerApp.stats(), orderApp.stats(), tally,
                            analyticsApp.state());
                }
            }
            double trafficSeconds = seconds(started);

            // Stop the publishers and wait for every acknowledgement; then wait until analytics has joined every
            // order that reached the port.
            orderApp.stop();
            customerApp.stop();
            long drainStarted = System.nanoTime();
            long drainEnd = drainStarted + DRAIN_TIMEOUT.toNanos();
            long publishedOrders = orderApp.stats().published();
            while (!stopRequested && System.nanoTime() < drainEnd
                    && (tally.ordersOnPort().size() < publishedOrders || tally.enrichedOf(tally.ordersOnPort()) < publishedOrders)) {
                tally.poll(Duration.ofMillis(200));
            }
            tally.poll(Duration.ofMillis(200)); // anything else that is already there
            progress.line("end", customerApp.stats(), orderApp.stats(), tally, analyticsApp.state());
            return summary(out, trafficSeconds, seconds(drainStarted), customerApp, orderApp, analyticsApp, tally);
        } finally {
            for (int i = opened.size() - 1; i >= 0; i--) {
                close(opened.get(i));
            }
            deleteRecursively(stateDirectory);
        }
    }

    private int summary(PrintWriter out, double trafficSeconds, double drainSeconds, CustomersApp customerApp,
                        OrdersApp orderApp, AnalyticsApp analyticsApp, PortTally tally) {
        PublisherStats customerStats = customerApp.stats();
        PublisherStats orderStats = orderApp.stats();
        Set<String> ordersOnPort = tally.ordersOnPort();
        long enrichedOfThisRun = tally.enrichedOf(ordersOnPort);
        long enrichedOnPort = ordersOnPort.stream().filter(tally.enrichedOnPort()::contains).count();
        long enrichedInQuarantine = enrichedOfThisRun - enrichedOnPort;

        out.println();
        if (stopRequested) {
            out.printf("%s (interrupted): %.0f s of traffic; every acknowledgement is in, the join may lag behind%n",
                    SUMMARY_HEADING, trafficSeconds);
        } else {
            out.printf("%s: %.0f s of traffic, then %.1f s until every acknowledgement and join was in%n",
                    SUMMARY_HEADING, trafficSeconds, drainSeconds);
        }
        String row = "  %-46s %10s %10s %12s %9s %7s%n";
        out.printf(row, "port", "generated", "published", "quarantined", "rejected", "failed");
        out.printf(row, customerApp.port(), count(customerApp.generated()), count(customerStats.published()),
                count(customerStats.quarantined()), count(customerStats.rejected()), count(customerStats.failed()));
        out.printf(row, orderApp.port(), count(orderApp.generated()), count(orderStats.published()),
                count(orderStats.quarantined()), count(orderStats.rejected()), count(orderStats.failed()));
        out.printf(row, analyticsApp.port(), count(enrichedOfThisRun), count(enrichedOnPort),
                count(enrichedInQuarantine), "-", "-");
        out.println();

        out.printf("  orders     %s published + %s quarantined = %s generated%n", count(orderStats.published()),
                count(orderStats.quarantined()), count(orderStats.published() + orderStats.quarantined()));
        if (!tally.quarantinedByRule().isEmpty()) {
            out.printf("             quarantined for: %s (in %s)%n", tally.quarantinedByRule().entrySet().stream()
                            .map(e -> e.getKey() + " " + count(e.getValue())).collect(Collectors.joining(", ")),
                    orderApp.port().quarantineTopic());
        }
        out.printf("  analytics  received %s enriched orders for the %s orders published (%.1f/s on average);"
                        + " %s in quarantine (customer unknown)%n", count(enrichedOfThisRun), count(orderStats.published()),
                enrichedOfThisRun / Math.max(trafficSeconds, 1), count(enrichedInQuarantine));
        long others = tally.enrichedRecords() - enrichedOfThisRun;
        if (others > 0) {
            out.printf("             and %s more of orders from before this run%n", count(others));
        }
        out.printf("  customers  %s profiles published (%s at start, %s changes)%n", count(customerStats.published()),
                count(customers), count(customerApp.generated() - customers));

        List<String> problems = new ArrayList<>();
        if (orderStats.total() != orderApp.generated()) {
            problems.add("orders: " + orderStats.total() + " records accounted for, " + orderApp.generated() + " generated");
        }
        if (orderStats.failed() > 0 || customerStats.failed() > 0) {
            problems.add("Kafka did not acknowledge " + (orderStats.failed() + customerStats.failed()) + " records (see the log)");
        }
        if (ordersOnPort.size() != orderStats.published()) {
            problems.add("the orders port has " + ordersOnPort.size() + " of this run's orders, the publisher counted "
                    + orderStats.published());
        }
        if (enrichedOfThisRun != orderStats.published()) {
            problems.add("analytics enriched " + enrichedOfThisRun + " of " + orderStats.published() + " orders"
                    + (stopRequested ? "" : " within " + DRAIN_TIMEOUT.toSeconds() + " s")
                    + " (Kafka Streams: " + analyticsApp.state() + ")");
        }
        if (bootstrapServers == null) {
            out.println("  the embedded mesh stops now and its topics go with it; to keep them, run 'mesh dev' and pass"
                    + " its --bootstrap-servers and --schema-registry-url");
        } else {
            out.printf("  the topics stay on %s: read %s with any Avro consumer (registry %s)%n", bootstrapServers,
                    analyticsApp.port(), schemaRegistryUrl);
        }
        if (problems.isEmpty() || stopRequested) {
            problems.forEach(p -> out.println("  not yet complete: " + p));
            return 0;
        }
        out.println("  the counts do not add up:");
        problems.forEach(p -> out.println("    " + p));
        return 1;
    }

    /** The progress table: one line every two seconds, and a few enriched orders every third line. */
    private static final class Progress {
        private static final String ROW = "%6s  %10s %9s   %10s %9s   %10s %9s   %11s%n";
        private static final String HEADER = "%6s  %-20s   %-20s   %-20s   %11s%n";
        private final PrintWriter out;
        private long lastEnriched;
        private double lastSeconds;
        private int lines;

        Progress(PrintWriter out) {
            this.out = out;
        }

        void header() {
            out.printf(HEADER, "", center("customers", 20), center("orders", 20), center("analytics (enriched)", 20),
                    "join");
            out.printf(ROW, "time", "published", "quarant.", "published", "quarant.", "published", "quarant.", "rec/s");
            out.flush();
            lastSeconds = System.nanoTime() / 1e9;
        }

        void line(String time, PublisherStats customerStats, PublisherStats orderStats, PortTally tally,
                  KafkaStreams.State analytics) {
            long enriched = tally.enrichedRecords();
            double seconds = System.nanoTime() / 1e9;
            double rate = (enriched - lastEnriched) / Math.max(seconds - lastSeconds, 0.001);
            lastEnriched = enriched;
            lastSeconds = seconds;
            out.printf(ROW, time, count(customerStats.published()),
                    count(customerStats.quarantined() + customerStats.rejected()), count(orderStats.published()),
                    count(orderStats.quarantined()), count(tally.enrichedOnPort().size()),
                    count(tally.enrichedInQuarantine().size()),
                    analytics == KafkaStreams.State.RUNNING ? String.format("%.1f", rate)
                            : analytics.name().toLowerCase(java.util.Locale.ROOT));
            if (++lines % 3 == 0) {
                for (GenericRecord sample : tally.latestEnriched()) {
                    out.println("        " + describe(sample));
                }
            }
            out.flush();
        }

        /** An enriched order with its masked fields, e.g. {@code order 1c9e6f2a c-00042 DE gold 79.80 EUR customerNameHash 3fa9c2e1d0...}. */
        private static String describe(GenericRecord order) {
            return String.format("order %s  %s  %-2s %-8s %9.2f %-3s  customerNameHash %s  customerEmailHash %s",
                    text(order.get("orderId")).substring(0, 8), text(order.get("customerId")),
                    text(order.get("customerCountry")), text(order.get("customerTier")), (Double) order.get("amount"),
                    text(order.get("currency")), abbreviate(order.get("customerNameHash")),
                    abbreviate(order.get("customerEmailHash")));
        }

        private static String center(String text, int width) {
            int left = Math.max(0, (width - text.length()) / 2);
            return " ".repeat(left) + text;
        }
    }

    private static Map<String, Object> config(Map<String, Object> base, String domain) {
        Map<String, Object> config = new HashMap<>(base);
        config.put("mesh.domain", domain);
        return config;
    }

    private static Map<String, Object> kafkaOnly(Map<String, Object> base) {
        return Map.of("bootstrap.servers", base.get("bootstrap.servers"));
    }

    private static Map<String, Object> registryOnly(Map<String, Object> base) {
        return Map.of("schema.registry.url", base.get("schema.registry.url"));
    }

    private static String text(@Nullable Object value) {
        return value == null ? "-" : value.toString();
    }

    private static String abbreviate(@Nullable Object hash) {
        return hash == null ? "-" : hash.toString().substring(0, Math.min(10, hash.toString().length())) + "...";
    }

    private static String count(long value) {
        return String.format("%,d", value);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("mesh demo: could not close " + closeable.getClass().getSimpleName() + ": " + e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("mesh demo: could not delete " + directory + ": " + e);
        }
    }
}

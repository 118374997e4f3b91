package io.meshstreams.streams;

import io.meshstreams.MeshClient;
import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.internal.streams.GlobalCopyCatchUp;
import io.meshstreams.internal.streams.GovernedDeadLetters;
import io.meshstreams.internal.streams.RegistryOutageRecovery;
import io.meshstreams.product.PortAddress;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A checked governed topology with its Kafka Streams configuration and lineage. {@link #start()} prepares what the
 * topology needs (the dead-letter topic, masked copies for global tables), records the lineage in the catalog and
 * starts Kafka Streams.
 *
 * <p>Guarantees:
 * <ol>
 *   <li><b>Governance settings cannot be overridden.</b> {@link #streamsConfig(Map)} and {@link #start(Map)} refuse,
 *       with a {@link MeshException} naming each key and why governance depends on it, an override that differs from
 *       the governed value of: {@code application.id}, {@code processing.guarantee} ({@code exactly_once_v2}), the
 *       deserialization, processing and production exception handlers (also under their deprecated
 *       {@code default.*} names), {@code errors.dead.letter.queue.topic.name},
 *       {@code processing.exception.handler.global.enabled} and {@code mesh.dead-letter.masked-topics},
 *       also when given with a client prefix ({@code main.consumer.}, {@code producer.}, ...). An override equal to
 *       the governed value is accepted; every other Kafka Streams setting may be overridden. Kafka Streams' own
 *       handlers would copy a failed record's raw bytes (the owner's clear classified values) to the dead-letter
 *       queue and skip records the registry could not decode yet; refusing is louder than ignoring.</li>
 *   <li><b>A schema registry outage never skips a record.</b> A record whose schema the registry could not be asked
 *       for stops its stream thread before that record (no dead letter, the transaction aborted); the thread is
 *       replaced once the registry answers, and the new one starts at that record. {@link #start(Map)} installs the
 *       uncaught exception handler that does so; it waits up to {@value #REGISTRY_OUTAGE_TIMEOUT_CONFIG} (an
 *       override; 5 minutes by default), then shuts the client down (state ERROR) with a log saying why. A global
 *       thread cannot be replaced: an outage there shuts the client down at once, nothing skipped; start the
 *       application again once the registry answers. The replaced thread's consumer stays in the group until its
 *       session times out ({@code session.timeout.ms}), which the new thread's first rebalance waits for. Every other
 *       uncaught failure shuts the client down, as Kafka Streams' default does.</li>
 * </ol>
 */
public final class GovernedTopology {
    /**
     * A {@link #start(Map)} override: how long a start may spend bringing the masked copies of global tables up to
     * date before Kafka Streams starts, in milliseconds; 0 skips it (the copies then fill while the application runs).
     */
    public static final String GLOBAL_CATCH_UP_TIMEOUT_CONFIG = "mesh.streams.global.catch.up.timeout.ms";
    static final long DEFAULT_GLOBAL_CATCH_UP_TIMEOUT_MS = 300_000;
    /**
     * A {@link #start(Map)} override: how long a stream thread stopped by a schema registry outage waits for the
     * registry to answer before the client shuts down, in milliseconds.
     */
    public static final String REGISTRY_OUTAGE_TIMEOUT_CONFIG = "mesh.streams.registry.outage.timeout.ms";
    static final long DEFAULT_REGISTRY_OUTAGE_TIMEOUT_MS = 300_000;
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);
    private static final String HANDLER_REASON = "governed topologies send failed records to the domain's dead-letter "
            + "topic through GovernedDeadLetters, which leaves the raw bytes of a masked port (the owner's clear "
            + "classified values) out and never skips a record the schema registry could not decode yet; Kafka "
            + "Streams' own handlers copy the raw bytes and skip";

    private final Topology topology;
    private final MeshClient client;
    private final String applicationId;
    private final Map<PortAddress, Set<PortAddress>> lineage;
    private final List<GovernedStreamsBuilder.GlobalTableCopy> globalCopies;
    private final Set<String> maskedTopics;
    private final Map<String, Object> kafkaConfig;
    private final List<GlobalCopyCatchUp.Copy> catchUps;

    GovernedTopology(Topology topology, MeshClient client, String applicationId,
                     Map<PortAddress, Set<PortAddress>> lineage,
                     Collection<GovernedStreamsBuilder.GlobalTableCopy> globalCopies, Set<String> maskedTopics,
                     Map<String, Object> kafkaConfig, List<GlobalCopyCatchUp.Copy> catchUps) {
        this.catchUps = List.copyOf(catchUps);
        this.topology = topology;
        this.client = client;
        this.applicationId = applicationId;
        this.lineage = Map.copyOf(lineage);
        this.globalCopies = List.copyOf(globalCopies);
        this.maskedTopics = Set.copyOf(maskedTopics);
        this.kafkaConfig = kafkaConfig;
    }

    public Topology topology() {
        return topology;
    }

    public String applicationId() {
        return applicationId;
    }

    /** Each output port with the ports it is derived from. */
    public Map<PortAddress, Set<PortAddress>> lineage() {
        return lineage;
    }

    /**
     * The domain's dead-letter topic: undecodable records and records that fail in a processor go there, with the
     * source topic, partition, offset and exception in headers. A record from a port this topology masks goes there
     * without its key and value (header {@code mesh.dead-letter.payload: omitted-classified}): its raw bytes are the
     * owner's clear values, which this domain may not hold.
     */
    public String deadLetterTopic() {
        return client.domain() + ".dead-letter";
    }

    /**
     * The Kafka Streams configuration: the client's Kafka settings, then the overrides, then the governed settings:
     * {@code application.id}, {@code exactly_once_v2}, log-and-continue handlers that send failures to the
     * dead-letter topic (production failures still fail the task; registry outages fail the thread, see the class's
     * point 2).
     *
     * @throws MeshException if an override would change a governed setting (see the class's point 1), naming every
     *                       such key, its governed value and why
     */
    public Properties streamsConfig(Map<String, ?> overrides) {
        Map<String, Object> governed = governedSettings();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, ?> override : overrides.entrySet()) {
            String key = override.getKey();
            String plain = unprefixed(key);
            if (governed.containsKey(plain) && !sameValue(governed.get(plain), override.getValue())) {
                refused.add(key + "=" + text(override.getValue()) + " (governed: " + text(governed.get(plain)) + "; "
                        + reason(plain) + ")");
            }
        }
        if (!refused.isEmpty()) {
            throw new MeshException("Governed topology " + applicationId + " refuses " + refused.size() + " override"
                    + (refused.size() == 1 ? "" : "s") + " of a setting governance depends on: "
                    + String.join("; ", refused) + ". Fix: remove " + (refused.size() == 1 ? "it" : "them")
                    + "; every other Kafka Streams setting may be overridden.");
        }
        Properties properties = new Properties();
        properties.putAll(kafkaConfig);
        properties.putAll(overrides);
        properties.putAll(governed);
        return properties;
    }

    private Map<String, Object> governedSettings() {
        Map<String, Object> governed = new HashMap<>();
        governed.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        governed.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        governed.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class);
        governed.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class);
        governed.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class);
        governed.put(DEPRECATED_DESERIALIZATION_HANDLER, GovernedDeadLetters.class);
        governed.put(DEPRECATED_PRODUCTION_HANDLER, GovernedDeadLetters.class);
        governed.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic());
        governed.put(GovernedDeadLetters.MASKED_TOPICS_CONFIG, String.join(",", maskedTopics));
        // global tables (fed by masked copies) hand their processing failures to the same handler
        governed.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Kafka Streams 4.3's partition assignor reads its own StreamsConfig from the main consumer's settings and
        // warns that the handler is not enabled unless it finds the setting there too.
        governed.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                true);
        return governed;
    }

    @SuppressWarnings("deprecation")
    private static final String DEPRECATED_DESERIALIZATION_HANDLER =
            StreamsConfig.DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG;
    @SuppressWarnings("deprecation")
    private static final String DEPRECATED_PRODUCTION_HANDLER =
            StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG;

    private static String unprefixed(String key) {
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                String rest = key.substring(prefix.length());
                // main.consumer.processing.exception.handler.global.enabled is itself governed
                return rest.equals(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG) ? key : rest;
            }
        }
        return key;
    }

    private static boolean sameValue(Object governed, @Nullable Object given) {
        return given != null && text(governed).equals(text(given).trim());
    }

    private static String text(@Nullable Object value) {
        return value instanceof Class<?> type ? type.getName() : String.valueOf(value);
    }

    private String reason(String key) {
        if (key.equals(StreamsConfig.APPLICATION_ID_CONFIG)) {
            return "the lineage, the grants checked at build time and the internal topics are recorded under it; name "
                    + "the application in GovernedStreamsBuilder.create(client, name)";
        }
        if (key.equals(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)) {
            return "a failed thread, a registry outage or a restart goes on from the last commit, and only "
                    + "transactions keep what the topology wrote before it (ports, quarantine, dead letters) from being "
                    + "written twice";
        }
        if (key.equals(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)) {
            return "failed records go to the domain's dead-letter topic, created with the topology";
        }
        if (key.equals(GovernedDeadLetters.MASKED_TOPICS_CONFIG)) {
            return "it lists the masked ports whose raw bytes never reach the dead letters";
        }
        if (key.endsWith(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)) {
            return "failures of the global tables' processing must reach the governed handler too";
        }
        return HANDLER_REASON;
    }

    /** Prepares, records lineage and starts Kafka Streams with {@link #streamsConfig(Map)} and no overrides. */
    public KafkaStreams start() {
        return start(Map.of());
    }

    /**
     * Prepares, records lineage and starts Kafka Streams; the caller closes the returned instance. Before starting,
     * the masked copies that feed global tables are brought up to date (see {@link GovernedStreamsBuilder#globalTable}),
     * for up to {@value #GLOBAL_CATCH_UP_TIMEOUT_CONFIG} (an override; default 5 minutes, 0 skips it), with clients
     * configured as the application's own. When there is something to copy, that waits first until the application's
     * consumer group has no members: after a plain {@code close()} of the previous instance its member stays until its
     * session times out ({@code session.timeout.ms}, 45 s by default), and beside a running instance it gives up after
     * that long (plus 15 s) and leaves the copy to the running one.
     */
    public KafkaStreams start(Map<String, ?> overrides) {
        Map<String, Object> settings = new HashMap<>(overrides);
        Object catchUpTimeout = settings.remove(GLOBAL_CATCH_UP_TIMEOUT_CONFIG);
        long catchUpMs = catchUpTimeout == null ? DEFAULT_GLOBAL_CATCH_UP_TIMEOUT_MS
                : Long.parseLong(catchUpTimeout.toString());
        Object outageTimeout = settings.remove(REGISTRY_OUTAGE_TIMEOUT_CONFIG);
        long outageMs = outageTimeout == null ? DEFAULT_REGISTRY_OUTAGE_TIMEOUT_MS
                : Long.parseLong(outageTimeout.toString());
        Properties properties = streamsConfig(settings); // refuses overrides of governed settings before anything else
        prepareTopics();
        ProductCatalog catalog = client.catalog();
        lineage.forEach((output, inputs) ->
                catalog.publishLineage(new ProductCatalog.Lineage(output, new ArrayList<>(inputs), applicationId)));
        if (catchUpMs > 0) {
            GlobalCopyCatchUp.catchUp(properties, catchUps, Duration.ofMillis(catchUpMs));
        }
        KafkaStreams streams = new KafkaStreams(topology, properties);
        RegistryOutageRecovery recovery = new RegistryOutageRecovery(client.registry(), applicationId,
                Duration.ofMillis(outageMs), client.meterRegistry());
        recovery.watch(streams::state);
        streams.setUncaughtExceptionHandler(recovery);
        streams.start();
        return streams;
    }

    private void prepareTopics() {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(deadLetterTopic(), Optional.of(1), Optional.empty()));
        for (GovernedStreamsBuilder.GlobalTableCopy copy : globalCopies) {
            topics.add(new NewTopic(copy.topic(), Optional.of(copy.partitions()), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        try (Admin admin = Admin.create(kafkaConfig)) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new MeshException("Cannot create topic " + topic.name() + " for " + applicationId + ": "
                                + e.getCause(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while preparing the topics of " + applicationId, e);
        } catch (TimeoutException e) {
            throw new MeshException("Kafka did not answer while preparing the topics of " + applicationId, e);
        }
    }
}

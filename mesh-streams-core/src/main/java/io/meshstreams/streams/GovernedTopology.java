package io.meshstreams.streams;

import io.meshstreams.MeshClient;
import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.internal.streams.GlobalCopyCatchUp;
import io.meshstreams.internal.streams.GovernedDeadLetters;
import io.meshstreams.product.PortAddress;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

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
 */
public final class GovernedTopology {
    /**
     * A {@link #start(Map)} override: how long a start may spend bringing the masked copies of global tables up to
     * date before Kafka Streams starts, in milliseconds; 0 skips it (the copies then fill while the application runs).
     */
    public static final String GLOBAL_CATCH_UP_TIMEOUT_CONFIG = "mesh.streams.global.catch.up.timeout.ms";
    static final long DEFAULT_GLOBAL_CATCH_UP_TIMEOUT_MS = 300_000;

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
     * The Kafka Streams configuration: the client's Kafka settings, {@code application.id}, {@code exactly_once_v2},
     * log-and-continue handlers that send failures to the dead-letter topic (production failures still fail the
     * task), then the overrides.
     */
    public Properties streamsConfig(Map<String, ?> overrides) {
        Properties properties = new Properties();
        properties.putAll(kafkaConfig);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class);
        properties.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class);
        properties.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic());
        properties.put(GovernedDeadLetters.MASKED_TOPICS_CONFIG, String.join(",", maskedTopics));
        // global tables (fed by masked copies) hand their processing failures to the same handler
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Kafka Streams 4.3's partition assignor reads its own StreamsConfig from the main consumer's settings and
        // warns that the handler is not enabled unless it finds the setting there too.
        properties.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                true);
        properties.putAll(overrides);
        return properties;
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
        prepareTopics();
        ProductCatalog catalog = client.catalog();
        lineage.forEach((output, inputs) ->
                catalog.publishLineage(new ProductCatalog.Lineage(output, new ArrayList<>(inputs), applicationId)));
        Properties properties = streamsConfig(settings);
        if (catchUpMs > 0) {
            GlobalCopyCatchUp.catchUp(properties, catchUps, Duration.ofMillis(catchUpMs));
        }
        KafkaStreams streams = new KafkaStreams(topology, properties);
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

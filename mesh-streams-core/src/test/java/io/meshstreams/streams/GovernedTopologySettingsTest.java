package io.meshstreams.streams;

import io.meshstreams.MeshClient;
import io.meshstreams.MeshException;
import io.meshstreams.internal.streams.GovernedDeadLetters;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Overrides may tune Kafka Streams, but not change what governance depends on. */
class GovernedTopologySettingsTest {
    static MeshClient client;
    static GovernedTopology topology;

    @BeforeAll
    static void topology() {
        // nothing here connects: the client's Kafka and registry clients are made, not used
        client = MeshClient.create(Map.of("mesh.domain", "analytics", "bootstrap.servers", "127.0.0.1:1",
                "schema.registry.url", "http://127.0.0.1:1"));
        topology = new GovernedTopology(new Topology(), client, "analytics.enrichment", Map.of(), List.of(),
                Set.of("customers.profiles.profiles.v1"), Map.of("bootstrap.servers", "127.0.0.1:1"), List.of());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Test
    void anOverrideOfAGovernedSettingIsRefusedNamingTheKeyTheGovernedValueAndWhy() {
        MeshException refused = catchThrowableOfType(MeshException.class, () -> topology.streamsConfig(Map.of(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class)));

        assertThat(refused).hasMessage("Governed topology analytics.enrichment refuses 1 override of a setting "
                + "governance depends on: deserialization.exception.handler="
                + "org.apache.kafka.streams.errors.LogAndContinueExceptionHandler (governed: "
                + "io.meshstreams.internal.streams.GovernedDeadLetters; governed topologies send failed records to the "
                + "domain's dead-letter topic through GovernedDeadLetters, which leaves the raw bytes of a masked port "
                + "(the owner's clear classified values) out and never skips a record the schema registry could not "
                + "decode yet; Kafka Streams' own handlers copy the raw bytes and skip). Fix: remove it; every other "
                + "Kafka Streams setting may be overridden.");
    }

    @Test
    void everyRefusedOverrideIsNamedAtOnceAlsoUnderDeprecatedNamesAndClientPrefixes() {
        MeshException refused = catchThrowableOfType(MeshException.class, () -> topology.streamsConfig(Map.of(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
                "default.deserialization.exception.handler", LogAndContinueExceptionHandler.class.getName(),
                StreamsConfig.APPLICATION_ID_CONFIG, "someone-else",
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "public-dlq",
                GovernedDeadLetters.MASKED_TOPICS_CONFIG, "",
                StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), false,
                StreamsConfig.producerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG), "x.Handler")));

        assertThat(refused.getMessage()).startsWith("Governed topology analytics.enrichment refuses 7 overrides of a "
                        + "setting governance depends on: ")
                .contains("processing.guarantee=at_least_once (governed: exactly_once_v2; ")
                .contains("default.deserialization.exception.handler=org.apache.kafka.streams.errors."
                        + "LogAndContinueExceptionHandler (governed: io.meshstreams.internal.streams.GovernedDeadLetters;")
                .contains("application.id=someone-else (governed: analytics.enrichment; the lineage")
                .contains("errors.dead.letter.queue.topic.name=public-dlq (governed: analytics.dead-letter; ")
                .contains("mesh.dead-letter.masked-topics= (governed: customers.profiles.profiles.v1; ")
                .contains("main.consumer.processing.exception.handler.global.enabled=false (governed: true; ")
                .contains("producer.processing.exception.handler=x.Handler (governed: ")
                .endsWith("Fix: remove them; every other Kafka Streams setting may be overridden.");
    }

    @Test
    void otherSettingsAndOverridesEqualToTheGovernedValueAreTaken() {
        Properties properties = topology.streamsConfig(Map.of(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2,
                StreamsConfig.mainConsumerPrefix("session.timeout.ms"), 10_000,
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2",
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class.getName()));

        assertThat(properties).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                .containsEntry("main.consumer.session.timeout.ms", 10_000)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "analytics.enrichment")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, GovernedDeadLetters.class)
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "analytics.dead-letter")
                .containsEntry(GovernedDeadLetters.MASKED_TOPICS_CONFIG, "customers.profiles.profiles.v1");
    }
}

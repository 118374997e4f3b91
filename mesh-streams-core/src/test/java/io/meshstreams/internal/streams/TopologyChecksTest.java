package io.meshstreams.internal.streams;

import io.meshstreams.internal.serde.KeyEncoding;
import io.meshstreams.streams.CoPartitioningException;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The build-time co-partitioning check: partition counts and key encodings of every join's inputs. */
class TopologyChecksTest {
    static final String ORDERS = "orders.order-events.placed.v1";
    static final String CUSTOMERS = "customers.customer-profiles.profiles.v1";
    static final KeyEncoding AVRO_STRING = KeyEncoding.avro(7, CUSTOMERS + "-key", "\"string\"");

    /** Orders joined with customers by plain Kafka Streams operators, optionally through a repartition topic. */
    static TopologyDescription join(boolean throughRepartition) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> orders = builder.stream(ORDERS, Consumed.with(Serdes.String(), Serdes.String()));
        if (throughRepartition) {
            orders = orders.repartition(Repartitioned.<String, String>as("orders-rekey").withNumberOfPartitions(3));
        }
        KTable<String, String> customers = builder.table(CUSTOMERS, Consumed.with(Serdes.String(), Serdes.String()));
        orders.join(customers, (order, customer) -> order + customer, Joined.as("orders-with-customers"))
                .foreach((key, value) -> { }, Named.as("collect"));
        return builder.build().describe();
    }

    @Test
    void equalCountsWithKeysWrittenTwoWaysAreNotCoPartitionedAndTheMessageSaysCountsEncodingsAndWaysOut() {
        Map<String, TopologyChecks.TopicLayout> layouts = Map.of(
                ORDERS, new TopologyChecks.TopicLayout(3, KeyEncoding.text()),
                CUSTOMERS, new TopologyChecks.TopicLayout(3, AVRO_STRING));

        assertThatThrownBy(() -> TopologyChecks.requireCoPartitioned(join(false), layouts, topic -> 3))
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageContaining(ORDERS + " has 3 partitions, keys as UTF-8 text")
                .hasMessageContaining(CUSTOMERS + " has 3 partitions, keys in Avro (key schema \"string\", id 7 under "
                        + CUSTOMERS + "-key)")
                .hasMessageContaining("with their keys written the same way")
                .hasMessageContaining("Ways out: (1)").hasMessageContaining("(2)").hasMessageContaining("(3)");
    }

    @Test
    void equalCountsAndEncodingsAreCoPartitioned() {
        Map<String, TopologyChecks.TopicLayout> layouts = Map.of(
                ORDERS, new TopologyChecks.TopicLayout(3, AVRO_STRING),
                CUSTOMERS, new TopologyChecks.TopicLayout(3, AVRO_STRING));

        assertThatCode(() -> TopologyChecks.requireCoPartitioned(join(false), layouts, topic -> 3)).doesNotThrowAnyException();
    }

    @Test
    void aRepartitionTopicTheBuilderWroteIsCheckedByTheLayoutItWasWrittenWith() {
        // the description names the topic without the application id, as the builder records it
        Map<String, TopologyChecks.TopicLayout> layouts = Map.of(
                "orders-rekey-repartition", new TopologyChecks.TopicLayout(3, KeyEncoding.text()),
                CUSTOMERS, new TopologyChecks.TopicLayout(3, AVRO_STRING));

        assertThatThrownBy(() -> TopologyChecks.requireCoPartitioned(join(true), layouts, topic -> 3))
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageContaining("orders-rekey-repartition has 3 partitions, keys as UTF-8 text");
    }

    @Test
    void hashedKeysAreTextButAPortSeenHashedMatchesNothing() {
        Map<String, TopologyChecks.TopicLayout> layouts = Map.of(
                ORDERS, new TopologyChecks.TopicLayout(3, KeyEncoding.hashed()),
                CUSTOMERS, new TopologyChecks.TopicLayout(3, KeyEncoding.clearSeenHashed(KeyEncoding.hashed())));

        assertThatThrownBy(() -> TopologyChecks.requireCoPartitioned(join(false), layouts, topic -> 3))
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageContaining("that this domain sees only hashed");
    }

    @Test
    void differentCountsStillFailAndATopicOfTheDomainsOwnIsLookedUp() {
        Map<String, TopologyChecks.TopicLayout> layouts = Map.of(CUSTOMERS, new TopologyChecks.TopicLayout(3, AVRO_STRING));

        assertThatThrownBy(() -> TopologyChecks.requireCoPartitioned(join(false), layouts, topic -> 6))
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageContaining(ORDERS + " has 6 partitions;")
                .hasMessageContaining(CUSTOMERS + " has 3 partitions, keys in Avro");
    }
}

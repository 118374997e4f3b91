package io.meshstreams.internal.streams;

import io.meshstreams.product.PortAddress;
import io.meshstreams.streams.GovernedStreamsBuilder;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyLineageTest {
    static final PortAddress ORDERS = PortAddress.parse("orders.order-events.placed.v1");
    static final PortAddress PROFILES = PortAddress.parse("customers.customer-profiles.profiles.v1");
    static final PortAddress PAYMENTS = PortAddress.parse("payments.payment-events.paid.v1");
    static final PortAddress ENRICHED = PortAddress.parse("analytics.order-insights.enriched-orders.v1");
    static final PortAddress PAID = PortAddress.parse("analytics.order-insights.paid-orders.v1");
    static final String COPY = "analytics.app-profiles-masked";

    @Test
    void aStreamGlobalTableJoinPutsTheGlobalTablesPortIntoTheLineage() {
        StreamsBuilder builder = new StreamsBuilder();
        GlobalKTable<String, String> profiles = globalCopy(builder);
        KStream<String, String> orders = builder.stream(ORDERS.topic(), Consumed.with(Serdes.String(), Serdes.String()));
        orders.join(profiles, (key, order) -> order, (order, profile) -> order + profile, Named.as("orders-with-profiles"))
                .process(Sink::new, Named.as("publish-enriched"));

        assertThat(lineage(builder, Map.of("publish-enriched", ENRICHED)).get(ENRICHED))
                .containsExactlyInAnyOrder(ORDERS, PROFILES);
    }

    @Test
    void anOutputThatDoesNotLookUpTheGlobalTableIsCountedAsDerivedFromItToo() {
        // The description does not say which processors read a global store: lineage names too many, never too few.
        StreamsBuilder builder = new StreamsBuilder();
        globalCopy(builder);
        builder.stream(PAYMENTS.topic(), Consumed.with(Serdes.String(), Serdes.String()))
                .process(Sink::new, Named.as("publish-paid"));

        assertThat(lineage(builder, Map.of("publish-paid", PAID)).get(PAID)).containsExactlyInAnyOrder(PAYMENTS, PROFILES);
    }

    @Test
    void withoutGlobalTablesAnOutputIsDerivedFromTheTopicsUpstreamOfItThroughRepartitions() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(ORDERS.topic(), Consumed.with(Serdes.String(), Serdes.String()))
                .repartition().process(Sink::new, Named.as("publish-enriched"));
        builder.stream(PAYMENTS.topic(), Consumed.with(Serdes.String(), Serdes.String()))
                .process(Sink::new, Named.as("publish-paid"));

        Map<PortAddress, Set<PortAddress>> lineage = lineage(builder, Map.of("publish-enriched", ENRICHED,
                "publish-paid", PAID));
        assertThat(lineage.get(ENRICHED)).containsExactly(ORDERS);
        assertThat(lineage.get(PAID)).containsExactly(PAYMENTS);
    }

    private static GlobalKTable<String, String> globalCopy(StreamsBuilder builder) {
        // what GovernedStreamsBuilder.globalTable builds: the port copied, masked, and the global table on the copy
        builder.stream(PROFILES.topic(), Consumed.with(Serdes.String(), Serdes.String()))
                .to(COPY, Produced.with(Serdes.String(), Serdes.String()));
        return builder.globalTable(COPY, Consumed.with(Serdes.String(), Serdes.String()));
    }

    private static Map<PortAddress, Set<PortAddress>> lineage(StreamsBuilder builder, Map<String, PortAddress> outputs) {
        return TopologyChecks.lineage(builder.build().describe(), outputs,
                Map.of(COPY, new GovernedStreamsBuilder.GlobalTableCopy(COPY, 3, PROFILES)));
    }

    static final class Sink implements Processor<String, String, Void, Void> {
        @Override
        public void process(Record<String, String> record) {
        }
    }
}

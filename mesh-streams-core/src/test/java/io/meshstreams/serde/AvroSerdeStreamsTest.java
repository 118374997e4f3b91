package io.meshstreams.serde;

import static io.meshstreams.serde.Orders.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.orders.OrderPlaced;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/** The serde works inside Kafka Streams, handed in code (never configured by Streams) or named in its config. */
class AvroSerdeStreamsTest {

    @Test
    void aTopologyReadsV1RecordsIntoTheV2ClassAndWritesThemBack() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
            // given
            AvroSerde<OrderPlaced> orders = AvroSerde.specific(client, OrderPlaced.class);
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(TOPIC, Consumed.with(Serdes.String(), orders))
                    .mapValues(order -> OrderPlaced.newBuilder(order).setAmountCents(order.getAmountCents() * 2).build())
                    .to("orders.doubled", Produced.with(Serdes.String(), orders));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");

            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
                TestInputTopic<String, GenericRecord> in = driver.createInputTopic(TOPIC, Serdes.String().serializer(),
                        new AvroSerializer<>(client));
                TestOutputTopic<String, OrderPlaced> out = driver.createOutputTopic("orders.doubled",
                        Serdes.String().deserializer(), orders.deserializer());

                // when
                in.pipeInput("o-1", Orders.v1("o-1", 100));

                // then
                OrderPlaced doubled = out.readValue();
                assertThat(doubled.getAmountCents()).isEqualTo(200);
                assertThat(doubled.getCurrency()).isEqualTo("EUR");
            }
        }
    }

    @Test
    void streamsCanMakeTheSerdeFromItsDefaultValueSerdeConfig() {
        try (StubRegistry registry = StubRegistry.start()) {
            // given
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream(TOPIC).to("orders.copy");
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "serde-config-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
            props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, AvroSerde.class);
            props.put("schema.registry.url", registry.url());

            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props);
                 SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()))) {
                TestInputTopic<String, GenericRecord> in = driver.createInputTopic(TOPIC, Serdes.String().serializer(),
                        new AvroSerializer<>(client));
                TestOutputTopic<String, GenericRecord> out = driver.createOutputTopic("orders.copy",
                        Serdes.String().deserializer(), new AvroDeserializer<>(client));

                // when
                in.pipeInput("o-2", Orders.v1("o-2", 2));

                // then
                assertThat(out.readValue()).isEqualTo(Orders.v1("o-2", 2));
            }
        }
    }
}

package io.meshstreams.it;

import io.meshstreams.internal.streams.GlobalCopyCatchUp;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catch-up of a global table's masked copy on its own, on the real broker: it commits, as the application's
 * offsets, exactly what it copied, so that the topology resumes at the first record it did not copy. The masking is
 * stood in for by plain string codecs: what is checked is which records are copied and which offsets are committed.
 */
@MeshTest
class GlobalCopyCatchUpIT {
    static final Schema VALUE = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"V\",\"fields\":[{\"name\":\"v\",\"type\":\"string\"}]}");
    static final Deserializer<String> KEYS = (topic, data) -> data == null ? null : new String(data, StandardCharsets.UTF_8);
    /** Decodes any value but "poison". */
    static final Deserializer<GenericRecord> VALUES = (topic, data) -> {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.equals("poison")) {
            throw new IllegalStateException("cannot decode the record");
        }
        GenericRecord record = new GenericData.Record(VALUE);
        record.put("v", text);
        return record;
    };
    static final Serializer<GenericRecord> COPY_VALUES = (topic, record) ->
            ("masked:" + record.get("v")).getBytes(StandardCharsets.UTF_8);

    static volatile String bootstrap;
    static volatile String lateTopic;

    /**
     * As a producer interceptor it is configured when the catch-up creates its producer: after the port's end offsets
     * were read, before the first poll. It publishes then, as a domain would while an application starts.
     */
    public static class PublishWhileCatchingUp implements ProducerInterceptor<byte[], byte[]>,
            ConsumerInterceptor<byte[], byte[]> {
        @Override
        public void configure(Map<String, ?> configs) {
            if (configs.containsKey("transactional.id")) {
                publish(bootstrap, lateTopic, List.of("late-1", "late-2", "late-3"));
            }
        }

        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        }

        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void recordsPublishedDuringTheCatchUpAreLeftToTheTopology(TestMesh mesh) throws Exception {
        Names topics = topics(mesh, "late");
        bootstrap = mesh.bootstrapServers();
        lateTopic = topics.port;
        publish(mesh.bootstrapServers(), topics.port, List.of("a", "b", "c", "d"));

        Properties streams = streamsConfig(mesh, topics.application, StreamsConfig.EXACTLY_ONCE_V2);
        streams.put("interceptor.classes", PublishWhileCatchingUp.class.getName());
        long copied = GlobalCopyCatchUp.catchUp(streams, List.of(topics.copy()), Duration.ofSeconds(60));

        assertThat(copied).isEqualTo(4);
        assertThat(values(mesh, topics.copyTopic)).containsExactly("masked:a", "masked:b", "masked:c", "masked:d");
        assertThat(committed(mesh, topics)).isEqualTo(4); // the three late records are still to be copied
    }

    @Test
    void aRecordThatCannotBeCopiedStopsThePartitionBeforeIt(TestMesh mesh) throws Exception {
        Names topics = topics(mesh, "poison");
        publish(mesh.bootstrapServers(), topics.port, List.of("a", "b", "poison", "c"));

        long copied = GlobalCopyCatchUp.catchUp(streamsConfig(mesh, topics.application, StreamsConfig.EXACTLY_ONCE_V2),
                List.of(topics.copy()), Duration.ofSeconds(60));

        assertThat(copied).isEqualTo(2);
        assertThat(values(mesh, topics.copyTopic)).containsExactly("masked:a", "masked:b");
        assertThat(committed(mesh, topics)).isEqualTo(2); // the topology meets the poison pill, and dead-letters it
    }

    @Test
    void atLeastOnceCommitsTheOffsetsAfterTheRecords(TestMesh mesh) throws Exception {
        Names topics = topics(mesh, "alo");
        publish(mesh.bootstrapServers(), topics.port, List.of("a", "b", "c"));

        long copied = GlobalCopyCatchUp.catchUp(streamsConfig(mesh, topics.application, StreamsConfig.AT_LEAST_ONCE),
                List.of(topics.copy()), Duration.ofSeconds(60));

        assertThat(copied).isEqualTo(3);
        assertThat(values(mesh, topics.copyTopic)).containsExactly("masked:a", "masked:b", "masked:c");
        assertThat(committed(mesh, topics)).isEqualTo(3);
        // a second start finds nothing to copy
        assertThat(GlobalCopyCatchUp.catchUp(streamsConfig(mesh, topics.application, StreamsConfig.AT_LEAST_ONCE),
                List.of(topics.copy()), Duration.ofSeconds(60))).isZero();
    }

    private record Names(String port, String copyTopic, String application) {
        GlobalCopyCatchUp.Copy copy() {
            return new GlobalCopyCatchUp.Copy(port, copyTopic, KEYS, VALUES, COPY_VALUES);
        }
    }

    private static Names topics(TestMesh mesh, String name) throws Exception {
        Names topics = new Names(mesh.uniqueTopic(name + "-port"), mesh.uniqueTopic(name + "-copy"),
                mesh.uniqueTopic(name + "-app"));
        mesh.admin().createTopics(List.of(new NewTopic(topics.port, 1, (short) 1),
                new NewTopic(topics.copyTopic, 1, (short) 1))).all().get();
        return topics;
    }

    private static Properties streamsConfig(TestMesh mesh, String application, String guarantee) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, mesh.bootstrapServers());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        return properties;
    }

    static void publish(String bootstrapServers, String topic, List<String> values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers),
                new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, "key-" + value, value));
            }
            producer.flush();
        }
    }

    private static List<String> values(TestMesh mesh, String topic) {
        return Topics.readUntil(mesh, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                        records -> true, true, Duration.ofSeconds(30)).stream()
                .map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
    }

    private static long committed(TestMesh mesh, Names topics) throws Exception {
        OffsetAndMetadata offset = mesh.admin().listConsumerGroupOffsets(topics.application)
                .partitionsToOffsetAndMetadata().get().get(new TopicPartition(topics.port, 0));
        return offset == null ? -1 : offset.offset();
    }
}

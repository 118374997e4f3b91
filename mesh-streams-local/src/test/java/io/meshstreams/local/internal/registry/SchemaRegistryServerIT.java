package io.meshstreams.local.internal.registry;

import static io.meshstreams.local.internal.registry.RegistryHttp.record;
import static io.meshstreams.local.internal.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.local.registry.SchemaRegistryServer;
import io.meshstreams.local.registry.SchemaRegistryStartException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka-backed registry against a real in-process broker: the topic it creates or refuses,
 * state that survives a restart, a second instance that sees everything, and concurrent
 * registrations on two instances that never give one id to two schemas.
 */
class SchemaRegistryServerIT {
    private static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaCluster.builder().brokers(1).start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static SchemaRegistryServer.Builder registry(String topic) {
        return SchemaRegistryServer.builder().bootstrapServers(kafka.bootstrapServers()).topic(topic);
    }

    private static String topic() {
        return "_schemas-" + UUID.randomUUID();
    }

    @Test
    void startCreatesACompactedSinglePartitionTopic() throws Exception {
        String topic = topic();
        try (SchemaRegistryServer server = registry(topic).start(); Admin admin = kafka.createAdmin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value();

            assertThat(description.partitions()).hasSize(1);
            assertThat(description.partitions().get(0).replicas()).hasSize(1);
            assertThat(policy).isEqualTo("compact");
            assertThat(server.topic()).isEqualTo(topic);
            assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
        }
    }

    @Test
    void aTopicThatIsNotCompactedIsRefusedWithTheFix() throws Exception {
        String topic = topic();
        try (Admin admin = kafka.createAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "delete")))).all().get();
        }

        assertThatThrownBy(() -> registry(topic).start())
                .isInstanceOf(SchemaRegistryStartException.class)
                .hasMessage("Topic '" + topic + "' has cleanup.policy=delete; the schema registry needs cleanup.policy=compact, "
                        + "or retention would delete schemas. Run: kafka-configs.sh --alter --entity-type topics --entity-name "
                        + topic + " --add-config cleanup.policy=compact");
    }

    @Test
    void aTopicWithSeveralPartitionsIsRefused() throws Exception {
        String topic = topic();
        try (Admin admin = kafka.createAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        }

        assertThatThrownBy(() -> registry(topic).start())
                .isInstanceOf(SchemaRegistryStartException.class)
                .hasMessageStartingWith("Topic '" + topic + "' has 3 partitions; the schema registry needs exactly 1");
    }

    @Test
    void aRestartedServerHasEveryIdVersionConfigAndDelete() {
        String topic = topic();
        String v1 = record("Order", "{\"name\":\"id\",\"type\":\"string\"}");
        String v2 = record("Order", "{\"name\":\"id\",\"type\":\"string\"}", "{\"name\":\"n\",\"type\":\"int\",\"default\":0}");
        try (SchemaRegistryServer server = registry(topic).start()) {
            RegistryHttp http = new RegistryHttp(server.url());
            assertThat(http.register("orders-value", v1)).isEqualTo(1);
            assertThat(http.register("orders-value", v2)).isEqualTo(2);
            assertThat(http.register("gone-value", "\"string\"")).isEqualTo(3);
            http.put("/config", "{\"compatibility\":\"FULL\"}");
            http.put("/config/orders-value", "{\"compatibility\":\"NONE\"}");
            assertThat(http.delete("/subjects/orders-value/versions/2").text()).isEqualTo("2");
            http.delete("/subjects/gone-value");
            assertThat(http.delete("/subjects/gone-value?permanent=true").text()).isEqualTo("[1]");
        }

        try (SchemaRegistryServer restarted = registry(topic).start()) {
            RegistryHttp http = new RegistryHttp(restarted.url());
            assertThat(http.get("/subjects").text()).isEqualTo("[\"orders-value\"]");
            assertThat(http.get("/subjects/orders-value/versions").text()).isEqualTo("[1]");
            assertThat(http.get("/subjects/orders-value/versions?deleted=true").text()).isEqualTo("[1,2]");
            assertThat(http.get("/subjects/orders-value/versions/latest").json().get("id").asInt()).isEqualTo(1);
            assertThat(http.get("/schemas/ids/2").status()).isEqualTo(200);
            assertThat(http.get("/schemas/ids/3").errorCode()).isEqualTo(40403);
            assertThat(http.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(http.get("/config/orders-value").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
            assertThat(http.register("orders-value", v1)).isEqualTo(1);
            assertThat(http.register("new-value", "\"long\"")).as("id 3 was issued once and is never reused").isEqualTo(4);
        }
    }

    @Test
    void aSecondInstanceOnTheSameTopicSeesEverythingAndWritesToo() {
        String topic = topic();
        try (SchemaRegistryServer first = registry(topic).start()) {
            RegistryHttp one = new RegistryHttp(first.url());
            assertThat(one.register("a-value", "\"string\"")).isEqualTo(1);
            one.put("/config/a-value", "{\"compatibility\":\"FORWARD\"}");

            try (SchemaRegistryServer second = registry(topic).start()) {
                RegistryHttp two = new RegistryHttp(second.url());
                assertThat(two.get("/schemas/ids/1").json().get("schema").asText()).isEqualTo("\"string\"");
                assertThat(two.get("/config/a-value").text()).isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");

                assertThat(two.register("b-value", "\"int\"")).isEqualTo(2);
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(one.get("/subjects").text()).isEqualTo("[\"a-value\",\"b-value\"]"));
                assertThat(one.register("c-value", "\"long\"")).isEqualTo(3);
                assertThat(two.register("c-value", "\"long\"")).as("second sees the first's write before it decides").isEqualTo(3);
                assertThat(two.get("/subjects/c-value/versions").text()).isEqualTo("[1]");
            }
        }
    }

    @Test
    void concurrentRegistrationsOnTwoInstancesNeverGiveOneIdToTwoSchemas() throws Exception {
        String topic = topic();
        int perThread = 8;
        try (SchemaRegistryServer first = registry(topic).start(); SchemaRegistryServer second = registry(topic).start()) {
            List<RegistryHttp> instances = List.of(new RegistryHttp(first.url()), new RegistryHttp(second.url()));
            Map<String, Set<Integer>> idsBySchema = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    RegistryHttp http = instances.get(thread % 2);
                    int t = thread;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            // every thread registers its own schemas, plus one that all threads share
                            String own = record("R" + t + "_" + i, "{\"name\":\"f\",\"type\":\"string\"}");
                            String shared = record("Shared", "{\"name\":\"f\",\"type\":\"string\"}");
                            String subject = "s" + t + "-" + i + "-value";
                            idsBySchema.computeIfAbsent(own, k -> ConcurrentHashMap.newKeySet()).add(http.register(subject, own));
                            idsBySchema.computeIfAbsent(shared, k -> ConcurrentHashMap.newKeySet())
                                    .add(http.register("shared-" + t + "-value", shared));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            Map<Integer, String> schemaById = new java.util.HashMap<>();
            idsBySchema.forEach((schema, ids) -> {
                assertThat(ids).as("one schema, one id: %s", schema).hasSize(1);
                String previous = schemaById.put(ids.iterator().next(), schema);
                assertThat(previous).as("id %s given to two schemas", ids).isNull();
            });
            assertThat(schemaById).hasSize(4 * perThread + 1);
            for (RegistryHttp http : instances) {
                for (Map.Entry<Integer, String> entry : schemaById.entrySet()) {
                    String canonical = RegistryHttp.JSON.readTree(entry.getValue()).toString();
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                            assertThat(http.get("/schemas/ids/" + entry.getKey()).json().get("schema").asText()).isEqualTo(canonical));
                }
            }
        }
    }

    @Test
    void aTopicWrittenInConfluentsLayoutIsRead() throws Exception {
        String topic = topic();
        try (Admin admin = kafka.createAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class,
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(config)) {
            String[][] records = {
                    {"{\"keytype\":\"NOOP\",\"magic\":0}", null},
                    {"{\"keytype\":\"SCHEMA\",\"subject\":\"old-value\",\"version\":1,\"magic\":1}",
                            "{\"subject\":\"old-value\",\"version\":1,\"id\":7,\"schema\":\"\\\"string\\\"\",\"deleted\":false}"},
                    {"{\"keytype\":\"SCHEMA\",\"subject\":\"old-value\",\"version\":2,\"magic\":1}",
                            "{\"subject\":\"old-value\",\"version\":2,\"id\":8,\"schema\":\"\\\"int\\\"\",\"deleted\":false}"},
                    {"{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"old-value\",\"magic\":0}", "{\"subject\":\"old-value\",\"version\":1}"},
                    {"{\"keytype\":\"CONFIG\",\"magic\":0}", "{\"compatibilityLevel\":\"FULL\"}"},
                    {"{\"keytype\":\"MODE\",\"magic\":0}", "{\"mode\":\"READWRITE\"}"}};
            for (String[] record : records) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, record[0], record[1])).get();
            }
        }

        try (SchemaRegistryServer server = registry(topic).start()) {
            RegistryHttp http = new RegistryHttp(server.url());
            assertThat(http.get("/subjects/old-value/versions").text()).isEqualTo("[2]");
            assertThat(http.get("/subjects/old-value/versions?deleted=true").text()).isEqualTo("[1,2]");
            assertThat(http.get("/schemas/ids/7").text()).isEqualTo("{\"schema\":\"\\\"string\\\"\"}");
            assertThat(http.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
            assertThat(http.register("new-value", "\"long\"")).as("ids go on after the highest one read").isEqualTo(9);
        }
    }

    @Test
    void hostileInputGetsFourHundredsFromTheKafkaBackedServerToo() {
        try (SchemaRegistryServer server = registry(topic()).maxRequestBytes(16 * 1024).start()) {
            RegistryHttp http = new RegistryHttp(server.url());
            String register = "/subjects/a-value/versions";
            record Case(String method, String path, String body, int status, int errorCode) {
            }
            List<Case> cases = List.of(
                    new Case("POST", register, "{\"schema\":", 400, 400),
                    new Case("POST", register, "[]", 400, 400),
                    new Case("POST", register, "{}", 422, 42201),
                    new Case("POST", register, "{\"schema\":{}}", 400, 400),
                    new Case("POST", register, schemaBody("{\"type\":\"nope\"}"), 422, 42201),
                    new Case("POST", register, "{\"schema\":\"\\\"string\\\"\",\"schemaType\":\"JSON\"}", 422, 42201),
                    new Case("POST", register, "{\"schema\":\"" + "y".repeat(20_000) + "\"}", 413, 413),
                    new Case("GET", "/subjects/a-value/versions/x", null, 422, 42202),
                    new Case("GET", "/schemas/ids/x", null, 404, 40403),
                    new Case("GET", "/nowhere", null, 404, 404),
                    new Case("DELETE", "/schemas/types", null, 405, 405),
                    new Case("PUT", "/config", "{\"compatibility\":\"MAYBE\"}", 422, 42203));
            for (Case c : cases) {
                RegistryHttp.Answer answer = http.send(c.method(), c.path(), c.body());
                assertThat(answer.status()).as("%s %s: %s", c.method(), c.path(), answer).isEqualTo(c.status());
                assertThat(answer.errorCode()).as("%s %s: %s", c.method(), c.path(), answer).isEqualTo(c.errorCode());
            }
            assertThat(http.get("/subjects").text()).isEqualTo("[]");
        }
    }
}

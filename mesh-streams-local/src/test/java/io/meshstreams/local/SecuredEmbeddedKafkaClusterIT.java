package io.meshstreams.local;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** A secured cluster as plain Kafka clients see it: who gets in, and what the authorizer lets them do. */
class SecuredEmbeddedKafkaClusterIT {
    private static EmbeddedKafkaCluster kafka;
    private static Admin platform;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaCluster.builder().secure(true).start();
        platform = kafka.createAdmin();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aClientWithoutCredentialsGetsNothing() {
        Map<String, Object> anonymous = quick(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        try (Admin admin = Admin.create(anonymous)) {
            assertThat(catchThrowable(() -> admin.listTopics().names().get()))
                    .as("a PLAINTEXT client on the SASL listener never gets an answer")
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(quick(anonymous), new StringDeserializer(),
                new StringDeserializer())) {
            assertThatThrownBy(() -> consumer.partitionsFor("anything", Duration.ofSeconds(3)))
                    .isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefusedForTheProducerAndTheConsumer() {
        Map<String, Object> wrong = quick(kafka.clientConfig("platform", "not-the-password"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(wrong, new StringSerializer(),
                new StringSerializer())) {
            assertThatThrownBy(() -> producer.partitionsFor("anything"))
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Authentication failed");
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(wrong, new StringDeserializer(),
                new StringDeserializer())) {
            assertThatThrownBy(() -> consumer.partitionsFor("anything", Duration.ofSeconds(10)))
                    .isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void theControllerPortAcceptsNeitherAnonymousClientsNorTheClientListenersUsers() {
        Map<String, Object> anonymous = quick(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG,
                kafka.controllerEndpoint()));
        try (Admin admin = Admin.create(anonymous)) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get()))
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        Map<String, Object> asPlatform = new HashMap<>(kafka.platformClientConfig());
        asPlatform.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        asPlatform.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, kafka.controllerEndpoint());
        try (Admin admin = Admin.create(quick(asPlatform))) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get()))
                    .as("the controller listener offers PLAIN for the brokers only")
                    .cause().isInstanceOf(org.apache.kafka.common.errors.AuthenticationException.class);
        }
        Map<String, Object> plainGuess = new HashMap<>(anonymous);
        plainGuess.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        plainGuess.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        plainGuess.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"broker\" password=\"guess\";");
        try (Admin admin = Admin.create(plainGuess)) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get()))
                    .cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void thePlatformCreatesTopicsAndAclsAndADomainReadsAndWritesOnlyWhatAnAclAllows() throws Exception {
        String topic = "orders.order-events.placed.v1-" + UUID.randomUUID();
        platform.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        String password = createUser("analytics");
        Map<String, Object> analytics = kafka.clientConfig("analytics", password);

        assertThat(catchThrowable(() -> produce(analytics, topic)))
                .as("no ACL: writing is refused").hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> consumeOne(analytics, topic))
                .as("no ACL: reading is refused").isInstanceOf(TopicAuthorizationException.class);

        platform.createAcls(List.of(
                allow(ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE),
                allow(ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ),
                allow(ResourceType.GROUP, "analytics.", PatternType.PREFIXED, AclOperation.READ))).all().get();
        assertThat(platform.describeAcls(AclBindingFilter.ANY).values().get()).hasSizeGreaterThanOrEqualTo(3);

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> produce(analytics, topic));
        assertThat(consumeOne(analytics, topic).value()).isEqualTo("v");
    }

    @Test
    void aSecuredAndAnUnsecuredClusterRunSideBySideInOneJvm() throws Exception {
        try (EmbeddedKafkaCluster open = EmbeddedKafkaCluster.start(); Admin admin = open.createAdmin()) {
            assertThat(open.isSecure()).isFalse();
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            assertThat(platform.describeCluster().nodes().get()).hasSize(1);
            assertThat(System.getProperty("java.security.auth.login.config")).isNull();
        }
    }

    @Test
    void credentialsSurviveARestartOnTheDataDirectoryAndStayPrivate(@TempDir Path dataDir) throws Exception {
        String topic = "t-" + UUID.randomUUID();
        Map<String, Object> before;
        try (EmbeddedKafkaCluster secured = EmbeddedKafkaCluster.builder().secure(true).dataDirectory(dataDir).start();
             Admin admin = secured.createAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            before = secured.platformClientConfig();
        }
        Path credentials = dataDir.resolve("credentials.properties");
        assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        try (EmbeddedKafkaCluster again = EmbeddedKafkaCluster.builder().secure(true).dataDirectory(dataDir).start()) {
            Map<String, Object> after = again.platformClientConfig();
            assertThat(after.get(SaslConfigs.SASL_JAAS_CONFIG)).isEqualTo(before.get(SaslConfigs.SASL_JAAS_CONFIG));
            try (Admin admin = Admin.create(after)) {
                assertThat(admin.listTopics().names().get()).contains(topic);
            }
        }
        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().dataDirectory(dataDir).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds a secured cluster")
                .hasMessageContaining("Start it secured");
    }

    @Test
    void anUnsecuredDataDirectoryIsNotStartedSecured(@TempDir Path dataDir) {
        EmbeddedKafkaCluster.builder().dataDirectory(dataDir).start().close();

        assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().secure(true).dataDirectory(dataDir).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was started unsecured")
                .hasMessageContaining("needs a new data directory");
    }

    @Test
    void brokersInChildProcessesReplicateAsTheBrokerPrincipal() throws Exception {
        try (EmbeddedKafkaCluster two = EmbeddedKafkaCluster.builder().secure(true).brokers(2)
                .brokersInChildProcesses(true).start(); Admin admin = two.createAdmin()) {
            String topic = "t-" + UUID.randomUUID();
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 2).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get();
            Map<String, Object> producer = two.platformClientConfig();
            producer.put(ProducerConfig.ACKS_CONFIG, "all");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> produce(producer, topic));
            assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions())
                    .allSatisfy(p -> assertThat(p.isr()).hasSize(2));
            try (Admin anonymous = Admin.create(quick(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    two.bootstrapServers())))) {
                assertThat(catchThrowable(() -> anonymous.listTopics().names().get()))
                        .hasCauseInstanceOf(TimeoutException.class);
            }
        }
    }

    private static String createUser(String user) throws Exception {
        String password = UUID.randomUUID().toString();
        platform.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
        Map<String, Object> config = quick(kafka.clientConfig(user, password));
        try (Admin admin = Admin.create(config)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> admin.describeCluster().nodes().get());
        }
        return password;
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:analytics", "*", operation, AclPermissionType.ALLOW));
    }

    private static void produce(Map<String, Object> base, String topic) throws ExecutionException, InterruptedException {
        Map<String, Object> config = quick(base);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get();
        }
    }

    private static ConsumerRecord<String, String> consumeOne(Map<String, Object> base, String topic) {
        Map<String, Object> config = quick(base);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "analytics." + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).isNotEmpty();
            return records.get(0);
        }
    }

    /** Short timeouts, so a refusal shows in seconds. */
    private static Map<String, Object> quick(Map<String, Object> base) {
        Map<String, Object> config = new HashMap<>(base);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 4000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return config;
    }
}

package io.meshstreams.local;

import io.meshstreams.local.internal.kafka.ClusterCredentials;
import io.meshstreams.local.internal.kafka.KafkaNode;
import io.meshstreams.local.internal.kafka.FreePorts;
import io.meshstreams.local.internal.kafka.SaslSettings;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Apache Kafka cluster in KRaft mode, running inside this JVM.
 *
 * <p>It runs the same server classes as {@code bin/kafka-server-start.sh}: each node is a
 * {@code kafka.server.KafkaRaftServer} over storage formatted like {@code kafka-storage.sh format}. With one
 * broker (the default) a single node is both broker and controller; with more, a dedicated controller
 * node runs beside brokers {@code 1..N}, so that any broker can be stopped without losing the quorum.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).start()) {
 *     String bootstrap = kafka.bootstrapServers();
 *     kafka.stopBroker(2);    // failover tests
 *     kafka.startBroker(2);   // same port, same data
 * }
 * }</pre>
 *
 * <p>A broker in this JVM can only stop by shutting down. To test a crash,
 * {@link Builder#brokersInChildProcesses(boolean)} runs each broker as {@code kafka.Kafka server.properties} in a JVM
 * of its own (the controller stays in this one), and {@link #killBroker(int)} ends it with SIGKILL:
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.builder().brokers(3).brokersInChildProcesses(true).start()) {
 *     kafka.killBroker(2);    // no controlled shutdown, no clean-shutdown marker
 *     kafka.startBroker(2);   // same port, same data, recovered from the crash
 * }
 * }</pre>
 *
 * <p>Guarantees:
 * <ol>
 *   <li>{@link Builder#start()} returns once every broker is registered, unfenced and answers requests.</li>
 *   <li>Ports are free ports chosen at start unless {@link Builder#kafkaPort(int)} fixes the first broker's;
 *       a restarted broker keeps its port and its data.</li>
 *   <li>{@link #stopBroker(int)} is a controlled shutdown: leadership moves away before the broker stops.
 *       {@link #killBroker(int)} (brokers in child processes only) is a crash: the controller fences the broker once
 *       its session times out ({@code broker.session.timeout.ms}, 4 s by default here), and the restarted broker
 *       recovers its logs. What the broker wrote stays in the operating system's page cache: a process crash, not a power cut.</li>
 *   <li>A broker in a child process never outlives this JVM: it halts when this JVM ends, however it ends. Its
 *       {@code server.properties} and output ({@code server.log}) are in {@code broker-<id>-process} under
 *       {@link #dataDirectory()}.</li>
 *   <li>Without {@link Builder#dataDirectory(Path)} the data lives in a temporary directory that
 *       {@link #close()} deletes; with it, data survives {@link #close()} and a later start on the same
 *       directory finds every topic and record again.</li>
 *   <li>Methods are thread-safe. {@link #close()} stops every node and is idempotent.</li>
 * </ol>
 *
 * <p>A <b>secured</b> cluster ({@link Builder#secure(boolean)}) is what a production cluster with SASL and ACLs looks
 * like to its clients:
 * <ol>
 *   <li>Every port authenticates: the client listener speaks SASL_PLAINTEXT with SCRAM-SHA-512 only (brokers replicate
 *       over it as {@code User:broker}); the controller listener SASL_PLAINTEXT with PLAIN, whose only user is
 *       {@code broker}. No port accepts an anonymous client.</li>
 *   <li>Kafka's {@code StandardAuthorizer} runs on brokers and controllers with
 *       {@code allow.everyone.if.no.acl.found=false}: a principal may do only what an ACL allows, except the super
 *       users {@code User:platform} (the mesh's provisioning principal), {@code User:registry} (the embedded schema
 *       registry) and {@code User:broker}.</li>
 *   <li>The SCRAM credentials of {@code platform}, {@code registry} and {@code broker} are created when the storage
 *       is formatted (Kafka's {@code kafka-storage.sh format --add-scram}), with random passwords. With a
 *       {@link Builder#dataDirectory(Path) data directory} the passwords are kept in {@code credentials.properties}
 *       there, readable by its owner alone, and a restart on it has the same users and passwords; a temporary
 *       cluster keeps them in memory.</li>
 *   <li>JAAS settings are scoped to each listener and each client, never JVM-wide, so secured and unsecured clusters
 *       run side by side in one JVM.</li>
 *   <li>A data directory remembers which kind it is: starting a secured one unsecured, or the reverse, is refused
 *       (an unsecured start would open every topic to anyone; a secured start lacks the credentials).</li>
 *   <li>{@link #clientConfig()} holds no credentials; {@link #platformClientConfig()} acts as {@code User:platform},
 *       {@link #clientConfig(String, String)} as any SCRAM user created on the cluster; {@link #createAdmin()} is the
 *       platform's.</li>
 * </ol>
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
    private static final int CONTROLLER_NODE_ID = 1000;
    private static final String CLUSTER_ID_FILE = "cluster.id";

    private final String host;
    private final Path dataDirectory;
    private final boolean temporaryData;
    private final @Nullable KafkaNode controller;
    private final Map<Integer, KafkaNode> brokers;
    private final @Nullable ClusterCredentials credentials;
    private final int controllerPort;
    private boolean closed;

    private EmbeddedKafkaCluster(String host, Path dataDirectory, boolean temporaryData,
                                 @Nullable KafkaNode controller, Map<Integer, KafkaNode> brokers,
                                 @Nullable ClusterCredentials credentials, int controllerPort) {
        this.host = host;
        this.controllerPort = controllerPort;
        this.credentials = credentials;
        this.dataDirectory = dataDirectory;
        this.temporaryData = temporaryData;
        this.controller = controller;
        this.brokers = brokers;
    }

    /** A builder for a one-broker cluster on free ports in a temporary directory. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a one-broker cluster with the defaults of {@link #builder()}. */
    public static EmbeddedKafkaCluster start() {
        return builder().start();
    }

    /** {@code host:port} of every broker, comma-separated, for {@code bootstrap.servers}. */
    public synchronized String bootstrapServers() {
        return brokers.values().stream()
                .map(node -> host + ":" + node.clientPort())
                .collect(Collectors.joining(","));
    }

    /**
     * {@code host:port} of the controller listener, for {@code bootstrap.controllers}. In a secured cluster it
     * accepts the brokers alone.
     */
    public String controllerEndpoint() {
        return host + ":" + controllerPort;
    }

    /** The ids of the brokers, {@code 1..N}, whether running or stopped. */
    public synchronized Set<Integer> brokerIds() {
        return Set.copyOf(brokers.keySet());
    }

    /** The client port of one broker. */
    public synchronized int brokerPort(int brokerId) {
        return broker(brokerId).clientPort();
    }

    /** True if the broker is running. */
    public synchronized boolean isRunning(int brokerId) {
        return broker(brokerId).isRunning();
    }

    /** The directory that holds every node's data. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Stops one broker with a controlled shutdown; its data stays. With one broker the controller in the same
     * node stops too. A broker in a child process gets SIGTERM, on which Kafka runs the same controlled shutdown.
     */
    public synchronized void stopBroker(int brokerId) {
        ensureOpen();
        broker(brokerId).stop();
    }

    /** Starts a stopped broker on its old port and data, and waits until the cluster sees it again. */
    public synchronized void startBroker(int brokerId) {
        ensureOpen();
        KafkaNode node = broker(brokerId);
        if (node.isRunning()) {
            return;
        }
        node.start();
        awaitBrokers(Duration.ofSeconds(60));
    }

    /**
     * Kills one broker as {@code kill -9} or a crash would: no controlled shutdown, no clean shutdown of its logs.
     * Returns when the process is gone; the controller still counts the broker as alive until its session times
     * out. {@link #startBroker(int)} starts it again on its port and data.
     *
     * @throws IllegalStateException if the brokers run in this JVM (start the cluster with
     *                               {@link Builder#brokersInChildProcesses(boolean)}), or the broker is not running
     */
    public synchronized void killBroker(int brokerId) {
        ensureOpen();
        broker(brokerId).kill();
    }

    /** Stops and starts one broker. */
    public void restartBroker(int brokerId) {
        stopBroker(brokerId);
        startBroker(brokerId);
    }

    /**
     * The client settings that reach this cluster, in a new mutable map: {@code bootstrap.servers}, and for a secured
     * cluster {@code security.protocol=SASL_PLAINTEXT} and {@code sasl.mechanism=SCRAM-SHA-512} without credentials
     * (add a {@code sasl.jaas.config}, or use {@link #clientConfig(String, String)}). Copy them into producer,
     * consumer, admin and streams configurations.
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (credentials != null) {
            config.putAll(SaslSettings.connection());
        }
        return config;
    }

    /** True if the cluster was started {@link Builder#secure(boolean) secured}. */
    public boolean isSecure() {
        return credentials != null;
    }

    /**
     * The client settings of the platform principal {@code User:platform}, a super user, in a new mutable map:
     * {@link #clientConfig()} plus its {@code sasl.jaas.config}. For an unsecured cluster, where every client may do
     * everything, the same as {@link #clientConfig()}.
     */
    public Map<String, Object> platformClientConfig() {
        return credentials == null ? clientConfig() : clientConfig(ClusterCredentials.PLATFORM,
                credentials.password(ClusterCredentials.PLATFORM));
    }

    /**
     * The client settings of a SCRAM-SHA-512 user of this secured cluster (created with
     * {@code Admin.alterUserScramCredentials}, or one of the built-in users), in a new mutable map:
     * {@link #clientConfig()} plus a {@code sasl.jaas.config} with the user's name and password. The user's principal
     * is {@code User:<user>}. Whether the password is right is for the broker to say when the client connects.
     *
     * @throws IllegalStateException    if the cluster is not secured (its clients have no identity to give)
     * @throws IllegalArgumentException if the user name is not 1 to 128 letters, digits, {@code .}, {@code _} or
     *                                  {@code -}, or the password holds a control character
     */
    public Map<String, Object> clientConfig(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (credentials == null) {
            throw new IllegalStateException("This embedded Kafka cluster is not secured, so its clients have no"
                    + " identity: use clientConfig(), or start it with EmbeddedKafkaCluster.builder().secure(true)");
        }
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.putAll(SaslSettings.forUser(user, password));
        return config;
    }

    /** The password of the built-in user {@code platform} or {@code registry} of a secured cluster; never logged. */
    String builtInPassword(String user) {
        if (credentials == null) {
            throw new IllegalStateException("This embedded Kafka cluster is not secured: it has no passwords");
        }
        if (user.equals(ClusterCredentials.BROKER)) {
            throw new IllegalArgumentException("The broker's password is the brokers' own; ask for platform or registry");
        }
        return credentials.password(user);
    }

    /** A new admin client for this cluster, acting as the platform in a secured cluster; the caller closes it. */
    public Admin createAdmin() {
        Map<String, Object> config = platformClientConfig();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "mesh-embedded-admin");
        return Admin.create(config);
    }

    /** Stops every node and, for a temporary cluster, deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        // Brokers stop in parallel (each shutdown blocks on its own controlled shutdown), then the controller. Brokers
        // in child processes over temporary data are killed: nothing of theirs is kept, so nothing needs a clean stop.
        if (temporaryData) {
            brokers.values().parallelStream().forEach(KafkaNode::endQuietly);
        } else {
            brokers.values().parallelStream().filter(KafkaNode::isRunning).forEach(KafkaNode::stopQuietly);
        }
        if (controller != null) {
            controller.stopQuietly();
        }
        log.debug("Embedded Kafka cluster stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        if (temporaryData) {
            deleteRecursively(dataDirectory);
        }
        log.info("Embedded Kafka cluster stopped (data {})", temporaryData ? "deleted" : "kept in " + dataDirectory);
    }

    private KafkaNode broker(int brokerId) {
        KafkaNode node = brokers.get(brokerId);
        if (node == null) {
            throw new IllegalArgumentException("No broker " + brokerId + " in this cluster; its brokers are "
                    + brokers.keySet());
        }
        return node;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This embedded Kafka cluster is closed; start a new one");
        }
    }

    private void awaitBrokers(Duration timeout) {
        Set<Integer> expected = brokers.entrySet().stream()
                .filter(e -> e.getValue().isRunning())
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = createAdmin()) {
            while (System.nanoTime() < deadline) {
                for (KafkaNode node : brokers.values()) {
                    node.failIfEndedOnItsOwn();
                }
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    Set<Integer> seen = nodes.stream().map(Node::id).collect(Collectors.toSet());
                    if (seen.containsAll(expected)) {
                        return;
                    }
                    last = new IllegalStateException("brokers seen " + seen + ", expected " + expected);
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(50); // polling the cluster, not a test wait
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded brokers", e);
        }
        throw new IllegalStateException("Embedded Kafka brokers " + expected + " did not become ready within "
                + timeout.toSeconds() + " s: " + last, last);
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.warn("Could not delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", directory, e.toString());
        }
    }

    /**
     * Settings for an {@link EmbeddedKafkaCluster}. Mutable, not thread-safe; {@link #start()} may be called once
     * per desired cluster.
     */
    public static final class Builder {
        private int brokers = 1;
        private String host = "127.0.0.1";
        private int kafkaPort;
        private @Nullable Path dataDirectory;
        private boolean brokersInChildProcesses;
        private boolean secure;
        private final Map<String, Object> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The number of brokers, 1 by default. With more than one, a separate controller node runs too. */
        public Builder brokers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("An embedded cluster needs at least one broker, got " + count);
            }
            this.brokers = count;
            return this;
        }

        /** The host the brokers bind to and advertise, {@code 127.0.0.1} by default. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The client port of broker 1; 0 (the default) picks a free port. Other brokers always get free ports. */
        public Builder kafkaPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("kafkaPort must be 0 (any free port) or 1..65535, got " + port);
            }
            this.kafkaPort = port;
            return this;
        }

        /**
         * Keeps the cluster's data in this directory, so that it survives {@link EmbeddedKafkaCluster#close()} and
         * a later start on the same directory finds every topic and record. Without it, data lives in a temporary
         * directory deleted on close.
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Runs each broker in a JVM of its own, a child process of this one started with this JVM's classpath, so
         * that {@link EmbeddedKafkaCluster#killBroker(int)} can kill it; false (the default) runs them in this JVM.
         * The controller always runs in this JVM, as a node of its own even with one broker. Each child JVM takes
         * about two seconds to start and up to 512 MB of heap.
         */
        public Builder brokersInChildProcesses(boolean inChildProcesses) {
            this.brokersInChildProcesses = inChildProcesses;
            return this;
        }

        /**
         * Secures the cluster (false by default): SASL on every listener, the {@code StandardAuthorizer}, and the
         * built-in super users {@code platform}, {@code registry} and {@code broker}; see the class documentation.
         */
        public Builder secure(boolean secured) {
            this.secure = secured;
            return this;
        }

        /** A broker (and controller) configuration property, such as {@code log.retention.ms}; overrides ours. */
        public Builder brokerProperty(String key, Object value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Formats storage if needed, starts every node and waits until all brokers are ready. */
        public EmbeddedKafkaCluster start() {
            long started = System.nanoTime();
            boolean temporary = dataDirectory == null;
            Path root;
            try {
                root = temporary ? Files.createTempDirectory("mesh-kafka-") : Files.createDirectories(dataDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Kafka data directory "
                        + (temporary ? "under " + System.getProperty("java.io.tmpdir") : dataDirectory)
                        + ": " + e.getMessage(), e);
            }
            ClusterCredentials credentials;
            try {
                credentials = credentials(root, temporary);
            } catch (RuntimeException e) {
                if (temporary) {
                    deleteRecursively(root);
                }
                throw e;
            }
            String clusterId = clusterId(root);
            List<String> scram = credentials == null ? List.of() : credentials.scramArguments();
            String clientListener = credentials == null ? "PLAINTEXT" : ClusterCredentials.CLIENT_LISTENER;
            boolean combined = brokers == 1 && !brokersInChildProcesses;
            int controllerId = combined ? 1 : CONTROLLER_NODE_ID;
            int controllerPort = FreePorts.pick(host);
            String voters = controllerId + "@" + host + ":" + controllerPort;

            Map<String, Object> common = defaults(brokers);
            common.put("controller.quorum.voters", voters);
            common.put("controller.listener.names", "CONTROLLER");
            if (credentials == null) {
                common.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            } else {
                common.putAll(credentials.nodeConfig());
            }
            common.putAll(brokerProperties);

            KafkaNode controllerNode = null;
            Map<Integer, KafkaNode> brokerNodes = new TreeMap<>();
            List<KafkaNode> all = new ArrayList<>();
            try {
                if (!combined) {
                    // Topic defaults are the controller's business in KRaft; brokers warn if they carry them.
                    Map<String, Object> controllerConfig = new LinkedHashMap<>(common);
                    controllerConfig.putIfAbsent("default.replication.factor", Math.min(3, brokers));
                    controllerNode = KafkaNode.controller(controllerId, host, controllerPort,
                            root.resolve("controller-" + controllerId), clusterId, controllerConfig, scram);
                    all.add(controllerNode);
                }
                for (int id = 1; id <= brokers; id++) {
                    int port = id == 1 && kafkaPort != 0 ? kafkaPort : FreePorts.pick(host);
                    KafkaNode node = combined
                            ? KafkaNode.combined(id, host, port, controllerPort, root.resolve("node-" + id), clusterId,
                                    common, clientListener, scram)
                            : KafkaNode.broker(id, host, port, root.resolve("broker-" + id), clusterId, common,
                                    brokersInChildProcesses, clientListener, scram);
                    brokerNodes.put(id, node);
                    all.add(node);
                }
                for (KafkaNode node : all) {
                    node.format();
                }
                // Controllers first, as KafkaRaftServer does; brokers start in parallel since each waits for the quorum.
                if (controllerNode != null) {
                    controllerNode.start();
                }
                brokerNodes.values().parallelStream().forEach(KafkaNode::start);
            } catch (RuntimeException e) {
                all.forEach(KafkaNode::endQuietly);
                if (temporary) {
                    deleteRecursively(root);
                }
                throw e;
            }
            EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(host, root, temporary, controllerNode, brokerNodes,
                    credentials, controllerPort);
            try {
                cluster.awaitBrokers(Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            log.info("Embedded Kafka cluster {} with {} broker(s){}{} ready at {} in {} ms (data in {})", clusterId,
                    brokers, brokersInChildProcesses ? " in child processes" : "",
                    credentials == null ? "" : ", secured (SASL_PLAINTEXT, SCRAM-SHA-512, StandardAuthorizer)",
                    cluster.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    root);
            return cluster;
        }

        /** Defaults sized for a laptop or a 2-core CI machine, with replication that the broker count allows. */
        private static Map<String, Object> defaults(int brokers) {
            int replication = Math.min(3, brokers);
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("offsets.topic.replication.factor", replication);
            props.put("offsets.topic.num.partitions", 5);
            props.put("transaction.state.log.replication.factor", replication);
            props.put("transaction.state.log.min.isr", Math.min(2, replication));
            props.put("transaction.state.log.num.partitions", 5);
            props.put("share.coordinator.state.topic.replication.factor", replication);
            props.put("share.coordinator.state.topic.min.isr", Math.min(2, replication));
            props.put("group.initial.rebalance.delay.ms", 0);
            // Topics are provisioned by mesh-streams; a typo in a topic name should fail, not create a topic.
            props.put("auto.create.topics.enable", false);
            props.put("num.network.threads", 2);
            props.put("num.io.threads", 4);
            props.put("background.threads", 4);
            props.put("num.recovery.threads.per.data.dir", 1);
            props.put("log.cleaner.threads", 1);
            props.put("log.cleaner.dedupe.buffer.size", 2 * 1024 * 1024);
            props.put("log.segment.bytes", 64 * 1024 * 1024);
            props.put("log.flush.offset.checkpoint.interval.ms", 5000);
            props.put("controlled.shutdown.enable", true);
            // A restarted broker re-registers once its old session is gone; keep that wait short on a laptop.
            props.put("broker.heartbeat.interval.ms", 1000);
            props.put("broker.session.timeout.ms", 4000);
            return props;
        }

        /**
         * The credentials of a secured cluster (in memory for temporary data, else kept in the data directory), or
         * null for an unsecured one; refuses a data directory of the other kind.
         */
        private @Nullable ClusterCredentials credentials(Path root, boolean temporary) {
            boolean usedBefore = Files.exists(root.resolve(CLUSTER_ID_FILE));
            boolean securedBefore = ClusterCredentials.existIn(root);
            if (!secure) {
                if (securedBefore) {
                    throw new IllegalStateException("The Kafka data directory " + root + " holds a secured cluster ("
                            + ClusterCredentials.FILE + " is there); starting it unsecured would open every topic to"
                            + " any client. Start it secured (EmbeddedKafkaCluster.builder().secure(true),"
                            + " LocalMesh.builder().secure(true), mesh dev --secure), or use another data directory");
                }
                return null;
            }
            if (temporary) {
                return ClusterCredentials.generate();
            }
            if (usedBefore && !securedBefore) {
                throw new IllegalStateException("The Kafka data directory " + root + " holds a cluster that was"
                        + " started unsecured, so its storage has no SCRAM credentials for the built-in users; a"
                        + " secured cluster needs a new data directory (or start this one without secure(true) /"
                        + " --secure)");
            }
            return ClusterCredentials.loadOrCreate(root);
        }

        private static String clusterId(Path root) {
            Path file = root.resolve(CLUSTER_ID_FILE);
            try {
                if (Files.exists(file)) {
                    return Files.readString(file).trim();
                }
                String id = Uuid.randomUuid().toString();
                Files.writeString(file, id);
                return id;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read or write the cluster id in " + file + ": " + e.getMessage(), e);
            }
        }
    }
}

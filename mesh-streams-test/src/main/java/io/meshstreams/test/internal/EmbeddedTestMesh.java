package io.meshstreams.test.internal;

import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.local.registry.SchemaRegistryServer;
import io.meshstreams.local.LocalMesh;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The default mode: Kafka and the registry in this JVM, secured or not. */
public final class EmbeddedTestMesh extends ManagedTestMesh {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration USER_READY_TIMEOUT = Duration.ofSeconds(60);

    private final LocalMesh mesh;
    /** Passwords of the domain users this mesh created, by domain. */
    private final Map<String, String> domainPasswords = new ConcurrentHashMap<>();

    private EmbeddedTestMesh(LocalMesh mesh) {
        super(mesh.kafka().platformClientConfig());
        this.mesh = mesh;
    }

    public static EmbeddedTestMesh start(int brokers, boolean brokersInChildProcesses, boolean secure) {
        return new EmbeddedTestMesh(LocalMesh.builder().brokers(brokers)
                .brokersInChildProcesses(brokersInChildProcesses).secure(secure).start());
    }

    @Override
    public String bootstrapServers() {
        return mesh.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return mesh.schemaRegistryUrl();
    }

    @Override
    public Map<String, Object> clientConfig() {
        return mesh.clientConfig();
    }

    @Override
    public Map<String, Object> platformConfig() {
        return mesh.platformClientConfig();
    }

    @Override
    public Map<String, Object> clientConfig(String domain) {
        requireDomainName(domain);
        Map<String, Object> config = mesh.isSecure()
                ? mesh.clientConfig(domain, domainPasswords.computeIfAbsent(domain, this::createUser))
                : mesh.clientConfig();
        config.put(DOMAIN_CONFIG, domain);
        return config;
    }

    @Override
    public boolean secure() {
        return mesh.isSecure();
    }

    /** Creates the domain's SCRAM user as the platform and returns once every running broker accepts its login. */
    private String createUser(String domain) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(domain,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
            EmbeddedKafkaCluster kafka = mesh.kafka();
            for (int broker : kafka.brokerIds()) {
                if (kafka.isRunning(broker)) {
                    awaitLogin(domain, password, hostOf(kafka), kafka.brokerPort(broker));
                }
            }
            return password;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the user of domain '" + domain + "'", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Could not create the SCRAM-SHA-512 user of domain '" + domain
                    + "' as the platform: " + e.getMessage(), e);
        }
    }

    private static String hostOf(EmbeddedKafkaCluster kafka) {
        String first = kafka.bootstrapServers().split(",")[0];
        return first.substring(0, first.lastIndexOf(':'));
    }

    /** A new credential reaches each broker with the metadata; until then a login with it fails. */
    private void awaitLogin(String domain, String password, String host, int port) throws InterruptedException {
        Map<String, Object> config = new HashMap<>(mesh.kafka().clientConfig(domain, password));
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, host + ":" + port);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "mesh-test-login-" + domain);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        long deadline = System.nanoTime() + USER_READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin login = Admin.create(config)) {
                login.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            }
            Thread.sleep(100); // polling the broker for the credential, not a test wait
        }
        throw new IllegalStateException("The broker at " + host + ":" + port + " did not accept the new user '" + domain
                + "' within " + USER_READY_TIMEOUT.toSeconds() + " s: " + last, last);
    }

    @Override
    public Optional<EmbeddedKafkaCluster> embeddedKafka() {
        return Optional.of(mesh.kafka());
    }

    @Override
    public Optional<SchemaRegistryServer> embeddedRegistry() {
        return Optional.of(mesh.registry());
    }

    @Override
    public String mode() {
        return "embedded";
    }

    @Override
    protected void closeServers() {
        mesh.close();
    }
}

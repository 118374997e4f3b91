package io.meshstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https registries: a self-signed certificate made with the JDK's keytool is trusted through
 * {@code schema.registry.ssl.truststore.*}, refused without it (once, not retried), and its host name
 * is checked unless the endpoint identification algorithm is empty.
 */
class RegistryTlsTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static Path truststore;
    private static Path otherHostTruststore;
    private static SSLContext serverContext;
    private static SSLContext otherHostServerContext;

    @BeforeAll
    static void makeCertificates() throws Exception {
        serverContext = serverContext(keyPair("registry", "SAN=ip:127.0.0.1,dns:localhost"));
        truststore = trustStoreFor("registry");
        otherHostServerContext = serverContext(keyPair("elsewhere", "SAN=dns:registry.elsewhere.example"));
        otherHostTruststore = trustStoreFor("elsewhere");
    }

    @Test
    void aRegistryWhoseCertificateIsInTheTruststoreIsReached() {
        try (StubRegistry registry = StubRegistry.startTls(serverContext);
             SchemaRegistryClient client = SchemaRegistryClient.create(tls(registry, truststore))) {
            assertThat(client.subjects()).isEmpty();
            assertThat(registry.requestLines()).containsExactly("GET /subjects");
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedOnceWithTheFix() {
        try (StubRegistry registry = StubRegistry.startTls(serverContext);
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(),
                     "max.retries", 3, "retries.wait.ms", 1))) {
            // when
            SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, client::subjects);

            // then
            assertThat(e).isExactlyInstanceOf(SchemaRegistryException.class);
            assertThat(e.getMessage())
                    .startsWith("TLS handshake with the schema registry at " + registry.url() + " failed for GET /subjects: ")
                    .endsWith(". Fix: set schema.registry.ssl.truststore.location to a truststore holding the CA that "
                            + "signed the registry's certificate, and check that the certificate names the host in "
                            + "schema.registry.url (or set schema.registry.ssl.endpoint.identification.algorithm to empty "
                            + "to skip the host name check).");
            assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
            assertThat(client.requestCount()).isEqualTo(1);
            assertThat(registry.requests()).isEmpty();
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessHostNameChecksAreOff() {
        try (StubRegistry registry = StubRegistry.startTls(otherHostServerContext)) {
            try (SchemaRegistryClient checking = SchemaRegistryClient.create(tls(registry, otherHostTruststore))) {
                SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, checking::subjects);
                assertThat(e.getMessage()).startsWith("TLS handshake with the schema registry at " + registry.url());
            }

            Map<String, Object> configs = tls(registry, otherHostTruststore);
            configs.put("schema.registry.ssl.endpoint.identification.algorithm", "");
            try (SchemaRegistryClient notChecking = SchemaRegistryClient.create(configs)) {
                assertThat(notChecking.subjects()).isEmpty();
            }
        }
    }

    private static Map<String, Object> tls(StubRegistry registry, Path trust) {
        Map<String, Object> configs = new HashMap<>();
        configs.put("schema.registry.url", registry.url());
        configs.put("schema.registry.ssl.truststore.location", trust.toString());
        configs.put("schema.registry.ssl.truststore.password", PASSWORD);
        configs.put("schema.registry.ssl.truststore.type", "PKCS12");
        return configs;
    }

    private static Path keyPair(String alias, String san) throws Exception {
        Path keystore = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + alias, "-ext", san, "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", alias, "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", dir.resolve(alias + ".cer").toString());
        return keystore;
    }

    private static Path trustStoreFor(String alias) throws Exception {
        Path trust = dir.resolve(alias + "-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", dir.resolve(alias + ".cer").toString(),
                "-keystore", trust.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        return trust;
    }

    private static SSLContext serverContext(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}

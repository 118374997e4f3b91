package io.meshstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Basic and bearer credentials, from Confluent's keys, reach the registry as Authorization headers. */
class RegistryAuthenticationTest {
    private StubRegistry registry;

    @BeforeEach
    void start() {
        registry = StubRegistry.start();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private String authorizationSentBy(Map<String, Object> configs) {
        try (SchemaRegistryClient client = SchemaRegistryClient.create(configs)) {
            client.subjects();
        }
        return registry.requests().get(0).header("Authorization");
    }

    @Test
    void userInfoSourceSendsBasicCredentials() {
        String header = authorizationSentBy(Map.of("schema.registry.url", registry.url(),
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "orders-svc:s3cr:et"));

        assertThat(header).isEqualTo("Basic " + base64("orders-svc:s3cr:et"));
    }

    @Test
    void urlSourceSendsTheUserInfoOfTheUrlAndLeavesItOutOfTheRequestLine() {
        String header = authorizationSentBy(Map.of("schema.registry.url",
                registry.url().replace("http://", "http://orders-svc:p%40ss@")));

        assertThat(header).isEqualTo("Basic " + base64("orders-svc:p@ss"));
        assertThat(registry.requestLines()).containsExactly("GET /subjects");
    }

    @Test
    void noCredentialsSendNoHeader() {
        assertThat(authorizationSentBy(Map.of("schema.registry.url", registry.url()))).isEmpty();
    }

    @Test
    void aStaticBearerTokenIsSent() {
        String header = authorizationSentBy(Map.of("schema.registry.url", registry.url(),
                "bearer.auth.credentials.source", "STATIC_TOKEN", "bearer.auth.token", "eyJ.token"));

        assertThat(header).isEqualTo("Bearer eyJ.token");
    }

    @Test
    void basicAndBearerTogetherAreAConfigurationError() {
        assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(),
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "a:b", "bearer.auth.token", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Both basic credentials (basic.auth.user.info) and a bearer token (bearer.auth.token) are "
                        + "configured for the schema registry; keep one of them.");
    }

    @Test
    void userInfoSourceWithoutUserInfoIsAConfigurationError() {
        assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(),
                "basic.auth.credentials.source", "USER_INFO")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value null for configuration basic.auth.user.info: set it to user:password, "
                        + "because basic.auth.credentials.source=USER_INFO");
    }

    @Test
    void anUnsupportedCredentialsSourceListsTheValidOnes() {
        assertThatThrownBy(() -> SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(),
                "basic.auth.credentials.source", "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class)
                // Kafka's validator lists the values from a set, in no fixed order
                .hasMessageStartingWith("Invalid value SASL_INHERIT for configuration basic.auth.credentials.source: "
                        + "String must be one of (case insensitive): ")
                .hasMessageContaining("USER_INFO")
                .hasMessageContaining(" URL");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}

package io.meshstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Confluent's keys, their defaults, and messages that name the key and what is valid. */
class SchemaRegistryClientConfigTest {

    @Test
    void defaultsAreConfluents() {
        SchemaRegistryClientConfig config = new SchemaRegistryClientConfig(Map.of("schema.registry.url", "http://a:8081, http://b:8081"));

        assertThat(config.urls()).containsExactly("http://a:8081", "http://b:8081");
        assertThat(config.getInt("max.retries")).isEqualTo(3);
        assertThat(config.getInt("retries.wait.ms")).isEqualTo(1000);
        assertThat(config.getInt("retries.max.wait.ms")).isEqualTo(20000);
        assertThat(config.getInt("http.connect.timeout.ms")).isEqualTo(60000);
        assertThat(config.getInt("http.read.timeout.ms")).isEqualTo(60000);
        assertThat(config.getInt("max.schemas.per.subject")).isEqualTo(1000);
        assertThat(config.getString("basic.auth.credentials.source")).isEqualTo("URL");
        assertThat(config.getString("schema.registry.ssl.endpoint.identification.algorithm")).isEqualTo("https");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(Map.of(), "Missing required configuration \"schema.registry.url\" which has no default value."),
                Arguments.of(Map.of("schema.registry.url", ""), "Invalid value [] for configuration schema.registry.url: "
                        + "give one or more registry URLs, e.g. http://localhost:8081"),
                Arguments.of(Map.of("schema.registry.url", "localhost:8081"), "Invalid value localhost:8081 for "
                        + "configuration schema.registry.url: give http:// or https:// URLs with a host, e.g. "
                        + "http://localhost:8081"),
                Arguments.of(Map.of("schema.registry.url", "ftp://registry"), "Invalid value ftp://registry for "
                        + "configuration schema.registry.url: give http:// or https:// URLs with a host, e.g. "
                        + "http://localhost:8081"),
                Arguments.of(Map.of("schema.registry.url", "http://a", "max.retries", -1), "Invalid value -1 for "
                        + "configuration max.retries: Value must be at least 0"),
                Arguments.of(Map.of("schema.registry.url", "http://a", "bearer.auth.credentials.source", "OAUTHBEARER"),
                        "Invalid value OAUTHBEARER for configuration bearer.auth.credentials.source: String must be one "
                                + "of (case insensitive): STATIC_TOKEN"),
                Arguments.of(Map.of("schema.registry.url", "https://a", "schema.registry.ssl.truststore.location",
                        "/nonexistent/truststore.p12"), "Invalid value /nonexistent/truststore.p12 for configuration "
                        + "schema.registry.ssl.truststore.location: cannot read it as a JKS store: "
                        + "/nonexistent/truststore.p12. Check the path, the type (schema.registry.ssl.truststore.type) "
                        + "and the password"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void anInvalidConfigurationNamesTheKeyAndWhatIsValid(Map<String, Object> configs, String message) {
        assertThatThrownBy(() -> SchemaRegistryClient.create(configs))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }
}

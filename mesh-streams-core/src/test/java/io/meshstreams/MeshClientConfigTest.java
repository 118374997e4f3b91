package io.meshstreams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.meshstreams.governance.MaskingRules;
import io.meshstreams.internal.client.MeshClientInternals;

import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's configuration: one text form of the hash key, secrets never shown, errors as MeshExceptions. */
class MeshClientConfigTest {
    /** One 32-byte secret. */
    private static final byte[] SECRET = HexFormat.of().parseHex(
            "8d2c6a0f41b3e95d7c18f2a4b06e3d95c1f7a28e4b9d03f6a5c7e1b2d4f60819");
    private static final String HEX = HexFormat.of().formatHex(SECRET);

    private static Map<String, Object> config(String hashKey) {
        Map<String, Object> config = new HashMap<>();
        config.put("mesh.domain", "orders");
        config.put("bootstrap.servers", "localhost:9");
        config.put("schema.registry.url", "http://localhost:9");
        if (hashKey != null) {
            config.put("mesh.masking.hash.key", hashKey);
        }
        return config;
    }

    @Test
    void theHashKeyIsHexAndHashesLikeTheSameBytesGivenInCode() {
        // given the secret as hex in the configuration, in either case, and as bytes in code
        MaskingRules fromConfig = new MeshClientConfig(config(HEX)).maskingRules();
        MaskingRules fromUpperCase = new MeshClientConfig(config(" " + HEX.toUpperCase() + "\n")).maskingRules();
        MaskingRules inCode = MaskingRules.defaults().withHashKey(SECRET);

        // then they are one key
        assertThat(fromConfig).isEqualTo(inCode).isEqualTo(fromUpperCase);
        assertThat(MaskingRules.parseHashKey(HEX)).isEqualTo(SECRET);
    }

    @Test
    void theSameSecretInAnotherEncodingIsRefusedNotSilentlyAnotherKey() {
        // given the 32 bytes as Base64, and 44 characters of text (long enough as UTF-8 bytes)
        String base64 = Base64.getEncoder().encodeToString(SECRET);
        for (String other : new String[] {base64, "correct horse battery staple, twice as long!"}) {
            // when
            InvalidConfigException refused = catchThrowableOfType(InvalidConfigException.class,
                    () -> new MeshClientConfig(config(other)).maskingRules());

            // then the key is named, the fix given, the value never shown
            assertThat(refused.key()).isEqualTo("mesh.masking.hash.key");
            assertThat(refused).hasMessageStartingWith("mesh.masking.hash.key: The masking hash key must be"
                            + " hexadecimal (digits 0-9 and a-f)")
                    .hasMessageContaining("openssl rand -hex 32")
                    .hasMessageNotContaining(other).hasMessageNotContaining(other.substring(0, 8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"})
    void aHexKeyOfFewerThan32BytesOrAnOddNumberOfDigitsIsRefused(String hex) {
        InvalidConfigException refused = catchThrowableOfType(InvalidConfigException.class,
                () -> new MeshClientConfig(config(hex)).maskingRules());

        assertThat(refused).hasMessageStartingWith("mesh.masking.hash.key: The masking hash key has")
                .hasMessageNotContaining(hex);
    }

    @Test
    void configShowsEverySecretAsHidden() {
        // given
        Map<String, Object> config = config(HEX);
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"orders\" password=\"s3cr3t-jaas\";");
        config.put("ssl.key.password", "s3cr3t-key");
        config.put("producer.ssl.truststore.password", "s3cr3t-truststore");
        config.put("basic.auth.user.info", "orders:s3cr3t-registry");
        config.put("bearer.auth.token", "s3cr3t-token");
        config.put("sasl.oauthbearer.client.credentials.client.secret", "s3cr3t-oauth");

        try (MeshClient client = MeshClient.create(config)) {
            // when
            Map<String, Object> shown = client.config();

            // then
            assertThat(shown.toString()).doesNotContain("s3cr3t").doesNotContain(HEX);
            assertThat(shown).containsEntry("sasl.jaas.config", "[hidden]").containsEntry("ssl.key.password", "[hidden]")
                    .containsEntry("producer.ssl.truststore.password", "[hidden]")
                    .containsEntry("basic.auth.user.info", "[hidden]").containsEntry("bearer.auth.token", "[hidden]")
                    .containsEntry("mesh.masking.hash.key", "[hidden]")
                    .containsEntry("mesh.domain", "orders")
                    .containsEntry("bootstrap.servers", "localhost:9");
            // while the library's own clients still get the secrets
            assertThat(MeshClientInternals.config(client)).containsEntry("ssl.key.password", "s3cr3t-key");
        }
    }

    @Test
    void aMissingOrMalformedSettingIsAnInvalidConfigExceptionNamingTheKey() {
        Map<String, Object> noDomain = config(null);
        noDomain.remove("mesh.domain");
        assertThat(catchThrowableOfType(InvalidConfigException.class, () -> MeshClient.create(noDomain)))
                .isInstanceOf(MeshException.class).hasMessageContaining("mesh.domain");

        Map<String, Object> badDomain = config(null);
        badDomain.put("mesh.domain", "Orders Team");
        InvalidConfigException refused = catchThrowableOfType(InvalidConfigException.class,
                () -> MeshClient.create(badDomain));
        assertThat(refused.key()).isEqualTo("mesh.domain");
        assertThat(refused).hasMessageStartingWith("mesh.domain: ").hasMessageContaining("use e.g. 'orders-team'");
    }
}

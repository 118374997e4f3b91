package io.meshstreams.local.internal.kafka;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import javax.security.auth.login.AppConfigurationEntry;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SaslSettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"plain", "with \"quotes\"", "back\\slash", "\\\"", "semi;colon password=\"x\" admin=true",
            "ünïcødé", "ends with \\"})
    void aPasswordReachesTheLoginModuleExactlyAsGivenWhateverItHolds(String password) {
        Map<String, ?> options = options(SaslSettings.scramJaas("analytics", password));

        assertThat(options).containsOnlyKeys("username", "password");
        assertThat(options.get("password")).isEqualTo(password);
        assertThat(options.get("username")).isEqualTo("analytics");
    }

    @Test
    void aUserNameThatCouldNotBeAPrincipalIsRefused() {
        assertThatThrownBy(() -> SaslSettings.scramJaas("analytics\" admin=\"true", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be a user of a secured mesh");
        assertThat(SaslSettings.isValidUserName("order-events.v1_x")).isTrue();
        assertThat(SaslSettings.isValidUserName("")).isFalse();
        assertThat(SaslSettings.isValidUserName("User:analytics")).isFalse();
    }

    @Test
    void controlCharactersInAPasswordAreRefused() {
        assertThatThrownBy(() -> SaslSettings.scramJaas("analytics", "line\nbreak"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a user name or password must not contain control characters");
    }

    @Test
    void builtInPasswordsNeedNoEscapingAnywhere() {
        for (int i = 0; i < 100; i++) {
            assertThat(ClusterCredentials.randomPassword()).matches("[A-Za-z0-9_-]{43}");
        }
        assertThat(ClusterCredentials.generate().scramArguments())
                .allMatch(argument -> argument.matches("SCRAM-SHA-512=\\[name=(platform|registry|broker),password=[A-Za-z0-9_-]{43}]"));
        assertThat(ClusterCredentials.generate().toString()).isEqualTo("ClusterCredentials[platform, registry, broker]");
    }

    private static Map<String, ?> options(String jaas) {
        // as Kafka's clients read sasl.jaas.config
        java.util.List<AppConfigurationEntry> entries = JaasContext.loadClientContext(
                Map.of("sasl.jaas.config", new Password(jaas))).configurationEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        return entries.get(0).getOptions();
    }
}

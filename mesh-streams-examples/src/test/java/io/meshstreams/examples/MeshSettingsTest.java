package io.meshstreams.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MeshSettingsTest {
    static final MeshSettings.Option RATE = new MeshSettings.Option("orders.per.second", "50", "rate");

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, """
                bootstrap.servers=from-file:9092
                schema.registry.url=http://from-file:8081
                orders.per.second=7
                security.protocol=SASL_SSL
                """);
        MeshSettings settings = MeshSettings.load(new String[] {"--bootstrap-servers", "from-flag:9092", "--config",
                file.toString()}, Map.of("BOOTSTRAP_SERVERS", "from-env:9092", "SCHEMA_REGISTRY_URL", "http://from-env:8081"),
                List.of(RATE));

        assertThat(settings.get(MeshSettings.BOOTSTRAP_SERVERS)).isEqualTo("from-flag:9092");
        assertThat(settings.get(MeshSettings.SCHEMA_REGISTRY_URL)).isEqualTo("http://from-env:8081");
        assertThat(settings.number(RATE)).isEqualTo(7);
        assertThat(settings.clientConfig("orders")).containsOnly(
                Map.entry("mesh.domain", "orders"),
                Map.entry("bootstrap.servers", "from-flag:9092"),
                Map.entry("schema.registry.url", "http://from-env:8081"),
                Map.entry("security.protocol", "SASL_SSL")); // passed on; the app's own option is not
    }

    @Test
    void defaultsAndTheConfigFileFromTheEnvironment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mesh.properties");
        Files.writeString(file, "mesh.masking.hash.key=0123456789abcdef0123456789abcdef\n");
        MeshSettings settings = MeshSettings.load(new String[] {"--orders-per-second=12.5"},
                Map.of("MESH_CONFIG", file.toString()), List.of(RATE));

        assertThat(settings.clientConfig("analytics")).containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("schema.registry.url", "http://localhost:8081")
                .containsEntry("mesh.masking.hash.key", "0123456789abcdef0123456789abcdef");
        assertThat(settings.number(RATE)).isEqualTo(12.5);
        assertThat(settings.describe()).contains("mesh.masking.hash.key=[hidden]").doesNotContain("0123456789abcdef");
    }

    @Test
    void anUnknownFlagNamesTheOnesThereAre() {
        assertThatThrownBy(() -> MeshSettings.load(new String[] {"--rate", "5"}, Map.of(), List.of(RATE)))
                .hasMessage("unknown option '--rate'; the options are --bootstrap-servers, --schema-registry-url,"
                        + " --mesh-masking-hash-key, --orders-per-second, --config");
        assertThatThrownBy(() -> MeshSettings.load(new String[] {"--orders-per-second"}, Map.of(), List.of(RATE)))
                .hasMessage("--orders-per-second needs a value");
    }
}

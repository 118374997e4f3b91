package io.meshstreams.examples;

import io.meshstreams.examples.analytics.AnalyticsApp;
import io.meshstreams.examples.customers.CustomersApp;
import io.meshstreams.examples.orders.OrdersApp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/docker-compose.yml and docker/Dockerfile are not run by our CI (no Docker): this checks what can be checked
 * without it, against the code: main classes, the environment variables each app reads, listeners and ports.
 */
class DockerComposeTest {
    static final Path DOCKER = Path.of("..", "docker");
    static final Map<String, Class<?>> APPS = Map.of("customers", CustomersApp.class, "orders", OrdersApp.class,
            "analytics", AnalyticsApp.class);
    static final Map<Class<?>, List<MeshSettings.Option>> OPTIONS = Map.of(CustomersApp.class, CustomersApp.OPTIONS,
            OrdersApp.class, OrdersApp.OPTIONS, AnalyticsApp.class, AnalyticsApp.OPTIONS);

    static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(DOCKER.resolve("docker-compose.yml").toFile());
    }

    @Test
    void eachAppRunsAnExistingMainClassWithVariablesThatItReads() throws Exception {
        JsonNode services = compose().get("services");
        for (Map.Entry<String, Class<?>> app : APPS.entrySet()) {
            JsonNode service = services.get(app.getKey());
            assertThat(service).as("service %s", app.getKey()).isNotNull();
            assertThat(service.get("command").get(0).asText()).isEqualTo(app.getValue().getName());
            Method main = app.getValue().getMethod("main", String[].class);
            assertThat(Modifier.isStatic(main.getModifiers())).isTrue();

            Set<String> known = new HashSet<>(Set.of("MESH_CONFIG"));
            Stream.concat(MeshSettings.MESH_OPTIONS.stream(), OPTIONS.get(app.getValue()).stream())
                    .forEach(option -> known.add(option.environmentVariable()));
            assertThat(names(service.get("environment"))).as("variables of %s", app.getKey())
                    .isSubsetOf(known).contains("BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL");
            assertThat(service.get("build").get("dockerfile").asText()).isEqualTo("docker/Dockerfile");
            assertThat(service.get("build").get("context").asText()).isEqualTo("..");
        }
        assertThat(services.get("analytics").get("environment").get("MESH_MASKING_HASH_KEY").asText()
                .replaceAll("^\\$\\{MESH_MASKING_HASH_KEY:-(.*)}$", "$1")).matches("[0-9a-f]{64,}");
    }

    @Test
    void appsAndTheRegistryReachKafkaOnAnAdvertisedListenerAndTheAppsReachTheRegistry() throws IOException {
        JsonNode services = compose().get("services");
        JsonNode kafka = services.get("kafka").get("environment");
        assertThat(services.get("kafka").get("image").asText()).startsWith("apache/kafka:");
        Map<String, String> listeners = listeners(kafka.get("KAFKA_LISTENERS").asText());
        Map<String, String> advertised = listeners(kafka.get("KAFKA_ADVERTISED_LISTENERS").asText());
        Set<String> protocols = listeners(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText().replace(":", "://"))
                .keySet();
        assertThat(protocols).containsAll(listeners.keySet());
        assertThat(listeners).containsKeys(kafka.get("KAFKA_CONTROLLER_LISTENER_NAMES").asText(),
                kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME").asText());
        advertised.forEach((name, address) -> assertThat(port(listeners.get(name))).as("port of listener %s", name)
                .isEqualTo(port(address)));
        assertThat(advertised.get("HOST")).isEqualTo("localhost:9092");
        assertThat(services.get("kafka").get("ports").get(0).asText()).isEqualTo("9092:9092");
        String inDocker = advertised.get("DOCKER");
        assertThat(inDocker).isEqualTo("kafka:19092");
        assertThat(kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS").asText())
                .isEqualTo("1@kafka:" + port(listeners.get("CONTROLLER")));

        JsonNode registry = services.get("schema-registry");
        assertThat(registry.get("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        assertThat(registry.get("environment").get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS").asText())
                .isEqualTo("PLAINTEXT://" + inDocker);
        URI registryListener = URI.create(registry.get("environment").get("SCHEMA_REGISTRY_LISTENERS").asText());

        for (String app : APPS.keySet()) {
            JsonNode environment = services.get(app).get("environment");
            assertThat(environment.get("BOOTSTRAP_SERVERS").asText()).as(app).isEqualTo(inDocker);
            URI url = URI.create(environment.get("SCHEMA_REGISTRY_URL").asText());
            assertThat(url.getHost()).as(app).isEqualTo("schema-registry");
            assertThat(services.has(url.getHost())).isTrue();
            assertThat(url.getPort()).as(app).isEqualTo(registryListener.getPort());
        }
    }

    @Test
    void theDockerfileRunsTheShadedExamplesJarThatMavenBuilds() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        String pom = Files.readString(Path.of("pom.xml"));

        assertThat(pom).contains("<shadedClassifierName>all</shadedClassifierName>");
        assertThat(dockerfile).contains("-pl mesh-streams-examples -am package")
                .contains("cp mesh-streams-examples/target/mesh-streams-examples-*-all.jar /mesh-streams-examples.jar")
                .contains("COPY --from=build /mesh-streams-examples.jar /opt/mesh-streams/mesh-streams-examples.jar")
                .contains("ENTRYPOINT [\"java\", \"-cp\", \"/opt/mesh-streams/mesh-streams-examples.jar\"]");
        assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build").contains("FROM eclipse-temurin:17-jre");
    }

    private static List<String> names(JsonNode mapping) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = mapping.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** {@code NAME://host:port,...} as name -> host:port. */
    private static Map<String, String> listeners(String text) {
        Map<String, String> listeners = new java.util.LinkedHashMap<>();
        for (String listener : text.split(",")) {
            String[] parts = listener.trim().split("://", 2);
            listeners.put(parts[0], parts[1]);
        }
        return listeners;
    }

    private static String port(String hostPort) {
        return hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }
}

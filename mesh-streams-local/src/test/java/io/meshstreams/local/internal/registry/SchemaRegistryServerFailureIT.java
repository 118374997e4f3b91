package io.meshstreams.local.internal.registry;

import static io.meshstreams.local.internal.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshstreams.local.EmbeddedKafkaCluster;
import io.meshstreams.local.registry.SchemaRegistryServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With its broker gone, the registry still answers reads, and writes fail fast with 50002 instead of hanging. */
class SchemaRegistryServerFailureIT {
    private static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaCluster.builder().brokers(1).start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void aWriteWithoutKafkaAnswers50002WithinTheTimeoutAndWritesWorkAgainOnceKafkaIsBack() {
        try (SchemaRegistryServer server = SchemaRegistryServer.builder().bootstrapServers(kafka.bootstrapServers())
                .operationTimeout(Duration.ofSeconds(3)).start()) {
            RegistryHttp http = new RegistryHttp(server.url());
            assertThat(http.register("a-value", "\"string\"")).isEqualTo(1);

            kafka.stopBroker(1);
            try {
                long started = System.nanoTime();
                RegistryHttp.Answer answer = http.post("/subjects/b-value/versions", schemaBody("\"int\""));
                long tookMs = (System.nanoTime() - started) / 1_000_000;

                assertThat(answer.status()).as(answer.text()).isEqualTo(500);
                assertThat(answer.errorCode()).as(answer.text()).isEqualTo(50002);
                assertThat(answer.message()).startsWith("Timed out after 3000 ms");
                assertThat(tookMs).isLessThan(10_000);
                assertThat(http.get("/schemas/ids/1").status()).as("reads answer from memory").isEqualTo(200);
                assertThat(http.post("/subjects/b-value/versions", "{").status()).as("bad input is still 400").isEqualTo(400);
            } finally {
                kafka.startBroker(1);
            }

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(http.post("/subjects/b-value/versions", schemaBody("\"int\"")).text()).isEqualTo("{\"id\":2}"));
        }
    }
}

package io.meshstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Reading schemas by id, what deserializers do on a cache miss, goes through a circuit breaker: an outage costs the
 * retry budget once, then reads fail at once until the next probe; any answer closes it.
 */
class RegistryReadBreakerTest {

    @Test
    void afterAReadFoundTheRegistryDownReadsFailAtOnceWithoutARequest() throws IOException {
        String dead = deadUrl();
        try (SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", dead,
                "max.retries", 0, "retries.wait.ms", 60_000, "retries.max.wait.ms", 60_000))) {
            // given: a first read finds the registry down (the breaker then opens for 30 to 60 s)
            RegistryUnavailableException first = catchThrowableOfType(RegistryUnavailableException.class,
                    () -> client.schemaById(7));
            long requestsAfterFirst = client.requestCount();

            // when: the next reads, of this id or another, come within the breaker's window
            RegistryUnavailableException second = catchThrowableOfType(RegistryUnavailableException.class,
                    () -> client.schemaById(8));
            RegistryUnavailableException third = catchThrowableOfType(RegistryUnavailableException.class,
                    () -> client.schemaById(9));

            // then
            assertThat(first).hasMessageContaining("did not answer GET /schemas/ids/7");
            assertThat(client.requestCount()).isEqualTo(requestsAfterFirst);
            assertThat(second.getMessage()).startsWith("The schema registry [" + dead + "] is known to be unavailable: "
                            + "1 read in a row got no answer, the first ")
                    .contains("(last failure: " + dead + ": ConnectException")
                    .contains("so GET /schemas/ids/8 was not sent; the next read is tried in ");
            assertThat(third).hasMessageContaining("GET /schemas/ids/9 was not sent");
        }
    }

    @Test
    void afterTheWindowOneProbeWithoutRetriesGoesOutAndAnAnswerClosesTheBreaker() {
        try (StubRegistry registry = StubRegistry.start();
             SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(),
                     "max.retries", 2, "retries.wait.ms", 1, "retries.max.wait.ms", 1))) {
            // given: an outage seen by one read (3 attempts), then a registry that answers 503 once more
            for (int i = 0; i < 4; i++) {
                registry.thenAnswer(503, "{\"error_code\":50301,\"message\":\"leader election\"}");
            }
            catchThrowableOfType(RegistryUnavailableException.class, () -> client.schemaById(1));
            assertThat(registry.requests()).hasSize(3);

            // when: once the window (at most 1 ms) has passed, the probe is one attempt, no retries (reads before that
            // fail without a request)
            retryUntil(() -> {
                catchThrowableOfType(RegistryUnavailableException.class, () -> client.schemaById(1));
                return registry.requests().size() > 3;
            });
            assertThat(registry.requests()).hasSize(4);
            // the next probe reaches the registry, which answers (a 404: the stub has no schema 1)
            retryUntil(() -> catchThrowableOfType(SchemaRegistryException.class,
                    () -> client.schemaById(1)) instanceof RegistryNotFoundException);
            assertThat(registry.requests()).hasSize(5);

            // then: an answer closed the breaker: reads are sent with the full budget again
            registry.thenAnswer(503, "{}").thenAnswer(503, "{}");
            catchThrowableOfType(RegistryNotFoundException.class, () -> client.schemaById(1));
            assertThat(registry.requests()).hasSize(8);
        }
    }

    @Test
    void otherRequestsNeverGoThroughTheBreaker() throws IOException {
        String dead = deadUrl();
        try (SchemaRegistryClient client = SchemaRegistryClient.create(Map.of("schema.registry.url", dead,
                "max.retries", 0, "retries.wait.ms", 60_000, "retries.max.wait.ms", 60_000))) {
            catchThrowableOfType(RegistryUnavailableException.class, () -> client.schemaById(7));
            long before = client.requestCount();

            catchThrowableOfType(RegistryUnavailableException.class, client::subjects);

            assertThat(client.requestCount()).isEqualTo(before + 1);
        }
    }

    /** Calls {@code attempt} until it is true, for at most 5 s (the windows here are at most 1 ms). */
    private static void retryUntil(BooleanSupplier attempt) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!attempt.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("time left").isNegative();
        }
    }

    private static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}

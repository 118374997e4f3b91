package io.meshstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connection failures and 5xx answers are retried with backoff and fail over between URLs; 4xx never are. */
class RegistryRetryTest {
    private StubRegistry registry;

    @BeforeEach
    void start() {
        registry = StubRegistry.start();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private SchemaRegistryClient client(String urls, int maxRetries) {
        return SchemaRegistryClient.create(Map.of("schema.registry.url", urls, "max.retries", maxRetries,
                "retries.wait.ms", 1, "retries.max.wait.ms", 5));
    }

    @Test
    void fiveHundredsAreRetriedUntilTheRegistryAnswers() {
        // given
        registry.thenAnswer(503, "{\"error_code\":50301,\"message\":\"leader election\"}")
                .thenAnswer(500, "{\"error_code\":50001,\"message\":\"store error\"}");

        try (SchemaRegistryClient client = client(registry.url(), 3)) {
            // when
            assertThat(client.subjects()).isEmpty();

            // then
            assertThat(registry.requestLines()).containsExactly("GET /subjects", "GET /subjects", "GET /subjects");
            assertThat(client.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void whenEveryRetryFailsTheErrorSaysHowOftenWhereAndTheLastAnswer() {
        // given
        for (int i = 0; i < 3; i++) {
            registry.thenAnswer(503, "{\"error_code\":50301,\"message\":\"leader election\"}");
        }

        try (SchemaRegistryClient client = client(registry.url(), 2)) {
            // when
            RegistryUnavailableException e = catchThrowableOfType(RegistryUnavailableException.class, client::subjects);

            // then
            assertThat(e).hasMessage("The schema registry did not answer GET /subjects after 3 attempts (3 rounds over ["
                    + registry.url() + "]); last failure: " + registry.url() + ": HTTP 503 (error_code 50301) leader "
                    + "election. Fix: check that the registry is running and reachable at schema.registry.url, or allow "
                    + "more time with max.retries and retries.max.wait.ms.");
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.errorCode()).isEqualTo(50301);
            assertThat(registry.requests()).hasSize(3);
        }
    }

    @Test
    void fourHundredsAreNeverRetried() {
        // given
        registry.thenAnswer(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}");

        try (SchemaRegistryClient client = client(registry.url(), 5)) {
            // when
            RegistryNotFoundException e = catchThrowableOfType(RegistryNotFoundException.class, () -> client.versions("x"));

            // then
            assertThat(e.errorCode()).isEqualTo(40401);
            assertThat(registry.requests()).hasSize(1);
            assertThat(client.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void aRefusedConnectionIsRetriedAndThenReportedWithoutAStatus() throws IOException {
        // given
        String dead = deadUrl();

        try (SchemaRegistryClient client = client(dead, 2)) {
            // when
            RegistryUnavailableException e = catchThrowableOfType(RegistryUnavailableException.class, client::subjects);

            // then
            assertThat(e.getMessage()).startsWith("The schema registry did not answer GET /subjects after 3 attempts "
                    + "(3 rounds over [" + dead + "]); last failure: " + dead + ": ConnectException");
            assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
            assertThat(client.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void aDeadUrlFailsOverToTheNextAndTheLiveOneIsTriedFirstAfterwards() throws IOException {
        // given
        String dead = deadUrl();

        try (SchemaRegistryClient client = client(dead + "," + registry.url(), 0)) {
            // when
            client.subjects();
            long afterFirst = client.requestCount();
            client.subjects();

            // then
            assertThat(afterFirst).isEqualTo(2);
            assertThat(client.requestCount()).isEqualTo(3);
            assertThat(registry.requests()).hasSize(2);
        }
    }

    @Test
    void aFiveHundredFailsOverToTheNextUrlWithinOneRound() {
        // given
        try (StubRegistry second = StubRegistry.start()) {
            registry.thenAnswer(500, "{\"error_code\":50001,\"message\":\"store error\"}");

            try (SchemaRegistryClient client = client(registry.url() + "," + second.url(), 0)) {
                // when
                client.subjects();

                // then
                assertThat(registry.requests()).hasSize(1);
                assertThat(second.requests()).hasSize(1);
            }
        }
    }

    /** A loopback URL where nothing listens: a port the OS handed out and that was closed again. */
    static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}

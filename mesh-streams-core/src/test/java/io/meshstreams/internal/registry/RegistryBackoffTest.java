package io.meshstreams.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wait before retry n: exponential ceiling from retries.wait.ms, capped by retries.max.wait.ms, full jitter. */
class RegistryBackoffTest {

    @ParameterizedTest(name = "retry {0}, wait {1}, max {2}, random {3}: {4} ms")
    @CsvSource({
            // retry, waitMs, maxWaitMs, random, expected
            "0, 1000, 20000, 0.0,    1",
            "0, 1000, 20000, 0.9999, 1000",
            "1, 1000, 20000, 0.9999, 2000",
            "3, 1000, 20000, 0.9999, 8000",
            "4, 1000, 20000, 0.5,    8001",
            "5, 1000, 20000, 0.9999, 19999",
            "30, 1000, 20000, 0.9999, 19999",
            "200, 1000, 20000, 0.9999, 19999",
            "2, 0, 20000, 0.9999, 0",
            "2, 1000, 0, 0.9999, 0"})
    void theWaitIsDrawnBelowADoublingCappedCeiling(int retry, int waitMs, int maxWaitMs, double random, long expected) {
        assertThat(RegistryHttp.backOffMs(retry, waitMs, maxWaitMs, random)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "failure {0}, wait {1}, max {2}, random {3}: open {4} ms")
    @CsvSource({
            // failures, waitMs, maxWaitMs, random, expected
            "1, 1000, 20000, 0.0,    500",
            "1, 1000, 20000, 0.9999, 999",
            "2, 1000, 20000, 0.0,    1000",
            "3, 1000, 20000, 0.5,    3000",
            "6, 1000, 20000, 0.0,    10000",
            "40, 1000, 20000, 0.9999, 19999",
            "1, 0, 20000, 0.5, 0",
            "1, 1, 1, 0.0, 1"})
    void theReadBreakerStaysOpenForTheUpperHalfOfADoublingCappedCeiling(int failures, int waitMs, int maxWaitMs,
                                                                        double random, long expected) {
        assertThat(RegistryHttp.breakerWaitMs(failures, waitMs, maxWaitMs, random)).isEqualTo(expected);
    }
}

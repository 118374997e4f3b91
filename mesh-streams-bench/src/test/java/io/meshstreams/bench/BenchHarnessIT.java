package io.meshstreams.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end benchmarks, small: each side runs its warm-up and measured rounds on the in-process mesh, and the
 * last line has the exact shape the README and the issue give. Not a speed test: the ratio only has to be a ratio.
 */
class BenchHarnessIT {
    private static final String RATIO_LINE = "(publish|join) ratio: \\d+\\.\\d\\d \\(mesh \\d+ rec/s, plain \\d+ rec/s\\)";

    private static BenchEnvironment environment;

    @BeforeAll
    static void startMesh() {
        environment = BenchEnvironment.of(null, null);
    }

    @AfterAll
    static void stopMesh() {
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void thePublishBenchmarkRunsEveryRoundAndEndsWithItsRatioLine() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AlternatingRounds.Ratio ratio = new PublishComparison(2_000, 2, 2, new PrintStream(printed, true,
                StandardCharsets.UTF_8)).run(environment);

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).filteredOn(line -> line.startsWith("  round ")).hasSize(4);
        assertThat(lines.get(lines.size() - 1)).matches(RATIO_LINE).startsWith("publish ratio: ");
        assertThat(ratio.mesh()).isPositive();
        assertThat(ratio.plain()).isPositive();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theJoinBenchmarkRunsEachRoundAsAFreshApplicationAndEndsWithItsRatioLine() {
        // two warm-up rounds per side: each must be an application of its own, or the second finds its input consumed
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        AlternatingRounds.Ratio ratio = new JoinComparison(2_000, 2, 2, new PrintStream(printed, true,
                StandardCharsets.UTF_8)).run(environment);

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).filteredOn(line -> line.startsWith("  round ")).hasSize(4);
        assertThat(lines.get(lines.size() - 1)).matches(RATIO_LINE).startsWith("join ratio: ");
        assertThat(ratio.mesh()).isPositive();
        assertThat(ratio.plain()).isPositive();
    }
}

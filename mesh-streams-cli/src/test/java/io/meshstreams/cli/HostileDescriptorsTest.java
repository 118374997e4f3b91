package io.meshstreams.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code mesh validate} runs in CI on pull requests, so a descriptor is input from strangers: each hostile one is
 * refused within seconds with exit code 1, the problem's path and fix, no stack trace, and nothing of the file it
 * tried to read.
 */
class HostileDescriptorsTest {
    /** Far more than any case needs: a hang (a FIFO opened, /dev/zero read) fails instead of blocking the build. */
    static final Duration HANG = Duration.ofSeconds(60);
    /** "Within a few seconds", with room for a machine that is busy with other builds. */
    static final Duration PROMPT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    static List<HostileDescriptors.Case> cases;

    @BeforeAll
    static void writeCases() throws Exception {
        cases = new HostileDescriptors(dir).all();
    }

    static List<HostileDescriptors.Case> cases() {
        return cases;
    }

    record Run(int exit, String out, String err, Duration took) {
    }

    static Run validate(List<String> args) {
        return assertTimeoutPreemptively(HANG, () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = Mesh.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            List<String> all = new ArrayList<>(List.of("validate"));
            all.addAll(args);
            long start = System.nanoTime();
            int exit = commandLine.execute(all.toArray(String[]::new));
            return new Run(exit, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - start));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedPromptlyWithPathAndFixAndWithoutQuotingTheFile(HostileDescriptors.Case hostile) {
        Run run = validate(hostile.args());

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.took()).as("time to refuse").isLessThan(PROMPT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(hostile.expected());
        assertThat(run.err()).startsWith("Data product ").contains(" problem");
        assertThat(run.out() + run.err()).as("no secret quoted").doesNotContain(HostileDescriptors.SECRET)
                .as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Error:");
    }

    @Test
    void aSchemaRootLetsDescriptorsShareSchemasAboveThemButNoFurther() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repo.resolve("common"));
        Files.writeString(repo.resolve("common/order.avsc"), HostileDescriptors.VALID_SCHEMA);
        Path product = Files.createDirectories(repo.resolve("domains/orders")).resolve("data-product.yaml");
        Files.writeString(product, HostileDescriptors.descriptor("../../common/order.avsc", "{ field: orderId }"));

        Run withoutRoot = validate(List.of(product.toString()));
        assertThat(withoutRoot.exit()).isEqualTo(1);
        assertThat(withoutRoot.err()).contains("outputPorts[0].schema: the schema file '../../common/order.avsc' lies"
                + " outside the descriptor's directory " + product.getParent());

        Run withRoot = validate(List.of("--schema-root", repo.toString(), product.toString()));
        assertThat(withRoot.exit()).as(withRoot.err()).isZero();
        assertThat(withRoot.out()).isEqualTo("orders.order-events: valid (1 output port(s): [orders.order-events.placed.v1])\n");

        Files.writeString(product, HostileDescriptors.descriptor("../../../outside/secrets.json", "{ field: orderId }"));
        Run beyondRoot = validate(List.of("--schema-root", repo.toString(), product.toString()));
        assertThat(beyondRoot.exit()).isEqualTo(1);
        assertThat(beyondRoot.err()).contains("lies outside the schema root " + repo)
                .doesNotContain(HostileDescriptors.SECRET);
    }
}

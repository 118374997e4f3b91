package io.meshstreams.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged {@code mesh} jar, as CI runs it, refuses every hostile descriptor in one run. */
class PackagedValidateIT {
    @TempDir
    Path dir;

    @Test
    void thePackagedCliRefusesEveryHostileDescriptorInOneRunWithoutQuotingOrStackTraces() throws Exception {
        List<HostileDescriptors.Case> cases = new HostileDescriptors(dir).all().stream()
                .filter(HostileDescriptors.Case::defaultOptions).toList();
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", jar().toString(), "validate"));
        cases.forEach(c -> command.addAll(c.args()));

        Process mesh = new ProcessBuilder(command).start();
        CompletableFuture<String> out = read(mesh.getInputStream());
        CompletableFuture<String> err = read(mesh.getErrorStream());
        boolean ended = mesh.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            mesh.destroyForcibly();
        }

        assertThat(ended).as("mesh validate ended").isTrue();
        assertThat(mesh.exitValue()).isEqualTo(1);
        String errors = err.get(10, TimeUnit.SECONDS);
        assertThat(out.get(10, TimeUnit.SECONDS)).isEmpty();
        for (HostileDescriptors.Case hostile : cases) {
            assertThat(errors).as(hostile.name()).contains(hostile.expected());
        }
        assertThat(errors).doesNotContain(HostileDescriptors.SECRET).doesNotContain("\tat ")
                .doesNotContain("Exception").doesNotContain("OutOfMemory");
    }

    private static CompletableFuture<String> read(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().matches("mesh-streams-cli-.*-all\\.jar")).toList();
            assertThat(jars).as("the shaded CLI jar in target" + File.separator).hasSize(1);
            return jars.get(0);
        }
    }
}

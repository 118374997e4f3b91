package io.meshstreams.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code mesh demo} from the packaged CLI jar, as users do, in its own JVM with its own embedded mesh. */
class MeshDemoIT {
    private static final Pattern ORDERS =
            Pattern.compile("^  orders +([\\d,]+) published \\+ ([\\d,]+) quarantined = ([\\d,]+) generated$");
    private static final Pattern ANALYTICS =
            Pattern.compile("^  analytics +received ([\\d,]+) enriched orders for the ([\\d,]+) orders published.*");
    private static final Pattern PROGRESS = Pattern.compile("^ +\\d+ s( +[\\d,]+){6} +\\S+$");

    @Test
    void runsTheThreeDomainsAndEndsWithASummaryWhoseCountsAddUp() throws Exception {
        Process demo = start("demo", "--duration", "10", "--seed", "42");
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(demo.getErrorStream()));
        List<String> out = lines(demo);
        assertThat(demo.waitFor(180, TimeUnit.SECONDS)).isTrue();

        assertThat(demo.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", String.join("\n", out), stderr.get())
                .isZero();
        assertThat(out).anyMatch(line -> line.contains("the public DEMO key"));
        assertThat(out).filteredOn(line -> PROGRESS.matcher(line).matches()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(out).anyMatch(line -> line.matches("^ +order [0-9a-f]{8} +c-\\d{5} .*customerNameHash [0-9a-f]{10}\\.\\.\\..*"));

        Matcher orders = find(out, ORDERS);
        long published = number(orders.group(1));
        long quarantined = number(orders.group(2));
        assertThat(published + quarantined).isEqualTo(number(orders.group(3)));
        assertThat(quarantined).as("about 4% of the orders").isPositive().isLessThan(published / 10);
        Matcher analytics = find(out, ANALYTICS);
        assertThat(number(analytics.group(1))).isEqualTo(number(analytics.group(2))).isEqualTo(published);
        assertThat(out).noneMatch(line -> line.contains("do not add up"));
        assertThat(stderr.get()).doesNotContain("Exception");
    }

    @Test
    void sigtermStopsTheDomainsAndTheMeshAndStillPrintsTheSummary() throws Exception {
        Process demo = start("demo", "--duration", "120");
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(demo.getErrorStream()));
        List<String> out = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.add(line);
                if (line.matches("^ +4 s .*")) {
                    demo.toHandle().destroy(); // SIGTERM
                }
            }
        }
        assertThat(demo.waitFor(90, TimeUnit.SECONDS)).isTrue();

        assertThat(demo.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hooks ran
        assertThat(out).anyMatch(line -> line.startsWith("summary (interrupted)"));
        Matcher orders = find(out, ORDERS);
        assertThat(number(orders.group(1)) + number(orders.group(2))).isEqualTo(number(orders.group(3)));
        assertThat(stderr.get()).contains("mesh demo: interrupted; stopping the domains and the mesh");
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx1g", "-jar", jar().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }

    private static List<String> lines(Process process) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Matcher find(List<String> lines, Pattern pattern) {
        for (String line : lines) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.matches()) {
                return matcher;
            }
        }
        throw new AssertionError("no line matches " + pattern + " in:\n" + String.join("\n", lines));
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
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

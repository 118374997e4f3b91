package io.meshstreams.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the packaged CLI jar as users do, in its own JVM. */
class MeshDevIT {
    private static final Pattern READY =
            Pattern.compile("^mesh dev ready: kafka=(127\\.0\\.0\\.1:\\d+) registry=(http://127\\.0\\.0\\.1:\\d+)$");

    @Test
    void printsOneReadyLineServesTheRegistryAndStopsCleanlyOnSigterm(@TempDir Path dataDir) throws Exception {
        String registryUrl;
        Process dev = start(dataDir);
        try (BufferedReader out = reader(dev)) {
            String line = out.readLine();
            Matcher ready = READY.matcher(line == null ? "" : line);
            assertThat(ready.matches()).as("first stdout line: %s", line).isTrue();
            registryUrl = ready.group(2);

            assertThat(get(registryUrl + "/subjects")).isEqualTo("[]");
            assertThat(post(registryUrl + "/subjects/kept-value/versions", "{\"schema\": \"\\\"string\\\"\"}"))
                    .isEqualTo("{\"id\":1}");

            dev.toHandle().destroy(); // SIGTERM, leaving our ends of its pipes open
            assertThat(dev.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).as("nothing more on stdout").isNull();
        }
        assertThat(new String(dev.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("mesh dev: stopping").contains("mesh dev: stopped; data kept in");

        Process again = start(dataDir);
        try (BufferedReader out = reader(again)) {
            Matcher ready = READY.matcher(String.valueOf(out.readLine()));
            assertThat(ready.matches()).isTrue();
            assertThat(get(ready.group(2) + "/subjects")).as("schemas survive a restart with --data-dir")
                    .isEqualTo("[\"kept-value\"]");
        } finally {
            again.destroy();
            again.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPortInUseIsAClearErrorNotAStackTrace() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Process dev = new ProcessBuilder(java(), "-jar", jar().toString(), "dev",
                    "--kafka-port", String.valueOf(taken.getLocalPort()), "--registry-port", "0").start();
            assertThat(dev.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(dev.exitValue()).isEqualTo(1);
            assertThat(new String(dev.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
                    .contains("pass --kafka-port with another port, or 0 for any free port")
                    .doesNotContain("\tat ");
            assertThat(new String(dev.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
        }
    }

    private static Process start(Path dataDir) throws IOException {
        return new ProcessBuilder(java(), "-Xmx1g", "-jar", jar().toString(), "dev", "--kafka-port", "0",
                "--registry-port", "0", "--data-dir", dataDir.toString()).start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String post(String url, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}

package io.meshstreams.cli;

import io.meshstreams.local.LocalMesh;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** validate, plan, apply and catalog, as a CI job runs them, against an in-process mesh. */
class ProductCommandsIT {
    static LocalMesh mesh;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        mesh = LocalMesh.builder().start();
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Mesh.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path product(String name, String extraField) throws IOException {
        Files.writeString(dir.resolve(name + ".avsc"), """
                {"type": "record", "name": "Shipment", "namespace": "com.example.logistics", "fields": [
                  {"name": "shipmentId", "type": "string"},
                  {"name": "weightKg", "type": "double"}""" + extraField + "]}");
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                apiVersion: mesh-streams/v1
                kind: DataProduct
                domain: logistics
                name: %s
                owner: team-logistics@example.com
                outputPorts:
                  - name: shipped
                    version: 1
                    schema: %s.avsc
                    key: { field: shipmentId }
                    rules:
                      - { name: positive-weight, expression: message.weightKg > 0.0 }
                """.formatted(name, name));
        return file;
    }

    @Test
    void validateReportsEveryProblemAndExitsWithOne() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "domain: Logistics\nname: x\nowner: o\noutputPorts:\n  - name: p\n    version: 1\n"
                + "    schema: missing.avsc\n    key: id\n");

        Run run = run("validate", bad.toString(), product("good", "").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("outputPorts[0].schema: the schema file 'missing.avsc' does not exist")
                .contains("domain: the domain name 'Logistics' is not lower case");
        assertThat(run("validate", product("good2", "").toString()).out())
                .isEqualTo("logistics.good2: valid (1 output port(s): [logistics.good2.shipped.v1])\n");
    }

    @Test
    void planThenApplyThenPlanAgainShowsNothingLeftToDoAndAnIncompatibleChangeIsRefusedWithTwo() throws IOException {
        Path file = product("parcels", "");
        String[] servers = {"--bootstrap-servers", mesh.bootstrapServers(), "--schema-registry-url", mesh.schemaRegistryUrl()};

        Run plan = run(concat(new String[] {"plan", file.toString()}, servers));
        assertThat(plan.exit()).isZero();
        assertThat(plan.out()).contains("CREATE    TOPIC         logistics.parcels.shipped.v1");

        assertThat(run(concat(new String[] {"apply", file.toString()}, servers)).exit()).isZero();
        Run again = run(concat(new String[] {"plan", file.toString()}, servers));
        assertThat(again.out()).doesNotContain("CREATE").doesNotContain("UPDATE");

        Path breaking = product("parcels", ", {\"name\": \"carrier\", \"type\": \"string\"}");
        Run refused = run(concat(new String[] {"apply", breaking.toString()}, servers));
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("refused; nothing was changed")
                .contains("publish the new schema as 'shipped' version 2");

        Run catalog = run(concat(new String[] {"catalog"}, servers));
        assertThat(catalog.out()).contains("logistics.parcels  (owner: team-logistics@example.com)")
                .contains("logistics.parcels.shipped.v1  com.example.logistics.Shipment");
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

package io.meshstreams.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Descriptors a stranger could put in a pull request that CI runs {@code mesh validate} on, written into a
 * directory: each names the problem path and the fix its refusal must give. Every file such a descriptor points at
 * holds {@link #SECRET}, which no output may contain.
 */
final class HostileDescriptors {
    static final String SECRET = "S3CRET-7f3a9c-TOKEN";

    /**
     * One hostile descriptor.
     *
     * @param name     what it tries
     * @param args     the arguments of {@code mesh validate} after the command name
     * @param expected fragments the error output must contain: the path and the fix
     */
    record Case(String name, List<String> args, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }

        /** Whether the case runs with {@code validate}'s default options (one file, no --schema-root). */
        boolean defaultOptions() {
            return args.size() == 1;
        }
    }

    static final String VALID_SCHEMA = """
            {"type": "record", "name": "OrderPlaced", "namespace": "com.example.orders", "fields": [
              {"name": "orderId", "type": "string"},
              {"name": "customerId", "type": "string"},
              {"name": "amount", "type": "double"}]}
            """;

    private final Path root;
    private final Path outside;
    private final boolean posix;

    HostileDescriptors(Path root) throws IOException {
        this.root = root;
        this.outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secrets.json"),
                "{\"type\": \"service_account\", \"private_key\": \"" + SECRET + "\"}\n");
        Files.writeString(outside.resolve("passwd"), "root:x:0:0:" + SECRET + ":/root:/bin/bash\n");
        Files.createDirectories(root.resolve("cases"));
        // one directory up from every case
        Files.writeString(root.resolve("cases/secrets.json"), "{\"password\": \"" + SECRET + "\"}\n");
        this.posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static String descriptor(String schema, String key) {
        return """
                apiVersion: mesh-streams/v1
                kind: DataProduct
                domain: orders
                name: order-events
                owner: team-orders@example.com
                outputPorts:
                  - name: placed
                    version: 1
                    schema: %s
                    key: %s
                """.formatted(schema, key);
    }

    private Path dir(String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve("cases").resolve(name));
        Files.writeString(dir.resolve("order.avsc"), VALID_SCHEMA);
        return dir;
    }

    private Path write(String name, String yaml) throws IOException {
        Path file = dir(name).resolve("data-product.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Case of(String name, Path file, String... expected) {
        return new Case(name, List.of(file.toString()), List.of(expected));
    }

    /** Every case this machine can make (symbolic links, FIFOs and /dev/zero only where the file system has them). */
    List<Case> all() throws IOException, InterruptedException {
        List<Case> cases = new ArrayList<>();
        String schemaPath = "outputPorts[0].schema: ";
        cases.add(of("absolute schema path", write("absolute", descriptor(outside.resolve("secrets.json").toString(),
                "{ field: orderId }")), schemaPath, "is an absolute path", "Fix: give the path relative to the descriptor"));
        cases.add(of("schema path climbing out with ../", write("dotdot", descriptor("../secrets.json",
                "{ field: orderId }")), schemaPath, "lies outside the descriptor's directory", "--schema-root"));
        cases.add(of("schema path climbing far out with ../", write("dotdot-far", descriptor(
                "../../../../../../../../../etc/passwd", "{ field: orderId }")), schemaPath, "lies outside"));

        Path json = write("invalid-json", descriptor("secret.avsc", "{ field: orderId }"));
        Files.writeString(json.resolveSibling("secret.avsc"), "root:x:0:0:" + SECRET + ":/root:/bin/bash\n");
        cases.add(of("schema file that is not JSON and holds a secret", json, schemaPath,
                "is not valid JSON at line 1, column 1", "expected a JSON value here", "Fix: an Avro schema (.avsc) is JSON"));

        Path notAvro = write("json-not-avro", descriptor("credentials.json", "{ field: orderId }"));
        Files.writeString(notAvro.resolveSibling("credentials.json"),
                "{\"type\": \"service_account\", \"private_key\": \"" + SECRET + "\"}\n");
        cases.add(of("schema file that is JSON but not Avro and holds a secret", notAvro, schemaPath,
                "is JSON but not an Avro schema", "Fix: point schema: at an Avro schema"));

        Path binarySchema = write("binary-schema", descriptor("order.avsc", "{ field: orderId }"));
        Files.write(binarySchema.resolveSibling("order.avsc"), binary());
        cases.add(of("binary file as schema", binarySchema, schemaPath, "is not text", "it looks like a binary file",
                "Fix: descriptors and Avro schemas are UTF-8 text files"));

        Path binaryDescriptor = dir("binary-descriptor").resolve("data-product.yaml");
        Files.write(binaryDescriptor, binary());
        cases.add(of("binary file as descriptor", binaryDescriptor, binaryDescriptor + ": the file is not text",
                "it looks like a binary file"));

        Path big = dir("big-descriptor").resolve("data-product.yaml");
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write(descriptor("order.avsc", "{ field: orderId }").getBytes(StandardCharsets.UTF_8));
            byte[] line = ("# " + SECRET + " ".repeat(100) + "\n").getBytes(StandardCharsets.UTF_8);
            for (long written = 0; written < 50L * 1024 * 1024; written += line.length) {
                out.write(line);
            }
        }
        cases.add(of("50 MB descriptor", big, big + ": the file is larger than 512 KiB (524288 bytes), the limit for a"
                + " descriptor.", "Fix: keep the descriptor small"));

        Path bigSchema = write("big-schema", descriptor("order.avsc", "{ field: orderId }"));
        try (OutputStream out = Files.newOutputStream(bigSchema.resolveSibling("order.avsc"))) {
            out.write("{\"type\": \"record\", \"name\": \"X\", \"doc\": \"".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = (SECRET + " ".repeat(1000)).getBytes(StandardCharsets.UTF_8);
            for (long written = 0; written < 50L * 1024 * 1024; written += chunk.length) {
                out.write(chunk);
            }
        }
        cases.add(of("50 MB schema file", bigSchema, schemaPath, "is larger than 1 MiB (1048576 bytes), the limit for a"
                + " schema file"));

        StringBuilder bomb = new StringBuilder(descriptor("order.avsc", "{ field: orderId }"));
        bomb.append("l0: &l0 [\"").append(SECRET).append("\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (int i = 1; i < 12; i++) {
            String previous = "*l" + (i - 1);
            bomb.append("l").append(i).append(": &l").append(i).append(" [").append(String.join(", ",
                    java.util.Collections.nCopies(9, previous))).append("]\n");
        }
        cases.add(of("YAML alias bomb", write("alias-bomb", bomb.toString()), ": l1[0]: the file uses a YAML alias (*name)",
                "Fix: write the value out in full"));

        cases.add(of("deep nesting in flow style", write("deep-flow", descriptor("order.avsc", "{ field: orderId }")
                + "tags: " + "[".repeat(200_000) + SECRET + "\n"), "the file nests deeper than 64 levels",
                "Fix: simplify the file"));
        StringBuilder block = new StringBuilder(descriptor("order.avsc", "{ field: orderId }")).append("description:\n");
        for (int i = 1; i < 200; i++) {
            block.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        block.append("  ".repeat(200)).append(SECRET).append('\n');
        cases.add(of("deep nesting in block style", write("deep-block", block.toString()),
                "the file nests deeper than 64 levels"));

        StringBuilder rules = new StringBuilder(descriptor("order.avsc", "{ field: orderId }")).append("    rules:\n");
        for (int i = 0; i < 8_000; i++) {
            rules.append("      - { name: r").append(i).append(", expression: message.amount > ").append(i).append(".0 }\n");
        }
        cases.add(of("8000 rules to compile", write("many-rules", rules.toString()),
                ": outputPorts: the ports have 8000 rules", "a product may have at most 300 rules",
                ": outputPorts[0].rules: the port has 8000 rules; a port may have at most 100."));

        cases.add(of("duplicate key at the top level", write("duplicate-top", descriptor("order.avsc", "{ field: orderId }")
                .replace("domain: orders\n", "domain: customers\ndomain: orders\n")),
                ": domain: the key 'domain' is given twice in one mapping (lines 3 and 4)", "Fix: remove one of them."));
        cases.add(of("duplicate key nested", write("duplicate-nested", descriptor("order.avsc",
                "{ field: orderId, field: customerId }")),
                ": outputPorts[0].key.field: the key 'field' is given twice in one mapping", "Fix: remove one of them."));
        cases.add(of("owner: true", write("owner-true", descriptor("order.avsc", "{ field: orderId }")
                .replace("owner: team-orders@example.com", "owner: true")),
                ": owner: 'owner' is a boolean (true), not text.", "Fix: write owner: <text>; quote it if it is meant as"
                + " text, e.g. owner: \"true\"."));
        cases.add(of("scalar key:", write("scalar-key", descriptor("order.avsc", "orderId")),
                ": outputPorts[0].key: key is a single value ('orderId'); it must be a mapping.",
                "Fix: write key: { field: orderId }"));
        cases.add(of("YAML syntax error next to a secret", write("syntax", descriptor("order.avsc", "{ field: orderId }")
                .replace("owner: team-orders@example.com", "owner: \"" + SECRET)),
                "the file is not valid YAML at line", "a quoted value is not closed", "Fix: fix the YAML there"));

        if (posix) {
            Path link = write("symlink-out", descriptor("order.avsc", "{ field: orderId }"));
            Files.delete(link.resolveSibling("order.avsc"));
            Files.createSymbolicLink(link.resolveSibling("order.avsc"), outside.resolve("secrets.json"));
            cases.add(of("schema is a symbolic link leading out", link, schemaPath,
                    "is a symbolic link, or lies under one, whose target is outside", "Fix: copy the schema into the directory"));

            Path linkedDir = write("symlinked-directory", descriptor("schemas/order.avsc", "{ field: orderId }"));
            Files.createSymbolicLink(linkedDir.resolveSibling("schemas"), outside);
            Files.writeString(outside.resolve("order.avsc"), VALID_SCHEMA.replace("OrderPlaced", "Secret" + "Order"));
            cases.add(of("schema under a symbolic link to a directory outside", linkedDir, schemaPath,
                    "is a symbolic link, or lies under one"));

            if (Files.exists(Path.of("/dev/zero"))) {
                Path zero = write("dev-zero", descriptor("zero.avsc", "{ field: orderId }"));
                Files.createSymbolicLink(zero.resolveSibling("zero.avsc"), Path.of("/dev/zero"));
                cases.add(new Case("/dev/zero as schema, inside --schema-root /", List.of("--schema-root", "/",
                        zero.toString()), List.of(schemaPath, "is a device, pipe or socket, not a regular file",
                        "Fix: point schema: at an Avro schema file (.avsc).")));
                cases.add(of("/dev/zero as descriptor", Path.of("/dev/zero"),
                        "/dev/zero: the file is a device, pipe or socket, not a regular file."));
            }
            Path fifoDir = dir("fifo");
            if (mkfifo(fifoDir.resolve("order.avsc.fifo")) && mkfifo(fifoDir.resolve("data-product.yaml"))) {
                Path viaFifo = write("fifo-schema", descriptor("../fifo/order.avsc.fifo", "{ field: orderId }"));
                cases.add(new Case("FIFO as schema", List.of("--schema-root", root.resolve("cases").toString(),
                        viaFifo.toString()), List.of(schemaPath, "is a device, pipe or socket, not a regular file")));
                cases.add(of("FIFO as descriptor", fifoDir.resolve("data-product.yaml"),
                        "the file is a device, pipe or socket, not a regular file."));
            }
        }
        return cases;
    }

    private static byte[] binary() {
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(secret, 0, bytes, 100, secret.length);
        bytes[0] = 'x';
        return bytes;
    }

    private static boolean mkfifo(Path path) throws IOException, InterruptedException {
        try {
            Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException noMkfifo) {
            return false;
        }
    }
}

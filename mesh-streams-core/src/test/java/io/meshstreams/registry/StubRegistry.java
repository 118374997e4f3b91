package io.meshstreams.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A small in-memory schema registry for tests, on {@code com.sun.net.httpserver} at a free port of
 * 127.0.0.1. It implements the subset of Confluent's REST API that the client uses (register, look up,
 * by id, versions, latest, compatibility with BACKWARD/NONE checks, config, soft and permanent delete),
 * records every request, and answers scripted responses first when a test queues them.
 */
public final class StubRegistry implements AutoCloseable {
    /** A request as the stub saw it. */
    public record Request(String method, String path, Map<String, List<String>> headers, String body) {
        public String line() {
            return method + " " + path;
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse("");
        }
    }

    private record Version(int version, int id, boolean deleted) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<int[]> scriptedStatus = new ArrayDeque<>();
    private final Deque<String> scriptedBody = new ArrayDeque<>();
    private final Map<Integer, String> schemasById = new LinkedHashMap<>();
    private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
    private final Map<String, String> subjectLevels = new LinkedHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private String globalLevel = "BACKWARD";

    private StubRegistry(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    public static StubRegistry start() {
        try {
            return new StubRegistry(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static StubRegistry startTls(SSLContext context) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(context));
            return new StubRegistry(server);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next request gets this answer instead of the registry's. */
    public synchronized StubRegistry thenAnswer(int status, String body) {
        scriptedStatus.add(new int[] {status});
        scriptedBody.add(body);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<String> requestLines() {
        return requests.stream().map(Request::line).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        requests.add(new Request(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body));
        int status;
        String answer;
        synchronized (this) {
            if (!scriptedStatus.isEmpty()) {
                status = scriptedStatus.poll()[0];
                answer = scriptedBody.poll();
            } else {
                String[] result = route(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), body);
                status = Integer.parseInt(result[0]);
                answer = result[1];
            }
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private String[] route(String method, String rawPath, String query, String body) {
        try {
            List<String> parts = new ArrayList<>();
            for (String part : rawPath.split("/")) {
                if (!part.isEmpty()) {
                    parts.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
                }
            }
            boolean permanent = query != null && query.contains("permanent=true");
            return switch (method + " " + shape(parts)) {
                case "GET subjects" -> ok(JSON.writeValueAsString(subjects.entrySet().stream()
                        .filter(e -> query != null && query.contains("deleted=true") || e.getValue().stream().anyMatch(v -> !v.deleted()))
                        .map(Map.Entry::getKey).toList()));
                case "POST subjects/*/versions" -> register(parts.get(1), body);
                case "POST subjects/*" -> lookUp(parts.get(1), body);
                case "GET subjects/*/versions" -> live(parts.get(1)) == null ? error(404, 40401, "Subject '" + parts.get(1) + "' not found.")
                        : ok(JSON.writeValueAsString(live(parts.get(1)).stream().map(Version::version).toList()));
                case "GET subjects/*/versions/*" -> version(parts.get(1), parts.get(3));
                case "DELETE subjects/*" -> deleteSubject(parts.get(1), permanent);
                case "DELETE subjects/*/versions/*" -> deleteVersion(parts.get(1), Integer.parseInt(parts.get(3)), permanent);
                case "GET schemas/ids/*" -> schemaById(parts.get(2));
                case "GET schemas/ids/*/versions" -> ok(JSON.writeValueAsString(subjects.entrySet().stream()
                        .flatMap(e -> e.getValue().stream().filter(v -> v.id() == Integer.parseInt(parts.get(2)))
                                .map(v -> Map.of("subject", e.getKey(), "version", v.version()))).toList()));
                case "POST compatibility/subjects/*/versions/*" -> compatibility(parts.get(2), body);
                case "GET config" -> ok("{\"compatibilityLevel\":\"" + globalLevel + "\"}");
                case "PUT config" -> {
                    globalLevel = JSON.readTree(body).get("compatibility").asText();
                    yield ok("{\"compatibility\":\"" + globalLevel + "\"}");
                }
                case "GET config/*" -> subjectLevels.containsKey(parts.get(1))
                        ? ok("{\"compatibilityLevel\":\"" + subjectLevels.get(parts.get(1)) + "\"}")
                        : error(404, 40408, "Subject '" + parts.get(1) + "' does not have subject-level compatibility configured");
                case "PUT config/*" -> {
                    String level = JSON.readTree(body).get("compatibility").asText();
                    subjectLevels.put(parts.get(1), level);
                    yield ok("{\"compatibility\":\"" + level + "\"}");
                }
                case "DELETE config/*" -> {
                    String level = subjectLevels.remove(parts.get(1));
                    yield level == null ? error(404, 40401, "Subject '" + parts.get(1) + "' not found.")
                            : ok("{\"compatibilityLevel\":\"" + level + "\"}");
                }
                default -> error(404, 404, "HTTP 404 Not Found");
            };
        } catch (Exception e) {
            return error(500, 50001, "stub failure: " + e);
        }
    }

    // The path with its variable segments starred: subjects/orders-value/versions/1 becomes subjects/(*)/versions/(*).
    private static String shape(List<String> parts) {
        List<Integer> variable = parts.isEmpty() ? List.of() : switch (parts.get(0)) {
            case "subjects" -> List.of(1, 3);
            case "schemas" -> List.of(2);
            case "compatibility" -> List.of(2, 4);
            case "config" -> List.of(1);
            default -> List.of();
        };
        List<String> shape = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            shape.add(variable.contains(i) ? "*" : parts.get(i));
        }
        return String.join("/", shape);
    }

    private List<Version> live(String subject) {
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.stream().allMatch(Version::deleted)) {
            return null;
        }
        return versions.stream().filter(v -> !v.deleted()).toList();
    }

    private String[] register(String subject, String body) throws IOException {
        Schema schema;
        String text;
        try {
            text = JSON.readTree(body).get("schema").asText();
            schema = new Schema.Parser().parse(text);
        } catch (Exception e) {
            return error(422, 42201, "Invalid schema: " + e.getMessage());
        }
        List<Version> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        for (Version v : versions) {
            if (!v.deleted() && new Schema.Parser().parse(schemasById.get(v.id())).equals(schema)) {
                return ok("{\"id\":" + v.id() + "}");
            }
        }
        List<Version> live = versions.stream().filter(v -> !v.deleted()).toList();
        String level = subjectLevels.getOrDefault(subject, globalLevel);
        if (!live.isEmpty() && !level.equals("NONE")) {
            Schema latest = new Schema.Parser().parse(schemasById.get(live.get(live.size() - 1).id()));
            if (SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
                    != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                return error(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                        + subject + "\"");
            }
        }
        int id = schemasById.entrySet().stream()
                .filter(e -> new Schema.Parser().parse(e.getValue()).equals(schema))
                .map(Map.Entry::getKey).findFirst().orElseGet(() -> {
                    int fresh = nextId.getAndIncrement();
                    schemasById.put(fresh, text);
                    return fresh;
                });
        int version = versions.stream().mapToInt(Version::version).max().orElse(0) + 1;
        versions.add(new Version(version, id, false));
        return ok("{\"id\":" + id + "}");
    }

    private String[] lookUp(String subject, String body) throws IOException {
        List<Version> live = live(subject);
        if (live == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
        }
        Schema schema = new Schema.Parser().parse(JSON.readTree(body).get("schema").asText());
        for (Version v : live) {
            if (new Schema.Parser().parse(schemasById.get(v.id())).equals(schema)) {
                return ok(versionJson(subject, v));
            }
        }
        return error(404, 40403, "Schema not found");
    }

    private String[] version(String subject, String version) throws IOException {
        List<Version> live = live(subject);
        if (live == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
        }
        if (version.equals("latest") || version.equals("-1")) {
            return ok(versionJson(subject, live.get(live.size() - 1)));
        }
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            return error(422, 42202, "The specified version '" + version + "' is not a valid version id.");
        }
        return live.stream().filter(v -> v.version() == number).findFirst()
                .map(v -> ok(versionJson(subject, v)))
                .orElse(error(404, 40402, "Version " + number + " not found."));
    }

    private String versionJson(String subject, Version v) {
        ObjectNode node = JSON.createObjectNode();
        node.put("subject", subject).put("id", v.id()).put("version", v.version()).put("schema", schemasById.get(v.id()));
        return node.toString();
    }

    private String[] schemaById(String id) {
        String schema = schemasById.get(Integer.parseInt(id));
        if (schema == null) {
            return error(404, 40403, "Schema " + id + " not found");
        }
        return ok(JSON.createObjectNode().put("schema", schema).toString());
    }

    private String[] compatibility(String subject, String body) throws IOException {
        List<Version> live = live(subject);
        if (live == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
        }
        Schema schema = new Schema.Parser().parse(JSON.readTree(body).get("schema").asText());
        Schema latest = new Schema.Parser().parse(schemasById.get(live.get(live.size() - 1).id()));
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(schema, latest);
        boolean compatible = result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
        ObjectNode node = JSON.createObjectNode().put("is_compatible", compatible);
        if (!compatible) {
            result.getResult().getIncompatibilities().forEach(i -> node.withArray("messages").add(i.getMessage()));
        }
        return ok(node.toString());
    }

    private String[] deleteSubject(String subject, boolean permanent) throws IOException {
        List<Version> versions = subjects.get(subject);
        if (versions == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
        }
        if (permanent) {
            if (versions.stream().anyMatch(v -> !v.deleted())) {
                return error(404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted");
            }
            subjects.remove(subject);
            return ok(JSON.writeValueAsString(versions.stream().map(Version::version).toList()));
        }
        if (versions.stream().allMatch(Version::deleted)) {
            return error(404, 40404, "Subject '" + subject + "' was soft deleted.");
        }
        List<Integer> deleted = versions.stream().filter(v -> !v.deleted()).map(Version::version).toList();
        versions.replaceAll(v -> new Version(v.version(), v.id(), true));
        return ok(JSON.writeValueAsString(deleted));
    }

    private String[] deleteVersion(String subject, int number, boolean permanent) {
        List<Version> versions = subjects.get(subject);
        if (versions == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
        }
        for (int i = 0; i < versions.size(); i++) {
            Version v = versions.get(i);
            if (v.version() == number) {
                if (permanent && !v.deleted()) {
                    return error(404, 40407, "Subject '" + subject + "' Version " + number + " was not deleted first");
                }
                if (!permanent && v.deleted()) {
                    return error(404, 40406, "Subject '" + subject + "' Version " + number + " was soft deleted");
                }
                if (permanent) {
                    versions.remove(i);
                } else {
                    versions.set(i, new Version(v.version(), v.id(), true));
                }
                return ok(Integer.toString(number));
            }
        }
        return error(404, 40402, "Version " + number + " not found.");
    }

    private static String[] ok(String body) {
        return new String[] {"200", body};
    }

    private static String[] error(int status, int code, String message) {
        ObjectNode node = JSON.createObjectNode().put("error_code", code).put("message", message);
        return new String[] {Integer.toString(status), node.toString()};
    }

    /** For tests that only need to read a JSON field of a request body. */
    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

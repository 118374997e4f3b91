package io.meshstreams.local.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.meshstreams.registry.SchemaReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty handler that speaks Confluent Schema Registry's REST API over a {@link RegistryService}:
 * routes, reads and checks request bodies, and writes every answer, errors included, as JSON with
 * the content type {@value #CONTENT_TYPE}. Request content types are not checked: any body is read
 * as JSON. Bodies larger than the limit get 413 (read and dropped up to four times the limit or 16 MiB, so that clients
 * see the answer; beyond that, not read further).
 */
final class RegistryHandler extends Handler.Abstract {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);

    private static final String SCHEMA_EXAMPLE = "{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}";
    private static final String CONFIG_EXAMPLE = "{\"compatibility\": \"BACKWARD\"}";
    private static final String MODE_EXAMPLE = "{\"mode\": \"READWRITE\"}";

    private final RegistryService service;
    private final long maxBodyBytes;
    private final AtomicLong requests = new AtomicLong();
    private final List<Route> routes = new ArrayList<>();

    RegistryHandler(RegistryService service, long maxBodyBytes) {
        this.service = service;
        this.maxBodyBytes = maxBodyBytes;
        defineRoutes();
    }

    /** Requests that reached this handler since it was created, whatever their outcome. */
    long requestCount() {
        return requests.get();
    }

    // ---- routes

    /** One call: the path's variable segments in order, the query, and a lazy body. */
    private final class Call {
        final List<String> params;
        final Fields query;
        final Request request;

        Call(List<String> params, Fields query, Request request) {
            this.params = params;
            this.query = query;
            this.request = request;
        }

        String param(int index) {
            return params.get(index);
        }

        boolean flag(String name) {
            String value = query.getValue(name);
            return value != null && value.trim().equalsIgnoreCase("true");
        }

        @Nullable String text(String name) {
            return query.getValue(name);
        }

        JsonNode object(String example) {
            return readObject(request, example);
        }

        SchemaRequest schemaRequest() {
            return toSchemaRequest(readObject(request, SCHEMA_EXAMPLE));
        }
    }

    private interface Endpoint {
        JsonNode call(Call call);
    }

    /** A path pattern ({@code *} = one variable segment) and its endpoints by method. */
    private record Route(String[] pattern, Map<String, Endpoint> methods) {
        @Nullable List<String> match(List<String> segments) {
            if (segments.size() != pattern.length) {
                return null;
            }
            List<String> params = new ArrayList<>();
            for (int i = 0; i < pattern.length; i++) {
                if (pattern[i].equals("*")) {
                    params.add(segments.get(i));
                } else if (!pattern[i].equals(segments.get(i))) {
                    return null;
                }
            }
            return params;
        }
    }

    private Route route(String pattern) {
        String[] parts = pattern.equals("/") ? new String[0] : pattern.substring(1).split("/");
        Route route = new Route(parts, new LinkedHashMap<>());
        routes.add(route);
        return route;
    }

    private void defineRoutes() {
        Endpoint empty = c -> Json.MAPPER.createObjectNode();
        Map<String, Endpoint> root = route("/").methods();
        root.put("GET", empty);
        root.put("POST", empty);

        route("/subjects").methods().put("GET", c -> service.listSubjects(c.flag("deleted"), c.text("subjectPrefix")));
        Map<String, Endpoint> subject = route("/subjects/*").methods();
        subject.put("POST", c -> service.lookup(c.param(0), c.schemaRequest(), c.flag("deleted")));
        subject.put("DELETE", c -> service.deleteSubject(c.param(0), c.flag("permanent")));
        Map<String, Endpoint> versions = route("/subjects/*/versions").methods();
        versions.put("GET", c -> service.listVersions(c.param(0), c.flag("deleted")));
        versions.put("POST", c -> service.register(c.param(0), c.schemaRequest()));
        Map<String, Endpoint> version = route("/subjects/*/versions/*").methods();
        version.put("GET", c -> service.getVersion(c.param(0), c.param(1), c.flag("deleted")));
        version.put("DELETE", c -> service.deleteVersion(c.param(0), c.param(1), c.flag("permanent")));
        route("/subjects/*/versions/*/schema").methods()
                .put("GET", c -> service.getVersionSchema(c.param(0), c.param(1), c.flag("deleted")));
        route("/subjects/*/versions/*/referencedby").methods()
                .put("GET", c -> service.referencedBy(c.param(0), c.param(1), c.flag("deleted")));

        route("/schemas/types").methods().put("GET", c -> service.schemaTypes());
        route("/schemas/ids/*").methods().put("GET", c -> service.schemaById(c.param(0)));
        route("/schemas/ids/*/schema").methods().put("GET", c -> service.schemaTextById(c.param(0)));
        route("/schemas/ids/*/versions").methods().put("GET", c -> service.versionsById(c.param(0), c.flag("deleted")));
        route("/schemas/ids/*/subjects").methods().put("GET", c -> service.subjectsById(c.param(0), c.flag("deleted")));

        route("/compatibility/subjects/*/versions").methods().put("POST",
                c -> service.checkCompatibility(c.param(0), null, c.schemaRequest(), c.flag("verbose")));
        route("/compatibility/subjects/*/versions/*").methods().put("POST",
                c -> service.checkCompatibility(c.param(0), c.param(1), c.schemaRequest(), c.flag("verbose")));

        Map<String, Endpoint> config = route("/config").methods();
        config.put("GET", c -> service.getGlobalConfig());
        config.put("PUT", c -> service.putConfig(null, c.object(CONFIG_EXAMPLE)));
        config.put("DELETE", c -> service.deleteGlobalConfig());
        Map<String, Endpoint> subjectConfig = route("/config/*").methods();
        subjectConfig.put("GET", c -> service.getSubjectConfig(c.param(0), c.flag("defaultToGlobal")));
        subjectConfig.put("PUT", c -> service.putConfig(c.param(0), c.object(CONFIG_EXAMPLE)));
        subjectConfig.put("DELETE", c -> service.deleteSubjectConfig(c.param(0)));

        Map<String, Endpoint> mode = route("/mode").methods();
        mode.put("GET", c -> service.getMode());
        mode.put("PUT", c -> service.putMode(c.object(MODE_EXAMPLE)));
        Map<String, Endpoint> subjectMode = route("/mode/*").methods();
        subjectMode.put("GET", c -> service.getSubjectMode(c.param(0), c.flag("defaultToGlobal")));
        subjectMode.put("PUT", c -> service.putMode(c.object(MODE_EXAMPLE)));

        route("/contexts").methods().put("GET", c -> Json.MAPPER.createArrayNode().add("."));
    }

    // ---- handling

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        requests.incrementAndGet();
        int status = 200;
        JsonNode body;
        try {
            body = dispatch(request, response);
        } catch (RegistryException e) {
            status = e.status();
            body = error(e.errorCode(), e.getMessage());
            if (status >= 500) {
                LOG.warn("{} {} failed: {}", request.getMethod(), request.getHttpURI().getPath(), e.getMessage(), e.getCause());
            }
        } catch (RuntimeException e) {
            status = 500;
            body = error(500, "Internal error while serving " + request.getMethod() + " "
                    + request.getHttpURI().getPath() + ": " + e);
            LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
        }
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            status = 500;
            bytes = "{\"error_code\":500,\"message\":\"could not write the response\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        if (status == 413) {
            // the rest of the body was not read: do not try to keep this connection
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }

    static JsonNode error(int errorCode, String message) {
        return Json.MAPPER.createObjectNode().put("error_code", errorCode).put("message", message);
    }

    private JsonNode dispatch(Request request, Response response) {
        String rawPath = request.getHttpURI().getPath();
        List<String> segments = segments(rawPath == null ? "/" : rawPath);
        Fields query;
        try {
            query = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw RegistryException.badRequest("Malformed query string: " + e.getMessage());
        }
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        for (Route route : routes) {
            List<String> params = route.match(segments);
            if (params == null) {
                continue;
            }
            Endpoint endpoint = route.methods().get(method);
            if (endpoint == null) {
                String allowed = String.join(", ", route.methods().keySet());
                response.getHeaders().put(HttpHeader.ALLOW, allowed);
                throw RegistryException.methodNotAllowed(method, rawPath, allowed);
            }
            return endpoint.call(new Call(params, query, request));
        }
        throw RegistryException.notFound("HTTP 404 Not Found: no resource at " + rawPath
                + "; see the Confluent Schema Registry API (/subjects, /schemas, /config, /compatibility, /mode)");
    }

    /** Splits a raw (encoded) path into decoded segments, ignoring one trailing slash. */
    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return segments;
        }
        for (String segment : path.split("/", -1)) {
            try {
                segments.add(URIUtil.decodePath(segment));
            } catch (RuntimeException e) {
                throw RegistryException.badRequest("Malformed path segment '" + segment + "': " + e.getMessage());
            }
        }
        return segments;
    }

    // ---- bodies

    private JsonNode readObject(Request request, String example) {
        byte[] bytes = readBody(request);
        if (isBlank(bytes)) {
            throw RegistryException.unprocessable("Request body is empty: expected a JSON object such as " + example);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw RegistryException.badRequest("Malformed JSON in request body: " + detail
                    + "; expected a JSON object such as " + example);
        }
        if (node == null || !node.isObject()) {
            throw RegistryException.badRequest("Request body must be a JSON object such as " + example + "; found "
                    + (node == null ? "nothing" : kind(node)));
        }
        return node;
    }

    private byte[] readBody(Request request) {
        long declared = request.getLength();
        // A body a little over the limit is read and dropped, so that a client that writes all of it before reading
        // the answer gets the 413 rather than a reset connection; a far larger one is refused without reading.
        long drainLimit = Math.max(4 * maxBodyBytes, 16L * 1024 * 1024);
        if (declared > drainLimit) {
            throw RegistryException.bodyTooLarge(maxBodyBytes);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 && declared <= maxBodyBytes ? (int) declared : 256);
        byte[] buffer = new byte[8192];
        long read = 0;
        try (InputStream in = Request.asInputStream(request)) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                read += n;
                if (read > drainLimit) {
                    break;
                }
                if (read <= maxBodyBytes) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw RegistryException.badRequest("Could not read the request body: " + e.getMessage());
        }
        if (read > maxBodyBytes) {
            throw RegistryException.bodyTooLarge(maxBodyBytes);
        }
        return out.toByteArray();
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static String kind(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }

    /**
     * Checks a register/lookup/compatibility body. As with Confluent: a structurally wrong field (an
     * object where a string belongs) is 400; a missing, empty or invalid schema is 422/42201; a
     * number or boolean {@code schema} is read as its text (and then fails to parse as Avro).
     */
    private static SchemaRequest toSchemaRequest(JsonNode body) {
        JsonNode schema = body.get("schema");
        if (schema != null && (schema.isObject() || schema.isArray())) {
            throw RegistryException.badRequest("Field \"schema\" must be a string holding the schema's JSON text; found "
                    + kind(schema) + ". Send the schema as an escaped string: " + SCHEMA_EXAMPLE);
        }
        if (schema == null || schema.isNull() || schema.asText().isBlank()) {
            throw RegistryException.invalidSchema("Empty schema: the request has no \"schema\" field (or it is empty). "
                    + "Send the schema as a string: " + SCHEMA_EXAMPLE);
        }
        JsonNode type = body.get("schemaType");
        String schemaType = SchemaContent.AVRO;
        if (type != null && !type.isNull()) {
            if (type.isObject() || type.isArray()) {
                throw RegistryException.badRequest("Field \"schemaType\" must be a string, one of "
                        + RegistryService.SCHEMA_TYPES + "; found " + kind(type));
            }
            schemaType = type.asText().trim().toUpperCase(Locale.ROOT);
        }
        List<SchemaReference> references = new ArrayList<>();
        JsonNode refs = body.get("references");
        if (refs != null && !refs.isNull()) {
            if (!refs.isArray()) {
                throw RegistryException.badRequest("Field \"references\" must be an array of "
                        + "{\"name\": ..., \"subject\": ..., \"version\": ...}; found " + kind(refs));
            }
            for (JsonNode ref : refs) {
                references.add(toReference(ref));
            }
        }
        return new SchemaRequest(schema.asText(), schemaType, references);
    }

    private static SchemaReference toReference(JsonNode ref) {
        String shape = "each reference is {\"name\": \"<full type name>\", \"subject\": \"<subject>\", \"version\": <n>}";
        if (!ref.isObject()) {
            throw RegistryException.badRequest("Malformed reference " + ref + ": " + shape);
        }
        JsonNode name = ref.get("name");
        JsonNode subject = ref.get("subject");
        JsonNode version = ref.get("version");
        if (name == null || !name.isTextual() || name.asText().isBlank()
                || subject == null || !subject.isTextual() || subject.asText().isBlank()
                || version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 1) {
            throw RegistryException.invalidSchema("Invalid reference " + ref + ": " + shape
                    + ", with a version from 1");
        }
        return new SchemaReference(name.asText(), subject.asText(), version.intValue());
    }
}

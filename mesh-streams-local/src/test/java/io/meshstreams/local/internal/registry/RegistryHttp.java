package io.meshstreams.local.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small test client for the registry's REST API, over real HTTP (java.net.http). */
final class RegistryHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;

    RegistryHttp(String url) {
        this.url = url;
    }

    /** An answer: status, content type and the body parsed as JSON. */
    record Answer(int status, String contentType, String text) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text, e);
            }
        }

        int errorCode() {
            return json().path("error_code").asInt(-1);
        }

        String message() {
            return json().path("message").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    Answer send(String method, String path, String body) {
        return send(method, path, body, "application/vnd.schemaregistry.v1+json");
    }

    Answer send(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path) {
        return send("GET", path, null, null);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, null);
    }

    Answer post(String path, String body) {
        return send("POST", path, body);
    }

    Answer put(String path, String body) {
        return send("PUT", path, body);
    }

    /** Registers an Avro schema and returns its id; fails the test on any other answer. */
    int register(String subject, String avro) {
        Answer answer = post("/subjects/" + subject + "/versions", schemaBody(avro));
        if (answer.status() != 200) {
            throw new AssertionError("register " + subject + " failed: " + answer);
        }
        return answer.json().get("id").asInt();
    }

    static String schemaBody(String avro) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", avro);
        return body.toString();
    }

    static String record(String name, String... fields) {
        StringBuilder json = new StringBuilder("{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[");
        for (int i = 0; i < fields.length; i++) {
            json.append(i == 0 ? "" : ",").append(fields[i]);
        }
        return json.append("]}").toString();
    }
}

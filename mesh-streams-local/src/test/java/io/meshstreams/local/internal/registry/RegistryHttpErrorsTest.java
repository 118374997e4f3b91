package io.meshstreams.local.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error a client can provoke on an empty registry, table-driven: the exact status,
 * {@code error_code} and message, and always the registry's JSON content type.
 */
class RegistryHttpErrorsTest {
    private static final String SCHEMA_EXAMPLE = "{\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}";
    private static final String VALID_LEVELS = "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE";
    private static final String VERSION_RULE = "is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"";

    private static RegistryHttpServer server;
    private static RegistryHttp http;

    @BeforeAll
    static void start() throws Exception {
        server = RegistryHttpServer.start(new InMemoryRegistryStore(), RegistryHttpServer.Settings.defaults()
                .withMaxBodyBytes(64 * 1024));
        http = new RegistryHttp(server.url());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> errors() {
        String register = "/subjects/orders-value/versions";
        return Stream.of(
                // where nothing lives
                Arguments.of("GET", "/nope", null, 404, 404,
                        "HTTP 404 Not Found: no resource at /nope; see the Confluent Schema Registry API (/subjects, /schemas, /config, /compatibility, /mode)"),
                Arguments.of("GET", "/subjects/a/versions/1/nope", null, 404, 404,
                        "HTTP 404 Not Found: no resource at /subjects/a/versions/1/nope; see the Confluent Schema Registry API (/subjects, /schemas, /config, /compatibility, /mode)"),
                Arguments.of("DELETE", "/schemas/types", null, 405, 405,
                        "HTTP 405 Method Not Allowed: DELETE is not allowed on /schemas/types; allowed: GET"),
                Arguments.of("PATCH", "/subjects/a/versions", "{}", 405, 405,
                        "HTTP 405 Method Not Allowed: PATCH is not allowed on /subjects/a/versions; allowed: GET, POST"),
                Arguments.of("PUT", "/subjects", "{}", 405, 405,
                        "HTTP 405 Method Not Allowed: PUT is not allowed on /subjects; allowed: GET"),
                // bodies that are not what the endpoint reads
                Arguments.of("POST", register, "", 422, 422,
                        "Request body is empty: expected a JSON object such as " + SCHEMA_EXAMPLE),
                Arguments.of("POST", register, "{\"schema\": ", 400, 400,
                        "Malformed JSON in request body: Unexpected end-of-input within/between Object entries; expected a JSON object such as " + SCHEMA_EXAMPLE),
                Arguments.of("POST", register, "{\"schema\": \"x\"} trailing", 400, 400,
                        "Malformed JSON in request body: Unrecognized token 'trailing': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false'); expected a JSON object such as " + SCHEMA_EXAMPLE),
                Arguments.of("POST", register, "[1, 2]", 400, 400,
                        "Request body must be a JSON object such as " + SCHEMA_EXAMPLE + "; found an array"),
                Arguments.of("POST", register, "\"string\"", 400, 400,
                        "Request body must be a JSON object such as " + SCHEMA_EXAMPLE + "; found a string"),
                Arguments.of("POST", register, "{}", 422, 42201,
                        "Empty schema: the request has no \"schema\" field (or it is empty). Send the schema as a string: " + SCHEMA_EXAMPLE),
                Arguments.of("POST", register, "{\"schema\": null}", 422, 42201,
                        "Empty schema: the request has no \"schema\" field (or it is empty). Send the schema as a string: " + SCHEMA_EXAMPLE),
                Arguments.of("POST", register, "{\"schema\": {\"type\": \"string\"}}", 400, 400,
                        "Field \"schema\" must be a string holding the schema's JSON text; found an object. Send the schema as an escaped string: " + SCHEMA_EXAMPLE),
                Arguments.of("POST", register, "{\"schema\": \"{\\\"type\\\": \\\"record\\\"}\"}", 422, 42201,
                        "Invalid schema of type AVRO, details: No name in schema: {\"type\":\"record\"}"),
                Arguments.of("POST", register, "{\"schema\": \"not json\"}", 422, 42201, null),
                Arguments.of("POST", register, "{\"schema\": 5}", 422, 42201, null),
                Arguments.of("POST", register, "{\"schema\": \"\\\"string\\\"\", \"schemaType\": \"PROTOBUF\"}", 422, 42201,
                        "Invalid schema type PROTOBUF: this registry supports AVRO"),
                Arguments.of("POST", register, "{\"schema\": \"\\\"string\\\"\", \"schemaType\": \"XML\"}", 422, 42201,
                        "Invalid schema type XML: this registry supports AVRO"),
                Arguments.of("POST", register, "{\"schema\": \"\\\"string\\\"\", \"schemaType\": [\"AVRO\"]}", 400, 400,
                        "Field \"schemaType\" must be a string, one of [AVRO]; found an array"),
                Arguments.of("POST", register, "{\"schema\": \"\\\"string\\\"\", \"references\": {}}", 400, 400,
                        "Field \"references\" must be an array of {\"name\": ..., \"subject\": ..., \"version\": ...}; found an object"),
                Arguments.of("POST", register, "{\"schema\": \"\\\"string\\\"\", \"references\": [{\"name\": \"A\", \"subject\": \"a\"}]}", 422, 42201,
                        "Invalid reference {\"name\":\"A\",\"subject\":\"a\"}: each reference is {\"name\": \"<full type name>\", \"subject\": \"<subject>\", \"version\": <n>}, with a version from 1"),
                Arguments.of("POST", register, "{\"schema\": \"\\\"string\\\"\", \"references\": [{\"name\": \"A\", \"subject\": \"a\", \"version\": 1}]}", 422, 42201,
                        "Invalid schema of type AVRO, details: reference {name=A, subject=a, version=1} does not resolve: subject 'a' has no version 1; register it first"),
                Arguments.of("POST", register, "{\"schema\": \"" + "x".repeat(70 * 1024) + "\"}", 413, 413,
                        "Request body too large: the limit is 65536 bytes"),
                // versions and ids that cannot be
                Arguments.of("GET", "/subjects/a/versions/abc", null, 422, 42202, "The specified version 'abc' " + VERSION_RULE),
                Arguments.of("GET", "/subjects/a/versions/0", null, 422, 42202, "The specified version '0' " + VERSION_RULE),
                Arguments.of("GET", "/subjects/a/versions/-2", null, 422, 42202, "The specified version '-2' " + VERSION_RULE),
                Arguments.of("GET", "/subjects/a/versions/99999999999", null, 422, 42202, "The specified version '99999999999' " + VERSION_RULE),
                Arguments.of("DELETE", "/subjects/a/versions/first", null, 422, 42202, "The specified version 'first' " + VERSION_RULE),
                Arguments.of("POST", "/compatibility/subjects/a/versions/abc", SCHEMA_EXAMPLE, 422, 42202, "The specified version 'abc' " + VERSION_RULE),
                Arguments.of("GET", "/schemas/ids/abc", null, 404, 40403, "Schema abc not found: a schema id is an integer between 1 and 2147483647"),
                Arguments.of("GET", "/schemas/ids/99999999999", null, 404, 40403, "Schema 99999999999 not found: a schema id is an integer between 1 and 2147483647"),
                Arguments.of("GET", "/schemas/ids/42", null, 404, 40403, "Schema 42 not found"),
                Arguments.of("GET", "/schemas/ids/-1", null, 404, 40403, "Schema -1 not found"),
                Arguments.of("GET", "/schemas/ids/42/versions", null, 404, 40403, "Schema not found"),
                Arguments.of("GET", "/schemas/ids/42/schema", null, 404, 40403, "Schema 42 not found"),
                // subjects that do not exist
                Arguments.of("GET", "/subjects/a/versions", null, 404, 40401, "Subject 'a' not found."),
                Arguments.of("GET", "/subjects/a/versions/1", null, 404, 40401, "Subject 'a' not found."),
                Arguments.of("GET", "/subjects/a/versions/latest", null, 404, 40401, "Subject 'a' not found."),
                Arguments.of("GET", "/subjects/a/versions/-1/schema", null, 404, 40401, "Subject 'a' not found."),
                Arguments.of("POST", "/subjects/a", SCHEMA_EXAMPLE, 404, 40401, "Subject 'a' not found."),
                Arguments.of("DELETE", "/subjects/a", null, 404, 40401, "Subject 'a' not found."),
                Arguments.of("DELETE", "/subjects/a?permanent=true", null, 404, 40401, "Subject 'a' not found."),
                Arguments.of("DELETE", "/subjects/a/versions/1", null, 404, 40401, "Subject 'a' not found."),
                Arguments.of("POST", "/compatibility/subjects/a/versions/1", SCHEMA_EXAMPLE, 404, 40401, "Subject 'a' not found."),
                Arguments.of("POST", "/compatibility/subjects/a/versions/latest", SCHEMA_EXAMPLE, 404, 40401, "Subject 'a' not found."),
                // configuration
                Arguments.of("PUT", "/config", "{\"compatibility\": \"SIDEWAYS\"}", 422, 42203,
                        "Invalid compatibility level 'SIDEWAYS'. Valid values are " + VALID_LEVELS),
                Arguments.of("PUT", "/config/a", "{\"compatibility\": 3}", 422, 42203,
                        "Invalid compatibility level 3. Valid values are " + VALID_LEVELS),
                Arguments.of("PUT", "/config", "{}", 422, 42203,
                        "Missing field \"compatibility\": send {\"compatibility\": \"BACKWARD\"}. Valid values are " + VALID_LEVELS),
                Arguments.of("PUT", "/config", "nope", 400, 400, null),
                Arguments.of("GET", "/config/a", null, 404, 40408, "Subject 'a' does not have subject-level compatibility configured"),
                Arguments.of("DELETE", "/config/a", null, 404, 40401, "Subject 'a' not found."),
                // mode
                Arguments.of("PUT", "/mode", "{\"mode\": \"READONLY\"}", 422, 42205,
                        "Mode changes are not supported by the embedded registry: it is always READWRITE"),
                Arguments.of("PUT", "/mode", "{\"mode\": \"SOMETIMES\"}", 422, 42204,
                        "Invalid mode \"SOMETIMES\". Valid values are READWRITE, READONLY, READONLY_OVERRIDE, IMPORT"),
                Arguments.of("GET", "/mode/a", null, 404, 40409, "Subject 'a' does not have subject-level mode configured"));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}/{4}")
    @MethodSource("errors")
    void answersTheErrorWithItsCodeAndMessage(String method, String path, String body, int status, int errorCode,
                                              String message) {
        RegistryHttp.Answer answer = http.send(method, path, body);

        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(answer.errorCode()).as(answer.text()).isEqualTo(errorCode);
        if (message != null) {
            assertThat(answer.message()).isEqualTo(message);
        } else {
            assertThat(answer.message()).isNotBlank();
        }
    }
}

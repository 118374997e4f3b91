package io.meshstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each error answer becomes the exception a caller would branch on, with the status, the code and a fix. */
class RegistryErrorMappingTest {
    private StubRegistry registry;
    private SchemaRegistryClient client;

    @BeforeEach
    void start() {
        registry = StubRegistry.start();
        client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(), "max.retries", 0));
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}",
                        RegistryNotFoundException.class, 40401, "Subject 'x' not found.. Fix: check the subject name "
                                + "(TopicNameStrategy subjects are '<topic>-value' and '<topic>-key') and register a "
                                + "schema under it first"),
                Arguments.of(404, "{\"error_code\":40402,\"message\":\"Version 9 not found.\"}",
                        RegistryNotFoundException.class, 40402, "Version 9 not found.. Fix: list the subject's live "
                                + "versions with GET /subjects/{subject}/versions"),
                Arguments.of(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}",
                        RegistryNotFoundException.class, 40403, "Schema not found. Fix: register the schema, or check "
                                + "that every producer and consumer uses the same registry (schema.registry.url)"),
                Arguments.of(404, "{\"error_code\":40405,\"message\":\"not soft-deleted\"}",
                        RegistryNotFoundException.class, 40405, "not soft-deleted. Fix: soft-delete the subject first "
                                + "(permanent=false), then delete it permanently"),
                Arguments.of(409, "{\"error_code\":409,\"message\":\"incompatible\"}",
                        IncompatibleSchemaException.class, 409, "incompatible. Fix: make the change compatible with the "
                                + "subject's compatibility level (e.g. give new fields a default), or publish a new "
                                + "major version on a new topic"),
                Arguments.of(409, "{\"error_code\":40901,\"message\":\"incompatible\"}",
                        IncompatibleSchemaException.class, 40901, "incompatible. Fix: make the change compatible with "
                                + "the subject's compatibility level (e.g. give new fields a default), or publish a new "
                                + "major version on a new topic"),
                Arguments.of(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}",
                        InvalidSchemaException.class, 42201, "Invalid schema. Fix: correct the schema text; it must "
                                + "parse as a schema of its type, and every reference must name a registered subject "
                                + "and version"),
                Arguments.of(422, "{\"error_code\":42203,\"message\":\"Invalid compatibility level\"}",
                        SchemaRegistryException.class, 42203, "Invalid compatibility level. Fix: use one of NONE, "
                                + "BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE"),
                Arguments.of(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}",
                        SchemaRegistryException.class, 401, "Unauthorized. Fix: check the credentials: "
                                + "basic.auth.credentials.source with basic.auth.user.info, user info in "
                                + "schema.registry.url, or bearer.auth.token"),
                Arguments.of(403, "<html>Forbidden</html>",
                        SchemaRegistryException.class, 403, "'<html>Forbidden</html>'. Fix: the credentials are valid "
                                + "but not allowed to do this; ask the registry's administrator for access"),
                Arguments.of(400, "", SchemaRegistryException.class, 400, "(empty body)"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("answers")
    void anErrorAnswerBecomesATypedExceptionWithStatusCodeAndFix(int status, String body,
                                                                Class<? extends SchemaRegistryException> type,
                                                                int errorCode, String message) {
        // given
        registry.thenAnswer(status, body);

        // when
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> client.versions("x"));

        // then
        assertThat(e).isExactlyInstanceOf(type)
                .hasMessage("The schema registry at " + registry.url() + " refused GET /subjects/x/versions with HTTP "
                        + status + ", error_code " + errorCode + ": " + message);
        assertThat(e.httpStatus()).isEqualTo(status);
        assertThat(e.errorCode()).isEqualTo(errorCode);
        assertThat(registry.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSuccesses")
    void aSuccessfulAnswerThatIsNotTheExpectedJsonSaysSoInsteadOfFailingLater(String body, String problem) {
        // given
        registry.thenAnswer(200, body);

        // when
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> client.schemaById(4));

        // then
        assertThat(e.getMessage()).startsWith("The schema registry").contains(problem);
        assertThat(e.httpStatus()).isEqualTo(200);
    }

    static Stream<Arguments> malformedSuccesses() {
        return Stream.of(
                Arguments.of("<html>proxy login</html>", "answered GET /schemas/ids/4 with HTTP 200 but a body that is "
                        + "not the expected"),
                Arguments.of("null", "the body is JSON null"),
                Arguments.of("{\"id\":4}", "'s answer to GET /schemas/ids/4 has no 'schema' field. Fix: check that "
                        + "schema.registry.url points at a Confluent-compatible schema registry."));
    }
}

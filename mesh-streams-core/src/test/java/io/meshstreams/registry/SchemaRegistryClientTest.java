package io.meshstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's operations against a stub registry: what goes over the wire, what comes back, what is cached. */
class SchemaRegistryClientTest {
    static final String V1 = "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"com.acme.orders\",\"fields\":"
            + "[{\"name\":\"orderId\",\"type\":\"string\"}]}";
    static final String V2 = "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"com.acme.orders\",\"fields\":"
            + "[{\"name\":\"orderId\",\"type\":\"string\"},{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"}]}";
    static final String V2_BREAKING = "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"com.acme.orders\","
            + "\"fields\":[{\"name\":\"orderId\",\"type\":\"string\"},{\"name\":\"currency\",\"type\":\"string\"}]}";
    static final String SUBJECT = "orders.order-events.placed.v1-value";

    private StubRegistry registry;
    private SchemaRegistryClient client;

    @BeforeEach
    void start() {
        registry = StubRegistry.start();
        client = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()));
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    @Test
    void registerSendsTheSchemaAsAStringWithConfluentsMediaTypesAndCachesTheId() {
        // when
        int first = client.register(SUBJECT, SchemaDefinition.avro(V1));
        int again = client.register(SUBJECT, SchemaDefinition.avro(V1));

        // then
        assertThat(again).isEqualTo(first).isEqualTo(1);
        assertThat(registry.requestLines()).containsExactly("POST /subjects/" + SUBJECT + "/versions");
        StubRegistry.Request request = registry.requests().get(0);
        assertThat(request.header("Accept"))
                .isEqualTo("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json");
        assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.body()).isEqualTo("{\"schema\":" + quote(V1) + "}");
        assertThat(client.requestCount()).isEqualTo(1);
    }

    @Test
    void schemaTypeAndReferencesAreSentOnlyWhenTheyAreNotTheDefault() {
        // given
        SchemaDefinition withReference = new SchemaDefinition(V1, "AVRO",
                List.of(new SchemaReference("com.acme.Money", "money-value", 2)));

        // when
        registry.thenAnswer(200, "{\"id\":9}");
        client.register("a-value", withReference);
        registry.thenAnswer(200, "{\"id\":10}");
        client.register("b-value", new SchemaDefinition("syntax = \"proto3\";", "PROTOBUF", List.of()));

        // then
        assertThat(registry.requests().get(0).body()).isEqualTo("{\"schema\":" + quote(V1)
                + ",\"references\":[{\"name\":\"com.acme.Money\",\"subject\":\"money-value\",\"version\":2}]}");
        assertThat(registry.requests().get(1).body())
                .isEqualTo("{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
    }

    @Test
    void theSameSchemaUnderAnotherSubjectGetsTheSameIdAndSchemaByIdIsCached() {
        // given
        int id = client.register(SUBJECT, SchemaDefinition.avro(V1));
        int other = client.register("other-value", SchemaDefinition.avro(V1));

        // when
        SchemaRegistryClient fresh = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url()));
        SchemaDefinition byId = fresh.schemaById(id);
        fresh.schemaById(id);

        // then
        assertThat(other).isEqualTo(id);
        assertThat(byId).isEqualTo(SchemaDefinition.avro(V1));
        assertThat(fresh.requestCount()).isEqualTo(1);
        assertThat(client.subjectVersionsById(id))
                .containsExactlyInAnyOrder(new SubjectVersion(SUBJECT, 1), new SubjectVersion("other-value", 1));
        fresh.close();
    }

    @Test
    void lookUpFindsARegisteredSchemaAndSaysWhichPartIsMissingOtherwise() {
        // given
        client.register(SUBJECT, SchemaDefinition.avro(V1));

        // when
        RegisteredSchema found = client.lookUp(SUBJECT, SchemaDefinition.avro(V1));
        client.lookUp(SUBJECT, SchemaDefinition.avro(V1));

        // then
        assertThat(found).isEqualTo(new RegisteredSchema(SUBJECT, 1, 1, SchemaDefinition.avro(V1)));
        assertThat(registry.requestLines()).containsExactly("POST /subjects/" + SUBJECT + "/versions",
                "POST /subjects/" + SUBJECT);
        assertThatThrownBy(() -> client.lookUp(SUBJECT, SchemaDefinition.avro(V2)))
                .isInstanceOfSatisfying(RegistryNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(RegistryErrorCode.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> client.lookUp("nobody-value", SchemaDefinition.avro(V1)))
                .isInstanceOfSatisfying(RegistryNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(RegistryErrorCode.SUBJECT_NOT_FOUND));
    }

    @Test
    void versionsLatestAndOneVersionAreReadFromTheRegistry() {
        // given
        client.register(SUBJECT, SchemaDefinition.avro(V1));
        client.register(SUBJECT, SchemaDefinition.avro(V2));

        // then
        assertThat(client.subjects()).containsExactly(SUBJECT);
        assertThat(client.versions(SUBJECT)).containsExactly(1, 2);
        assertThat(client.latestVersion(SUBJECT)).isEqualTo(new RegisteredSchema(SUBJECT, 2, 2, SchemaDefinition.avro(V2)));
        assertThat(client.version(SUBJECT, 1)).isEqualTo(new RegisteredSchema(SUBJECT, 1, 1, SchemaDefinition.avro(V1)));
        assertThatThrownBy(() -> client.version(SUBJECT, 7))
                .isInstanceOfSatisfying(RegistryNotFoundException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(RegistryErrorCode.VERSION_NOT_FOUND);
                });
    }

    @Test
    void subjectNamesAreEncodedAsOnePathSegment() {
        // when
        client.register("odd name/with:chars-value", SchemaDefinition.avro(V1));

        // then
        assertThat(registry.requestLines()).containsExactly("POST /subjects/odd%20name%2Fwith%3Achars-value/versions");
        assertThat(client.versions("odd name/with:chars-value")).containsExactly(1);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWithATypedErrorAndTheTestSaysWhy() {
        // given
        client.register(SUBJECT, SchemaDefinition.avro(V1));

        // when
        CompatibilityResult compatible = client.testCompatibility(SUBJECT, SchemaDefinition.avro(V2));
        CompatibilityResult incompatible = client.testCompatibility(SUBJECT, SchemaDefinition.avro(V2_BREAKING));

        // then
        assertThat(compatible).isEqualTo(new CompatibilityResult(true, List.of()));
        assertThat(incompatible.compatible()).isFalse();
        assertThat(incompatible.messages()).containsExactly("currency");
        assertThat(registry.requestLines()).contains(
                "POST /compatibility/subjects/" + SUBJECT + "/versions/latest?verbose=true");
        assertThatThrownBy(() -> client.register(SUBJECT, SchemaDefinition.avro(V2_BREAKING)))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessage("The schema registry at " + registry.url() + " refused POST /subjects/" + SUBJECT
                        + "/versions with HTTP 409, error_code 409: Schema being registered is incompatible with an "
                        + "earlier schema for subject \"" + SUBJECT + "\". Fix: make the change compatible with the "
                        + "subject's compatibility level (e.g. give new fields a default), or publish a new major "
                        + "version on a new topic");
    }

    @Test
    void anInvalidSchemaIsRefusedWithATypedError() {
        assertThatThrownBy(() -> client.register(SUBJECT, SchemaDefinition.avro("{\"type\":\"recrd\"}")))
                .isInstanceOfSatisfying(InvalidSchemaException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(RegistryErrorCode.INVALID_SCHEMA);
                });
    }

    @Test
    void compatibilityLevelsAreReadAndSetGloballyAndPerSubject() {
        // when / then
        assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        client.setCompatibility(CompatibilityLevel.FULL);
        assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FULL);

        assertThat(client.compatibility(SUBJECT)).isEmpty();
        client.setCompatibility(SUBJECT, CompatibilityLevel.NONE);
        assertThat(client.compatibility(SUBJECT)).isEqualTo(Optional.of(CompatibilityLevel.NONE));
        client.deleteCompatibility(SUBJECT);
        assertThat(client.compatibility(SUBJECT)).isEmpty();

        assertThat(registry.requests().get(1).body()).isEqualTo("{\"compatibility\":\"FULL\"}");
    }

    @Test
    void softThenPermanentDeletesInThatOrderAndForgetTheSubjectsCachedIds() {
        // given
        client.register(SUBJECT, SchemaDefinition.avro(V1));
        client.register(SUBJECT, SchemaDefinition.avro(V2));

        // when / then
        assertThat(client.deleteVersion(SUBJECT, 2, false)).isEqualTo(2);
        assertThatThrownBy(() -> client.deleteSubject(SUBJECT, true))
                .isInstanceOfSatisfying(RegistryNotFoundException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(RegistryErrorCode.SUBJECT_NOT_SOFT_DELETED));
        assertThat(client.deleteSubject(SUBJECT, false)).containsExactly(1);
        assertThat(client.subjects()).isEmpty();
        assertThat(client.subjects(true)).containsExactly(SUBJECT);
        assertThat(client.deleteSubject(SUBJECT, true)).containsExactly(1, 2);
        assertThat(client.schemaById(1)).isEqualTo(SchemaDefinition.avro(V1));

        long before = client.requestCount();
        client.register(SUBJECT, SchemaDefinition.avro(V1));
        assertThat(client.requestCount()).isEqualTo(before + 1);
    }

    @Test
    void missingIdsAreRememberedOnlyWhenConfigured() {
        // given
        SchemaRegistryClient remembering = SchemaRegistryClient.create(Map.of("schema.registry.url", registry.url(),
                "missing.id.cache.ttl.sec", 60));

        // when
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> remembering.schemaById(77)).isInstanceOf(RegistryNotFoundException.class)
                    .hasMessageContaining("Schema 77 not found");
            assertThatThrownBy(() -> client.schemaById(77)).isInstanceOf(RegistryNotFoundException.class);
        }

        // then
        assertThat(remembering.requestCount()).isEqualTo(1);
        assertThat(client.requestCount()).isEqualTo(3);
        remembering.close();
    }

    @Test
    void aClosedClientSaysSo() {
        client.close();

        assertThatThrownBy(() -> client.subjects())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("This schema registry client [" + registry.url()
                        + "] is closed; create a new one with SchemaRegistryClient.create(...)");
    }

    private static String quote(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }
}

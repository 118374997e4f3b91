package io.meshstreams.local.internal.registry;

import static io.meshstreams.local.internal.registry.RegistryHttp.record;
import static io.meshstreams.local.internal.registry.RegistryHttp.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST API's behaviour over real HTTP, on an in-memory store: what clients rely on. */
class RegistryHttpApiTest {
    static final String ORDER_V1 = record("Order", "{\"name\":\"id\",\"type\":\"string\"}");
    static final String ORDER_V2 = record("Order", "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"amount\",\"type\":\"int\",\"default\":0}");
    static final String ORDER_NO_DEFAULT = record("Order", "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"amount\",\"type\":\"int\"}");
    static final String CANONICAL_V1 = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

    private RegistryHttpServer server;
    private RegistryHttp http;

    @BeforeEach
    void start() throws Exception {
        server = RegistryHttpServer.start(new InMemoryRegistryStore(), RegistryHttpServer.Settings.defaults());
        http = new RegistryHttp(server.url());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aRegisteredSchemaCanBeReadBackEveryWay() {
        assertThat(http.post("/subjects/orders-value/versions", schemaBody(ORDER_V1)).text()).isEqualTo("{\"id\":1}");

        assertThat(http.get("/subjects").text()).isEqualTo("[\"orders-value\"]");
        assertThat(http.get("/subjects/orders-value/versions").text()).isEqualTo("[1]");
        String version = "{\"subject\":\"orders-value\",\"version\":1,\"id\":1,\"schema\":" + quoted(CANONICAL_V1) + "}";
        assertThat(http.get("/subjects/orders-value/versions/1").text()).isEqualTo(version);
        assertThat(http.get("/subjects/orders-value/versions/latest").text()).isEqualTo(version);
        assertThat(http.get("/subjects/orders-value/versions/-1").text()).isEqualTo(version);
        assertThat(http.get("/subjects/orders-value/versions/1/schema").text()).isEqualTo(CANONICAL_V1);
        assertThat(http.get("/schemas/ids/1").text()).isEqualTo("{\"schema\":" + quoted(CANONICAL_V1) + "}");
        assertThat(http.get("/schemas/ids/1/schema").text()).isEqualTo(CANONICAL_V1);
        assertThat(http.get("/schemas/ids/1/versions").text()).isEqualTo("[{\"subject\":\"orders-value\",\"version\":1}]");
        assertThat(http.get("/schemas/ids/1/subjects").text()).isEqualTo("[\"orders-value\"]");
        assertThat(http.post("/subjects/orders-value", schemaBody(ORDER_V1)).text()).isEqualTo(version);
    }

    @Test
    void theSameSchemaGetsItsIdBackWithoutANewVersionWhateverItsWhitespaceAndKeyOrder() {
        int id = http.register("orders-value", ORDER_V1);
        String reordered = "{ \"fields\" : [ { \"type\" : \"string\", \"name\" : \"id\" } ],\n  \"name\" : \"Order\", \"type\" : \"record\" }";

        assertThat(http.register("orders-value", reordered)).isEqualTo(id);
        assertThat(http.register("orders-value", ORDER_V1)).isEqualTo(id);
        assertThat(http.get("/subjects/orders-value/versions").text()).isEqualTo("[1]");
        assertThat(http.post("/subjects/orders-value", schemaBody(reordered)).json().get("version").asInt()).isEqualTo(1);
    }

    @Test
    void theSameSchemaUnderTwoSubjectsSharesOneGlobalId() {
        int first = http.register("a-value", ORDER_V1);
        int other = http.register("b-value", "\"string\"");
        int second = http.register("c-value", ORDER_V1);

        assertThat(second).isEqualTo(first).isNotEqualTo(other);
        assertThat(http.get("/schemas/ids/" + first + "/versions").text())
                .isEqualTo("[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"c-value\",\"version\":1}]");
    }

    @Test
    void idsAreNeverReusedEvenAfterAPermanentDelete() {
        assertThat(http.register("a-value", ORDER_V1)).isEqualTo(1);
        assertThat(http.delete("/subjects/a-value").text()).isEqualTo("[1]");
        assertThat(http.delete("/subjects/a-value?permanent=true").text()).isEqualTo("[1]");

        assertThat(http.get("/schemas/ids/1").errorCode()).isEqualTo(40403);
        assertThat(http.register("b-value", "\"string\"")).isEqualTo(2);
        assertThat(http.register("a-value", ORDER_V1)).isEqualTo(3);
        assertThat(http.get("/subjects/a-value/versions").text()).isEqualTo("[1]");
    }

    @Test
    void softDeletedVersionsLeaveListingsAndLatestButTheirIdsStillResolve() {
        http.register("orders-value", ORDER_V1);
        http.register("orders-value", ORDER_V2);

        assertThat(http.delete("/subjects/orders-value/versions/2").text()).isEqualTo("2");

        assertThat(http.get("/subjects/orders-value/versions").text()).isEqualTo("[1]");
        assertThat(http.get("/subjects/orders-value/versions?deleted=true").text()).isEqualTo("[1,2]");
        assertThat(http.get("/subjects/orders-value/versions/latest").json().get("version").asInt()).isEqualTo(1);
        assertThat(http.get("/subjects/orders-value/versions/2").errorCode()).isEqualTo(40402);
        JsonNode deleted = http.get("/subjects/orders-value/versions/2?deleted=true").json();
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(http.get("/schemas/ids/2").status()).isEqualTo(200);
        assertThat(http.get("/schemas/ids/2/versions").text()).isEqualTo("[]");
        assertThat(http.get("/schemas/ids/2/versions?deleted=true").text()).isEqualTo("[{\"subject\":\"orders-value\",\"version\":2}]");
        assertThat(http.post("/subjects/orders-value", schemaBody(ORDER_V2)).errorCode()).isEqualTo(40403);
        assertThat(http.post("/subjects/orders-value?deleted=true", schemaBody(ORDER_V2)).json().get("version").asInt()).isEqualTo(2);
    }

    @Test
    void deletesFollowConfluentsSoftThenPermanentRules() {
        http.register("orders-value", ORDER_V1);
        http.register("orders-value", ORDER_V2);

        RegistryHttp.Answer permanentFirst = http.delete("/subjects/orders-value/versions/1?permanent=true");
        assertThat(permanentFirst.errorCode()).isEqualTo(40407);
        assertThat(permanentFirst.message()).isEqualTo("Subject 'orders-value' Version 1 was not deleted first before being permanently deleted");
        assertThat(http.delete("/subjects/orders-value?permanent=true").errorCode()).isEqualTo(40405);

        assertThat(http.delete("/subjects/orders-value/versions/1").text()).isEqualTo("1");
        RegistryHttp.Answer again = http.delete("/subjects/orders-value/versions/1");
        assertThat(again.errorCode()).isEqualTo(40406);
        assertThat(again.message()).isEqualTo("Subject 'orders-value' Version 1 was soft deleted.Set permanent=true to delete permanently");
        assertThat(http.delete("/subjects/orders-value/versions/1?permanent=true").text()).isEqualTo("1");
        assertThat(http.delete("/subjects/orders-value/versions/1?permanent=true").errorCode()).isEqualTo(40402);

        assertThat(http.delete("/subjects/orders-value").text()).isEqualTo("[2]");
        assertThat(http.get("/subjects").text()).isEqualTo("[]");
        assertThat(http.get("/subjects?deleted=true").text()).isEqualTo("[\"orders-value\"]");
        assertThat(http.get("/subjects/orders-value/versions").errorCode()).isEqualTo(40401);
        RegistryHttp.Answer subjectAgain = http.delete("/subjects/orders-value");
        assertThat(subjectAgain.errorCode()).isEqualTo(40404);
        assertThat(subjectAgain.message()).isEqualTo("Subject 'orders-value' was soft deleted.Set permanent=true to delete permanently");
        assertThat(http.delete("/subjects/orders-value?permanent=true").text()).isEqualTo("[2]");
        assertThat(http.get("/subjects?deleted=true").text()).isEqualTo("[]");
        assertThat(http.get("/schemas/ids/2").errorCode()).isEqualTo(40403);
    }

    @Test
    void versionNumbersGoOnAfterSoftDeletesAndReRegisteringASoftDeletedSchemaKeepsItsId() {
        int id = http.register("orders-value", ORDER_V1);
        http.delete("/subjects/orders-value");

        assertThat(http.register("orders-value", ORDER_V1)).isEqualTo(id);
        assertThat(http.get("/subjects/orders-value/versions?deleted=true").text()).isEqualTo("[2]");
    }

    @Test
    void backwardIsTheDefaultAndAnIncompatibleSchemaIsRefusedWithTheReason() {
        http.register("orders-value", ORDER_V1);

        RegistryHttp.Answer refused = http.post("/subjects/orders-value/versions", schemaBody(ORDER_NO_DEFAULT));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo(409);
        assertThat(refused.message()).startsWith("Schema being registered is incompatible with an earlier schema for subject "
                + "\"orders-value\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field "
                + "'amount' at path '/fields/1' in the new schema has no default value and is missing in the old schema");
        assertThat(refused.message()).contains("{oldSchemaVersion: 1}", "{validateFields: 'false', compatibility: 'BACKWARD'}");
        assertThat(http.register("orders-value", ORDER_V2)).isEqualTo(2);
    }

    @Test
    void compatibilityChecksAnswerWithMessagesWhenVerbose() {
        http.register("orders-value", ORDER_V1);

        assertThat(http.post("/compatibility/subjects/orders-value/versions/latest", schemaBody(ORDER_V2)).text())
                .isEqualTo("{\"is_compatible\":true}");
        assertThat(http.post("/compatibility/subjects/orders-value/versions/1?verbose=true", schemaBody(ORDER_V2)).text())
                .isEqualTo("{\"is_compatible\":true,\"messages\":[]}");
        JsonNode incompatible = http.post("/compatibility/subjects/orders-value/versions/latest?verbose=true",
                schemaBody(ORDER_NO_DEFAULT)).json();
        assertThat(incompatible.get("is_compatible").asBoolean()).isFalse();
        assertThat(incompatible.get("messages").get(0).asText()).startsWith("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'");
        assertThat(http.post("/compatibility/subjects/orders-value/versions", schemaBody(ORDER_NO_DEFAULT)).text())
                .isEqualTo("{\"is_compatible\":false}");
        // as Confluent: an invalid schema is a message when verbose, 42201 otherwise
        assertThat(http.post("/compatibility/subjects/orders-value/versions/latest?verbose=true", schemaBody("{")).json()
                .get("messages").get(0).asText()).startsWith("Invalid schema of type AVRO, details: ");
        assertThat(http.post("/compatibility/subjects/orders-value/versions/latest", schemaBody("{")).errorCode()).isEqualTo(42201);
        // as SCHEMA_REGISTRY.md and Confluent's API reference (Confluent's server answers 200 here): 40401
        assertThat(http.post("/compatibility/subjects/unknown-value/versions/latest", schemaBody(ORDER_V1)).errorCode())
                .isEqualTo(40401);
        assertThat(http.post("/compatibility/subjects/unknown-value/versions", schemaBody(ORDER_V1)).errorCode())
                .isEqualTo(40401);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"})
    void eachLevelChecksItsDirectionAgainstTheLatestOrEveryVersion(String level) {
        String v1 = record("R", "{\"name\":\"a\",\"type\":\"string\"}");
        String v2 = record("R", "{\"name\":\"a\",\"type\":\"string\"}", "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}");
        // drops b (fine both ways against v2, since b has a default) and adds c without a default
        String addsFieldWithoutDefault = record("R", "{\"name\":\"a\",\"type\":\"string\"}", "{\"name\":\"c\",\"type\":\"string\"}");
        // drops field a, which v1 readers need: not forward compatible with v1 (nor v2)
        String dropsRequired = record("R", "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}");
        // v3 adds d with a default, and v4 makes b required: backward vs v3 fine, vs v1 not (b missing in v1 data)
        http.put("/config/r-value", "{\"compatibility\":\"NONE\"}");
        http.register("r-value", v1);
        http.register("r-value", v2);
        assertThat(http.put("/config/r-value", "{\"compatibility\":\"" + level + "\"}").text())
                .isEqualTo("{\"compatibility\":\"" + level + "\"}");
        String requiresB = record("R", "{\"name\":\"a\",\"type\":\"string\"}", "{\"name\":\"b\",\"type\":\"string\"}");

        boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
        boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
        boolean transitive = level.endsWith("TRANSITIVE");
        assertThat(compatible(addsFieldWithoutDefault)).isEqualTo(!backward);
        assertThat(compatible(dropsRequired)).isEqualTo(!forward);
        // requiresB reads v2 data (backward ok vs latest) but not v1 data (backward fails transitively);
        // v2 readers read its data (forward ok), and so do v1 readers
        assertThat(compatible(requiresB)).isEqualTo(!(backward && transitive));
    }

    private boolean compatible(String schema) {
        RegistryHttp.Answer answer = http.post("/subjects/r-value/versions", schemaBody(schema));
        if (answer.status() == 200) {
            // undo, so that each check runs against v1 and v2 only
            int version = http.post("/subjects/r-value", schemaBody(schema)).json().get("version").asInt();
            http.delete("/subjects/r-value/versions/" + version);
            http.delete("/subjects/r-value/versions/" + version + "?permanent=true");
            return true;
        }
        assertThat(answer.status()).as(answer.text()).isEqualTo(409);
        return false;
    }

    @Test
    void compatibilityLevelsAreGlobalOrPerSubjectAndDeletingOneRevertsToTheGlobal() {
        assertThat(http.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(http.put("/config", "{\"compatibility\":\"full\"}").text()).isEqualTo("{\"compatibility\":\"FULL\"}");
        assertThat(http.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");

        assertThat(http.put("/config/a-value", "{\"compatibility\":\"NONE\"}").text()).isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(http.get("/config/a-value").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertThat(http.get("/config/b-value?defaultToGlobal=true").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(http.delete("/config/a-value").text()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
        assertThat(http.get("/config/a-value").errorCode()).isEqualTo(40408);

        assertThat(http.delete("/config").text()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
        assertThat(http.get("/config").text()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    }

    @Test
    void aPermanentlyDeletedSubjectLosesItsCompatibilityLevel() {
        http.register("a-value", ORDER_V1);
        http.put("/config/a-value", "{\"compatibility\":\"NONE\"}");

        http.delete("/subjects/a-value");
        assertThat(http.get("/config/a-value").status()).isEqualTo(200);
        http.delete("/subjects/a-value?permanent=true");

        assertThat(http.get("/config/a-value").errorCode()).isEqualTo(40408);
    }

    @Test
    void referencesResolveWhenParsingAndProtectTheReferencedVersion() {
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"com.example\",\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        int addressId = http.register("address-value", address);
        String customer = "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"com.example\",\"fields\":["
                + "{\"name\":\"address\",\"type\":\"com.example.Address\"}]}";
        String body = "{\"schema\":" + quoted(customer)
                + ",\"references\":[{\"name\":\"com.example.Address\",\"subject\":\"address-value\",\"version\":1}]}";

        RegistryHttp.Answer registered = http.post("/subjects/customer-value/versions", body);
        assertThat(registered.status()).as(registered.text()).isEqualTo(200);
        int customerId = registered.json().get("id").asInt();

        JsonNode version = http.get("/subjects/customer-value/versions/1").json();
        assertThat(version.get("references").toString())
                .isEqualTo("[{\"name\":\"com.example.Address\",\"subject\":\"address-value\",\"version\":1}]");
        assertThat(version.get("schema").asText()).doesNotContain("city");
        assertThat(http.get("/schemas/ids/" + customerId).json().get("references")).hasSize(1);
        assertThat(http.post("/subjects/customer-value/versions", body).json().get("id").asInt()).isEqualTo(customerId);
        assertThat(http.post("/subjects/customer-value", body).json().get("id").asInt()).isEqualTo(customerId);
        assertThat(http.get("/subjects/address-value/versions/1/referencedby").text()).isEqualTo("[" + customerId + "]");
        RegistryHttp.Answer protectedDelete = http.delete("/subjects/address-value/versions/1");
        assertThat(protectedDelete.status()).isEqualTo(422);
        assertThat(protectedDelete.errorCode()).isEqualTo(42206);
        assertThat(addressId).isNotEqualTo(customerId);
        // without the reference the name does not resolve
        assertThat(http.post("/subjects/customer-value/versions", schemaBody(customer)).errorCode()).isEqualTo(42201);
    }

    @Test
    void typesModeRootAndContextsAnswerConstants() {
        assertThat(http.get("/schemas/types").text()).isEqualTo("[\"AVRO\"]");
        assertThat(http.get("/mode").text()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertThat(http.get("/mode/a?defaultToGlobal=true").text()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertThat(http.put("/mode", "{\"mode\":\"READWRITE\"}").text()).isEqualTo("{\"mode\":\"READWRITE\"}");
        assertThat(http.get("/").text()).isEqualTo("{}");
        assertThat(http.get("/contexts").text()).isEqualTo("[\".\"]");
        assertThat(http.get("/subjects/").text()).isEqualTo("[]");
    }

    @ParameterizedTest(name = "Content-Type: {0}")
    @ValueSource(strings = {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream", "text/plain; charset=utf-8"})
    void requestContentTypesAreAcceptedLenientlyAndAnswersAreV1Json(String contentType) {
        RegistryHttp.Answer answer = http.send("POST", "/subjects/a-value/versions", schemaBody("\"string\""), contentType);

        assertThat(answer.text()).isEqualTo("{\"id\":1}");
        assertThat(answer.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    }

    @Test
    void subjectNamesAreUrlDecoded() {
        assertThat(http.register("with%20space%3Aand%2Bplus", "\"string\"")).isEqualTo(1);

        assertThat(http.get("/subjects").text()).isEqualTo("[\"with space:and+plus\"]");
    }

    @Test
    void everyRequestIsCounted() {
        long before = server.requestCount();

        http.get("/subjects");
        http.get("/nope");
        http.register("a-value", "\"string\"");

        assertThat(server.requestCount()).isEqualTo(before + 3);
    }

    private static String quoted(String text) {
        return RegistryHttp.JSON.getNodeFactory().textNode(text).toString();
    }
}

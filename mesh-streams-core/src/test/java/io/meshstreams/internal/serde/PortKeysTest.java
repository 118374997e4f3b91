package io.meshstreams.internal.serde;

import io.meshstreams.MeshException;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.KeyTypeMismatchException;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.StubRegistry;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.serde.AvroSerdeConfig;
import io.meshstreams.serde.AvroSerializer;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A port's keys: one canonical key schema, one Java type, and exactly the port's wire bytes. */
class PortKeysTest {
    static final PortAddress ADDRESS = PortAddress.parse("customers.accounts.accounts.v1");
    /** As the Avro compiler writes it with stringType String, and with logical types. */
    static final Schema ACCOUNT = new Schema.Parser().parse("""
            {"type": "record", "name": "Account", "namespace": "io.meshstreams.test",
             "fields": [
               {"name": "id", "type": {"type": "string", "avro.java.string": "String"}},
               {"name": "number", "type": "long"},
               {"name": "branch", "type": "int"},
               {"name": "openedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
               {"name": "uuid", "type": {"type": "string", "logicalType": "uuid", "avro.java.string": "String"}},
               {"name": "holder", "type": {"type": "string", "avro.java.string": "String"}, "classification": "PII"}
             ]}
            """);

    private StubRegistry stub;
    private SchemaRegistryClient registry;

    @BeforeEach
    void start() {
        stub = StubRegistry.start();
        registry = SchemaRegistryClient.create(Map.of("schema.registry.url", stub.url()));
    }

    @AfterEach
    void stop() {
        registry.close();
        stub.close();
    }

    static OutputPort port(String keyField, KeyDefinition.Format format) {
        return OutputPort.builder("accounts", 1).valueSchema(ACCOUNT)
                .key(KeyDefinition.field(keyField).withFormat(format)).partitions(3).build();
    }

    @Test
    void theKeySchemaIsTheKeyFieldsTypeWithoutJavaPropertiesAndWithItsLogicalType() {
        assertThat(PortKeys.keySchema(port("id", KeyDefinition.Format.AVRO))).hasToString("\"string\"");
        assertThat(PortKeys.keySchema(port("number", KeyDefinition.Format.AVRO))).hasToString("\"long\"");
        assertThat(PortKeys.keySchema(port("openedAt", KeyDefinition.Format.AVRO)))
                .hasToString("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}");
        assertThat(PortKeys.keySchema(port("uuid", KeyDefinition.Format.AVRO)))
                .hasToString("{\"type\":\"string\",\"logicalType\":\"uuid\"}");
    }

    @Test
    void theJavaTypeOfTheKeysIsTheKeyFieldsTypeLogicalTypesKeepingTheUnderlyingOne() {
        assertThat(PortKeys.keyType(port("id", KeyDefinition.Format.STRING))).isEqualTo(String.class);
        assertThat(PortKeys.keyType(port("branch", KeyDefinition.Format.STRING))).isEqualTo(Integer.class);
        assertThat(PortKeys.keyType(port("number", KeyDefinition.Format.AVRO))).isEqualTo(Long.class);
        assertThat(PortKeys.keyType(port("openedAt", KeyDefinition.Format.AVRO))).isEqualTo(Long.class);
        assertThat(PortKeys.keyType(port("uuid", KeyDefinition.Format.AVRO))).isEqualTo(String.class);
    }

    @Test
    void anAvroKeyIsWrittenWithThePortsRegisteredKeySchemaIdAsConfluentsSerializerWritesIt() {
        int id = registry.register(ADDRESS.keySubject(), SchemaDefinition.avro("\"string\""));
        PortKeys<String> keys = PortKeys.of(registry, ADDRESS, port("id", KeyDefinition.Format.AVRO))
                .requireType(String.class, right -> "");

        byte[] bytes = keys.serialize("c-42");

        byte[] confluent = new AvroSerializer<>(registry, Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false), true)
                .serialize(ADDRESS.topic(), "c-42");
        assertThat(bytes).isEqualTo(confluent);
        assertThat(keys.encoding()).isEqualTo(KeyEncoding.avro(id, ADDRESS.keySubject(), "\"string\""));
        assertThat(keys.encoding()).isNotEqualTo(KeyEncoding.text());
        // read back from any topic (a repartition topic, a changelog) as the same typed key
        assertThat(keys.deserialize("app-x-repartition", bytes)).isEqualTo("c-42");
        assertThat(new AvroDeserializer<>(registry, Map.of(), true).deserialize(ADDRESS.topic(), bytes))
                .hasToString("c-42");
    }

    @Test
    void aLongAvroKeyIsALongAndAKeyGivenAsTextIsWrittenAsTheNumberLikeTheField() {
        registry.register(ADDRESS.keySubject(), SchemaDefinition.avro("\"long\""));
        PortKeys<Long> keys = PortKeys.of(registry, ADDRESS, port("number", KeyDefinition.Format.AVRO))
                .requireType(Long.class, right -> "");

        byte[] bytes = keys.serialize(1001L);

        assertThat(keys.deserialize(ADDRESS.topic(), bytes)).isEqualTo(1001L);
        assertThat(keys.serializeFieldValue("1001")).isEqualTo(bytes);
        assertThat(keys.serializeFieldValue(1001L)).isEqualTo(bytes);
    }

    @Test
    void theKeySchemaIdIsLookedUpNeverRegisteredAndAMissingOneNamesTheSubjectAndTheFix() {
        PortKeys<?> keys = PortKeys.of(registry, ADDRESS, port("number", KeyDefinition.Format.AVRO));

        assertThatThrownBy(keys::schemaId).isInstanceOf(MeshException.class)
                .hasMessageStartingWith("Port customers.accounts.accounts.v1 is not provisioned for Avro keys: its key"
                        + " schema \"long\" is not registered under subject customers.accounts.accounts.v1-key")
                .hasMessageContaining("Provision the product");
        assertThat(stub.requestLines()).containsExactly("POST /subjects/customers.accounts.accounts.v1-key");
    }

    @Test
    void stringFormatKeysAreTheirTextInUtf8NumbersInDecimal() {
        PortKeys<Long> keys = PortKeys.of(registry, ADDRESS, port("number", KeyDefinition.Format.STRING))
                .requireType(Long.class, right -> "");

        assertThat(keys.serialize(1001L)).isEqualTo("1001".getBytes(StandardCharsets.UTF_8));
        assertThat(keys.deserialize(ADDRESS.topic(), "1001".getBytes(StandardCharsets.UTF_8))).isEqualTo(1001L);
        assertThat(keys.encoding()).isEqualTo(KeyEncoding.text()).isEqualTo(KeyEncoding.hashed());
        assertThat(stub.requestLines()).isEmpty();
    }

    @Test
    void aKeyThatIsNotADecimalNumberFailsWithoutShowingTheKey() {
        PortKeys<Integer> keys = PortKeys.of(registry, ADDRESS, port("branch", KeyDefinition.Format.STRING))
                .requireType(Integer.class, right -> "");

        assertThatThrownBy(() -> keys.deserialize(ADDRESS.topic(), "secret-7".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("port customers.accounts.accounts.v1 is keyed by field 'branch', an int, so its"
                        + " keys are Integer")
                .hasMessageNotContaining("secret");
    }

    @Test
    void askingForAnotherKeyTypeNamesTheFieldItsTypeAndTheFix() {
        PortKeys<?> keys = PortKeys.of(registry, ADDRESS, port("number", KeyDefinition.Format.AVRO));

        assertThatThrownBy(() -> keys.requireType(String.class, right -> "Fix: ask for " + right.getSimpleName() + "."))
                .isInstanceOf(KeyTypeMismatchException.class)
                .hasMessage("Port customers.accounts.accounts.v1 is keyed by field 'number', a long, so its keys are"
                        + " Long, not String. Fix: ask for Long.");
    }

    @Test
    void aKeyOfAnotherTypeIsRefusedWithTheTypesNotTheValue() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        PortKeys<Object> keys = (PortKeys) PortKeys.of(registry, ADDRESS, port("number", KeyDefinition.Format.STRING));

        assertThatThrownBy(() -> keys.serialize("secret-7")).isInstanceOf(SerializationException.class)
                .hasMessageContaining("its keys are Long (key field 'number'), but this key is a java.lang.String")
                .hasMessageNotContaining("secret");
    }
}

package io.meshstreams.local.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.SchemaReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store topic's record format: Confluent's key bytes exactly (compaction matches keys by bytes),
 * values Confluent can read, and records written by Confluent that this registry understands.
 */
class StoreCodecTest {
    private static final SchemaContent STRING = new SchemaContent("AVRO", "\"string\"", List.of());

    @Test
    void keysAreSpelledExactlyAsConfluentSpellsThem() {
        assertThat(text(StoreCodec.schemaPut(new SchemaVersion("orders-value", 3, 7, STRING, false)).key()))
                .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":3,\"magic\":1}");
        assertThat(text(StoreCodec.schemaTombstone("orders-value", 3).key()))
                .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":3,\"magic\":1}");
        assertThat(text(StoreCodec.configPut(null, CompatibilityLevel.FULL).key())).isEqualTo("{\"keytype\":\"CONFIG\",\"magic\":0}");
        assertThat(text(StoreCodec.configPut("s", CompatibilityLevel.FULL).key()))
                .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":\"s\",\"magic\":0}");
        assertThat(text(StoreCodec.idWatermark(9).key())).isEqualTo("{\"keytype\":\"MESH_ID_WATERMARK\",\"magic\":0}");
    }

    @Test
    void valuesCarryWhatConfluentsSchemaValueCarries() {
        SchemaContent withReference = new SchemaContent("AVRO", "{\"type\":\"record\",\"name\":\"C\",\"fields\":[]}",
                List.of(new SchemaReference("com.example.A", "a-value", 2)));

        StoreRecord record = StoreCodec.schemaPut(new SchemaVersion("c-value", 1, 4, withReference, true));

        assertThat(text(record.value())).isEqualTo("{\"subject\":\"c-value\",\"version\":1,\"id\":4,\"references\":"
                + "[{\"name\":\"com.example.A\",\"subject\":\"a-value\",\"version\":2}],"
                + "\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"C\\\",\\\"fields\\\":[]}\",\"deleted\":true}");
        assertThat(StoreCodec.decode(record.key(), record.value()))
                .isEqualTo(new StoreEvent.SchemaPut(new SchemaVersion("c-value", 1, 4, withReference, true)));
        assertThat(text(StoreCodec.configPut("s", CompatibilityLevel.NONE).value())).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    }

    @Test
    void everyRecordDecodesToTheEventItWasWrittenFor() {
        assertThat(decode(StoreCodec.schemaTombstone("s", 2))).isEqualTo(new StoreEvent.SchemaTombstone("s", 2));
        assertThat(decode(StoreCodec.configPut(null, CompatibilityLevel.FORWARD))).isEqualTo(new StoreEvent.ConfigPut(null, CompatibilityLevel.FORWARD));
        assertThat(decode(StoreCodec.configTombstone("s"))).isEqualTo(new StoreEvent.ConfigTombstone("s"));
        assertThat(decode(StoreCodec.idWatermark(12))).isEqualTo(new StoreEvent.IdWatermark(12));
    }

    @Test
    void recordsWrittenByConfluentAreRead() {
        assertThat(StoreCodec.decode(bytes("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}"),
                bytes("{\"subject\":\"s\",\"version\":3}"))).isEqualTo(new StoreEvent.DeleteSubject("s", 3));
        assertThat(StoreCodec.decode(bytes("{\"keytype\":\"CONFIG\",\"subject\":\"s\",\"magic\":0}"),
                bytes("{\"compatibilityLevel\":\"FULL_TRANSITIVE\",\"normalize\":true}")))
                .isEqualTo(new StoreEvent.ConfigPut("s", CompatibilityLevel.FULL_TRANSITIVE));
        assertThat(StoreCodec.decode(bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}"),
                bytes("{\"subject\":\"s\",\"version\":1,\"id\":5,\"schemaType\":\"JSON\",\"schema\":\"{}\",\"deleted\":false,\"ts\":1}")))
                .isEqualTo(new StoreEvent.SchemaPut(new SchemaVersion("s", 1, 5, new SchemaContent("JSON", "{}", List.of()), false)));
    }

    @Test
    void recordsItDoesNotNeedOrCannotReadAreIgnoredNotFatal() {
        assertThat(StoreCodec.decode(bytes("{\"keytype\":\"NOOP\",\"magic\":0}"), null)).isInstanceOf(StoreEvent.Ignored.class);
        assertThat(StoreCodec.decode(bytes("{\"keytype\":\"MODE\",\"magic\":0}"), bytes("{\"mode\":\"READONLY\"}")))
                .isInstanceOf(StoreEvent.Ignored.class);
        assertThat(StoreCodec.decode(bytes("not json"), bytes("x"))).isInstanceOf(StoreEvent.Ignored.class);
        assertThat(StoreCodec.decode(null, bytes("x"))).isInstanceOf(StoreEvent.Ignored.class);
        assertThat(StoreCodec.decode(bytes("{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}"), bytes("{\"id\":\"x\"}")))
                .isInstanceOf(StoreEvent.Ignored.class);
        assertThat(StoreCodec.decode(bytes("{\"keytype\":\"CONFIG\",\"magic\":0}"), bytes("{\"compatibilityLevel\":\"SOMETIMES\"}")))
                .isInstanceOf(StoreEvent.Ignored.class);
    }

    @Test
    void theStateFollowsPutsSoftDeletesTombstonesAndTheWatermark() {
        RegistryState state = new RegistryState();
        state.apply(new StoreEvent.SchemaPut(new SchemaVersion("a", 1, 1, STRING, false)));
        state.apply(new StoreEvent.SchemaPut(new SchemaVersion("b", 1, 1, STRING, false)));
        state.apply(new StoreEvent.IdWatermark(5));
        state.apply(new StoreEvent.DeleteSubject("a", 1));

        assertThat(state.subjects(false)).containsExactly("b");
        assertThat(state.subjects(true)).containsExactly("a", "b");
        assertThat(state.idForIdentity(STRING.identity())).isEqualTo(1);
        assertThat(state.maxId()).isEqualTo(5);

        state.apply(new StoreEvent.SchemaTombstone("a", 1));
        state.apply(new StoreEvent.SchemaTombstone("b", 1));

        assertThat(state.schemaById(1)).isNull();
        assertThat(state.idForIdentity(STRING.identity())).isNull();
        assertThat(state.maxId()).as("the watermark outlives the schemas").isEqualTo(5);
        assertThat(state.nextVersion("a")).isEqualTo(1);
    }

    private static StoreEvent decode(StoreRecord record) {
        return StoreCodec.decode(record.key(), record.value());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

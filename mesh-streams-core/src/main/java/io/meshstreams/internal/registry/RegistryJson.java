package io.meshstreams.internal.registry;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaReference;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The JSON bodies of Confluent Schema Registry's REST API, as Jackson records. */
final class RegistryJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private RegistryJson() {
    }

    /** Body of {@code POST /subjects/{s}/versions}, {@code POST /subjects/{s}} and the compatibility test. */
    record SchemaRequest(String schema, @Nullable String schemaType, @Nullable List<Reference> references) {
        static SchemaRequest of(SchemaDefinition definition) {
            return new SchemaRequest(
                    definition.schema(),
                    definition.isAvro() ? null : definition.schemaType(),
                    definition.references().isEmpty() ? null : definition.references().stream().map(Reference::of).toList());
        }
    }

    record Reference(String name, String subject, int version) {
        static Reference of(SchemaReference reference) {
            return new Reference(reference.name(), reference.subject(), reference.version());
        }

        SchemaReference toReference() {
            return new SchemaReference(name, subject, version);
        }
    }

    /** Answers that carry a schema: by id, by version, lookup; fields absent from an answer stay null. */
    record SchemaResponse(@Nullable String subject, @Nullable Integer id, @Nullable Integer version,
                          @Nullable String schema, @Nullable String schemaType, @Nullable List<Reference> references) {
        SchemaDefinition definition() {
            return new SchemaDefinition(
                    schema == null ? "" : schema,
                    schemaType == null ? SchemaDefinition.AVRO : schemaType,
                    references == null ? List.of() : references.stream().map(Reference::toReference).toList());
        }
    }

    record IdResponse(@Nullable Integer id) {
    }

    record SubjectVersionResponse(@Nullable String subject, @Nullable Integer version) {
    }

    record CompatibilityResponse(@JsonProperty("is_compatible") @Nullable Boolean isCompatible,
                                 @Nullable List<String> messages) {
    }

    /** {@code GET /config} answers {@code compatibilityLevel}; {@code PUT /config} answers {@code compatibility}. */
    record ConfigBody(@JsonAlias("compatibilityLevel") @Nullable String compatibility) {
    }

    record ErrorResponse(@JsonProperty("error_code") @Nullable Integer errorCode, @Nullable String message) {
    }
}

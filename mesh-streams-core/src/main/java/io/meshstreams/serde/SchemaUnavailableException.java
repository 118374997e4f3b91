package io.meshstreams.serde;

import io.meshstreams.MeshException;
import io.meshstreams.registry.RegistryUnavailableException;
import io.meshstreams.registry.SchemaRegistryException;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Optional;

/**
 * A record could not be decoded <b>now</b> because the schema registry could not be asked for the schema its header
 * names: the record's bytes may be fine. Thrown by {@link AvroDeserializer} instead of a
 * {@link org.apache.kafka.common.errors.SerializationException}, which stays the answer for bytes that can never be
 * decoded (a wrong magic byte, too few bytes, an id the registry answers 404 for, a payload that does not decode with
 * the writer's schema).
 *
 * <ol>
 *   <li>Never a reason to skip or dead-letter the record: read it again later. Subscribers pause the partition and
 *       retry with backoff; governed topologies replace the stream thread once the registry answers.</li>
 *   <li>{@link #isOutage()}: the registry did not answer (connections failed or timed out, or every answer was 5xx,
 *       after the client's retries), or is known to be down from a recent failure; otherwise it answered with a
 *       refusal other than 404 (401, 403, a body that is not a registry's), which retrying alone will not fix.</li>
 *   <li>The message names the topic, the schema id and the registry, never a record's content.</li>
 * </ol>
 */
public class SchemaUnavailableException extends MeshException {
    private final @Nullable String topic;
    private final int schemaId;
    private final boolean isKey;
    private final List<String> registryUrls;

    public SchemaUnavailableException(String message, @Nullable String topic, int schemaId, boolean isKey,
                                      List<String> registryUrls, SchemaRegistryException cause) {
        super(message, cause);
        this.topic = topic;
        this.schemaId = schemaId;
        this.isKey = isKey;
        this.registryUrls = List.copyOf(registryUrls);
    }

    /** The topic of the record, if the deserializer was told. */
    public @Nullable String topic() {
        return topic;
    }

    /** The schema id in the record's header: the schema that could not be fetched. */
    public int schemaId() {
        return schemaId;
    }

    /** True if the record's key, not its value, could not be decoded. */
    public boolean isKey() {
        return isKey;
    }

    /** The registry's base URLs (without credentials), if the client says; else empty. */
    public List<String> registryUrls() {
        return registryUrls;
    }

    /** True if the registry did not answer; false if it answered with a refusal (see the class's point 2). */
    public boolean isOutage() {
        return getCause() instanceof RegistryUnavailableException;
    }

    /** What the registry client reported. */
    @Override
    public synchronized SchemaRegistryException getCause() {
        return (SchemaRegistryException) super.getCause();
    }

    /** The first {@code SchemaUnavailableException} in {@code failure}'s cause chain (itself included), if any. */
    public static Optional<SchemaUnavailableException> in(@Nullable Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (t instanceof SchemaUnavailableException unavailable) {
                return Optional.of(unavailable);
            }
        }
        return Optional.empty();
    }
}

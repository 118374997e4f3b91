package io.meshstreams.registry;

import io.meshstreams.MeshException;

import org.jspecify.annotations.Nullable;

/**
 * A request to the schema registry failed. Carries what the registry said: the HTTP status and
 * Confluent's {@code error_code} (see {@link RegistryErrorCode}), or {@link #NO_RESPONSE} for both
 * when no answer came (connection refused, timeout, TLS failure).
 *
 * <p>Callers branch on the subclasses where the next step differs:
 * <ul>
 *   <li>{@link RegistryNotFoundException}: a subject, version or schema id does not exist (404);</li>
 *   <li>{@link IncompatibleSchemaException}: the subject's compatibility level refused the schema (409);</li>
 *   <li>{@link InvalidSchemaException}: the registry could not parse the schema (422, 42201);</li>
 *   <li>{@link RegistryUnavailableException}: no registry answered, or each answered 5xx, after every
 *       retry and every URL; worth trying again later.</li>
 * </ul>
 * Everything else (401, 403, other 4xx) is this class itself. The message says which request
 * failed, what the registry answered and what to do about it.
 */
public class SchemaRegistryException extends MeshException {
    /** The value of {@link #httpStatus()} and {@link #errorCode()} when no response came. */
    public static final int NO_RESPONSE = -1;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, @Nullable Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    /** The HTTP status of the registry's answer, or {@link #NO_RESPONSE}. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Confluent's {@code error_code} from the answer's body (e.g. {@link RegistryErrorCode#SUBJECT_NOT_FOUND}),
     * the HTTP status if the body had none, or {@link #NO_RESPONSE}.
     */
    public int errorCode() {
        return errorCode;
    }
}

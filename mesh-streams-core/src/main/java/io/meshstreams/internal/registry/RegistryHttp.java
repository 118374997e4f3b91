package io.meshstreams.internal.registry;

import static io.meshstreams.registry.SchemaRegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.BASIC_AUTH_SOURCE_USER_INFO;
import static io.meshstreams.registry.SchemaRegistryClientConfig.BEARER_AUTH_TOKEN_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.HTTP_CONNECT_TIMEOUT_MS_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.HTTP_READ_TIMEOUT_MS_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.MAX_RETRIES_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.RETRIES_MAX_WAIT_MS_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.RETRIES_WAIT_MS_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.SCHEMA_REGISTRY_URL_CONFIG;
import static io.meshstreams.registry.SchemaRegistryClientConfig.USER_INFO_CONFIG;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import io.meshstreams.internal.registry.RegistryJson.ErrorResponse;
import io.meshstreams.registry.CompatibilityLevel;
import io.meshstreams.registry.IncompatibleSchemaException;
import io.meshstreams.registry.InvalidSchemaException;
import io.meshstreams.registry.RegistryErrorCode;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.RegistryUnavailableException;
import io.meshstreams.registry.SchemaRegistryClientConfig;
import io.meshstreams.registry.SchemaRegistryException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one REST request to the registry: picks the URL, adds the headers, retries connection
 * failures and 5xx answers with exponential backoff and full jitter, fails over between URLs, and
 * turns error answers into typed {@link SchemaRegistryException}s.
 */
final class RegistryHttp {
    static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttp.class);
    private static final int MAX_QUOTED_BODY = 300;

    /** What the read path knows of an outage: failed reads in a row, since when, when to try again, the last failure. */
    private record Outage(int failures, long sinceNanos, long retryAtNanos, String lastFailure, int lastStatus,
                          int lastCode) {
    }

    /** A base URL without user info, and the basic credentials its user info carried, if any. */
    record Endpoint(String baseUrl, @Nullable String authorization) {
    }

    private final List<Endpoint> endpoints;
    private final HttpClient http;
    private final Duration readTimeout;
    private final int maxRetries;
    private final int retryWaitMs;
    private final int retryMaxWaitMs;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicReference<@Nullable Outage> readOutage = new AtomicReference<>();
    private volatile int preferred;

    RegistryHttp(SchemaRegistryClientConfig config) {
        this.endpoints = endpoints(config);
        this.readTimeout = Duration.ofMillis(config.getInt(HTTP_READ_TIMEOUT_MS_CONFIG));
        this.maxRetries = config.getInt(MAX_RETRIES_CONFIG);
        this.retryWaitMs = config.getInt(RETRIES_WAIT_MS_CONFIG);
        this.retryMaxWaitMs = config.getInt(RETRIES_MAX_WAIT_MS_CONFIG);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(config.getInt(HTTP_CONNECT_TIMEOUT_MS_CONFIG)));
        if (endpoints.stream().anyMatch(endpoint -> endpoint.baseUrl().startsWith("https:"))) {
            builder.sslContext(RegistryTls.sslContext(config));
        }
        this.http = builder.build();
    }

    long requestCount() {
        return requests.get();
    }

    List<String> baseUrls() {
        return endpoints.stream().map(Endpoint::baseUrl).toList();
    }

    /** Encodes one path segment (a subject name may hold any character). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    <T> T send(String method, String path, @Nullable Object body, TypeReference<T> type) {
        return send(method, path, body, RegistryJson.MAPPER.getTypeFactory().constructType(type));
    }

    <T> T send(String method, String path, @Nullable Object body, Class<T> type) {
        return send(method, path, body, RegistryJson.MAPPER.getTypeFactory().constructType(type));
    }

    /**
     * A read on the path that decodes records ({@code GET /schemas/ids/{id}} on a cache miss), behind a circuit
     * breaker, so that a registry outage costs the retry budget once, not once per record:
     * <ol>
     *   <li>Closed (no recent failure): sent with the configured retries.</li>
     *   <li>After a read ended in {@link RegistryUnavailableException}, the breaker is open for a jittered wait that
     *       starts at {@code retries.wait.ms} and doubles with each further failure up to {@code retries.max.wait.ms};
     *       reads in that window fail at once with a {@link RegistryUnavailableException} and send nothing.</li>
     *   <li>After the window, one read is tried with no retries (a probe); any answer from the registry (a schema, a
     *       404, another refusal) closes the breaker, no answer opens it again for longer.</li>
     * </ol>
     * Other requests (registrations, look-ups, deletes) never go through the breaker.
     */
    <T> T read(String path, Class<T> type) {
        Outage outage = readOutage.get();
        long now = System.nanoTime();
        if (outage != null && now - outage.retryAtNanos() < 0) {
            long inMs = Math.max(1, (outage.retryAtNanos() - now) / 1_000_000);
            long forMs = (now - outage.sinceNanos()) / 1_000_000;
            throw new RegistryUnavailableException("The schema registry " + baseUrls() + " is known to be unavailable: "
                    + outage.failures() + " read" + (outage.failures() == 1 ? "" : "s") + " in a row got no answer, "
                    + "the first " + forMs + " ms ago (last failure: " + outage.lastFailure() + "), so GET " + path
                    + " was not sent; the next read is tried in " + inMs + " ms. Fix: check that the registry is "
                    + "running and reachable at " + SCHEMA_REGISTRY_URL_CONFIG + ".",
                    outage.lastStatus(), outage.lastCode(), null);
        }
        try {
            T value = send("GET", path, null, RegistryJson.MAPPER.getTypeFactory().constructType(type),
                    outage == null ? maxRetries : 0);
            readOutage.compareAndSet(outage, null);
            return value;
        } catch (RegistryUnavailableException e) {
            int failures = outage == null ? 1 : outage.failures() + 1;
            long waitMs = breakerWaitMs(failures, retryWaitMs, retryMaxWaitMs, ThreadLocalRandom.current().nextDouble());
            readOutage.set(new Outage(failures, outage == null ? now : outage.sinceNanos(),
                    System.nanoTime() + waitMs * 1_000_000, lastFailure(e), e.httpStatus(), e.errorCode()));
            if (outage == null) {
                LOG.info("The schema registry {} did not answer GET {}; reads that need it fail at once for the next "
                        + "{} ms", baseUrls(), path, waitMs);
            }
            throw e;
        } catch (SchemaRegistryException e) {
            readOutage.compareAndSet(outage, null); // it answered
            throw e;
        }
    }

    /** True while the read breaker is open (a recent read found the registry unavailable). */
    boolean readsKnownUnavailable() {
        Outage outage = readOutage.get();
        return outage != null && System.nanoTime() - outage.retryAtNanos() < 0;
    }

    /**
     * How long the read breaker stays open after {@code failures} failed reads in a row: the ceiling doubles from
     * {@code waitMs} up to {@code maxWaitMs}, and the wait is drawn from its upper half ({@code random} in [0, 1)), so
     * that it grows with the outage and many clients do not retry in step.
     */
    static long breakerWaitMs(int failures, int waitMs, int maxWaitMs, double random) {
        long ceiling = Math.min((long) waitMs << Math.min(Math.max(failures - 1, 0), 30), maxWaitMs);
        return ceiling <= 0 ? 0 : ceiling - ceiling / 2 + (long) (random * (ceiling / 2));
    }

    private static String lastFailure(RegistryUnavailableException e) {
        String message = String.valueOf(e.getMessage());
        int at = message.indexOf("last failure: ");
        if (at < 0) {
            return message;
        }
        String rest = message.substring(at + "last failure: ".length());
        int fix = rest.indexOf(". Fix:");
        return fix < 0 ? rest : rest.substring(0, fix);
    }

    private <T> T send(String method, String path, @Nullable Object body, JavaType type) {
        return send(method, path, body, type, maxRetries);
    }

    private <T> T send(String method, String path, @Nullable Object body, JavaType type, int retries) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(json(body));
        int count = endpoints.size();
        String lastFailure = "";
        int lastStatus = SchemaRegistryException.NO_RESPONSE;
        int lastCode = SchemaRegistryException.NO_RESPONSE;
        Throwable lastCause = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                backOff(attempt - 1);
            }
            int first = preferred;
            for (int k = 0; k < count; k++) {
                int index = (first + k) % count;
                Endpoint endpoint = endpoints.get(index);
                HttpRequest request = request(endpoint, method, path, body != null, publisher);
                HttpResponse<byte[]> response;
                try {
                    requests.incrementAndGet();
                    response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException("Interrupted while waiting for the schema registry at "
                            + endpoint.baseUrl() + " to answer " + method + " " + path, e);
                } catch (IOException e) {
                    SSLException tls = tlsCause(e);
                    if (tls != null) {
                        throw new SchemaRegistryException("TLS handshake with the schema registry at " + endpoint.baseUrl()
                                + " failed for " + method + " " + path + ": " + tls.getMessage() + ". Fix: set "
                                + SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG
                                + " to a truststore holding the CA that signed the registry's certificate, and check that "
                                + "the certificate names the host in " + SCHEMA_REGISTRY_URL_CONFIG
                                + " (or set " + SchemaRegistryClientConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG
                                + " to empty to skip the host name check).",
                                SchemaRegistryException.NO_RESPONSE, SchemaRegistryException.NO_RESPONSE, e);
                    }
                    lastFailure = endpoint.baseUrl() + ": " + describe(e);
                    lastStatus = SchemaRegistryException.NO_RESPONSE;
                    lastCode = SchemaRegistryException.NO_RESPONSE;
                    lastCause = e;
                    LOG.debug("{} {} to {} failed (attempt {} of {})", method, path, endpoint.baseUrl(), attempt + 1,
                            retries + 1, e);
                    continue;
                }
                int status = response.statusCode();
                if (status >= 500) {
                    ErrorResponse error = errorBody(response.body());
                    lastStatus = status;
                    lastCode = error.errorCode() == null ? status : error.errorCode();
                    lastFailure = endpoint.baseUrl() + ": HTTP " + status + " (error_code " + lastCode + ") "
                            + (error.message() == null ? quote(response.body()) : error.message());
                    lastCause = null;
                    LOG.debug("{} {} to {} answered {} (attempt {} of {})", method, path, endpoint.baseUrl(), status,
                            attempt + 1, retries + 1);
                    continue;
                }
                preferred = index;
                if (status < 200 || status >= 300) {
                    throw error(endpoint, method, path, status, response.body());
                }
                return parse(endpoint, method, path, status, response.body(), type);
            }
        }
        int attempts = (retries + 1) * count;
        throw new RegistryUnavailableException("The schema registry did not answer " + method + " " + path + " after "
                + attempts + " attempt" + (attempts == 1 ? "" : "s") + " (" + (retries + 1) + " round"
                + (retries == 0 ? "" : "s") + " over " + baseUrls() + "); last failure: " + lastFailure
                + ". Fix: check that the registry is running and reachable at " + SCHEMA_REGISTRY_URL_CONFIG
                + ", or allow more time with " + MAX_RETRIES_CONFIG + " and " + RETRIES_MAX_WAIT_MS_CONFIG + ".",
                lastStatus, lastCode, lastCause);
    }

    private HttpRequest request(Endpoint endpoint, String method, String path, boolean hasBody,
                                HttpRequest.BodyPublisher publisher) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(endpoint.baseUrl() + path))
                .timeout(readTimeout)
                .header("Accept", ACCEPT)
                .method(method, publisher);
        if (hasBody) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        String authorization = endpoint.authorization();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private void backOff(int retry) {
        long delay = backOffMs(retry, retryWaitMs, retryMaxWaitMs, ThreadLocalRandom.current().nextDouble());
        if (delay <= 0) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException("Interrupted while backing off before retrying the schema registry", e);
        }
    }

    /**
     * Exponential backoff with full jitter: the ceiling doubles from {@code waitMs} with each retry up
     * to {@code maxWaitMs}, and the wait is drawn uniformly from 1 to the ceiling ({@code random} in [0, 1)).
     */
    static long backOffMs(int retry, int waitMs, int maxWaitMs, double random) {
        long ceiling = Math.min((long) waitMs << Math.min(retry, 30), maxWaitMs);
        return ceiling <= 0 ? 0 : 1 + (long) (random * ceiling);
    }

    private static byte[] json(Object body) {
        try {
            return RegistryJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a registry request body as JSON", e);
        }
    }

    private static <T> T parse(Endpoint endpoint, String method, String path, int status, byte[] body, JavaType type) {
        try {
            T value = RegistryJson.MAPPER.readValue(body, type);
            if (value == null) {
                throw new IOException("the body is JSON null");
            }
            return value;
        } catch (IOException e) {
            throw new SchemaRegistryException("The schema registry at " + endpoint.baseUrl() + " answered " + method + " "
                    + path + " with HTTP " + status + " but a body that is not the expected " + type.getGenericSignature()
                    + " JSON (" + e.getMessage().lines().findFirst().orElse("") + "): " + quote(body)
                    + ". Fix: check that " + SCHEMA_REGISTRY_URL_CONFIG
                    + " points at a Confluent-compatible schema registry, not a proxy or another service.",
                    status, SchemaRegistryException.NO_RESPONSE, e);
        }
    }

    private static ErrorResponse errorBody(byte[] body) {
        try {
            ErrorResponse error = RegistryJson.MAPPER.readValue(body, ErrorResponse.class);
            return error == null ? new ErrorResponse(null, null) : error;
        } catch (IOException | RuntimeException e) {
            return new ErrorResponse(null, null);
        }
    }

    static SchemaRegistryException error(Endpoint endpoint, String method, String path, int status, byte[] body) {
        ErrorResponse error = errorBody(body);
        int code = error.errorCode() == null ? status : error.errorCode();
        String said = error.message() == null ? quote(body) : error.message();
        String fix = fix(status, code);
        String message = "The schema registry at " + endpoint.baseUrl() + " refused " + method + " " + path + " with HTTP "
                + status + ", error_code " + code + ": " + said + (fix.isEmpty() ? "" : ". Fix: " + fix);
        if (status == 404) {
            return new RegistryNotFoundException(message, status, code);
        }
        if (status == 409) {
            return new IncompatibleSchemaException(message, status, code);
        }
        if (status == 422 && (code == RegistryErrorCode.INVALID_SCHEMA || code == 422)) {
            return new InvalidSchemaException(message, status, code);
        }
        return new SchemaRegistryException(message, status, code);
    }

    private static String fix(int status, int code) {
        return switch (code) {
            case RegistryErrorCode.SUBJECT_NOT_FOUND -> "check the subject name (TopicNameStrategy subjects are "
                    + "'<topic>-value' and '<topic>-key') and register a schema under it first";
            case RegistryErrorCode.VERSION_NOT_FOUND -> "list the subject's live versions with GET /subjects/{subject}/versions";
            case RegistryErrorCode.SCHEMA_NOT_FOUND -> "register the schema, or check that every producer and consumer "
                    + "uses the same registry (" + SCHEMA_REGISTRY_URL_CONFIG + ")";
            case RegistryErrorCode.SUBJECT_SOFT_DELETED -> "the subject is already soft-deleted; delete it with "
                    + "permanent=true to remove it for good";
            case RegistryErrorCode.SUBJECT_NOT_SOFT_DELETED -> "soft-delete the subject first (permanent=false), then "
                    + "delete it permanently";
            case RegistryErrorCode.SCHEMA_VERSION_SOFT_DELETED -> "the version is already soft-deleted; delete it with "
                    + "permanent=true to remove it for good";
            case RegistryErrorCode.SCHEMA_VERSION_NOT_SOFT_DELETED -> "soft-delete the version first (permanent=false), "
                    + "then delete it permanently";
            case RegistryErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED -> "the subject follows the global level; "
                    + "set one with PUT /config/{subject}";
            case RegistryErrorCode.INCOMPATIBLE_SCHEMA, 40901 -> "make the change compatible with the subject's "
                    + "compatibility level (e.g. give new fields a default), or publish a new major version on a new topic";
            case RegistryErrorCode.INVALID_SCHEMA -> "correct the schema text; it must parse as a schema of its type, "
                    + "and every reference must name a registered subject and version";
            case RegistryErrorCode.INVALID_VERSION -> "use a version from 1, 'latest' or -1";
            case RegistryErrorCode.INVALID_COMPATIBILITY_LEVEL -> "use one of " + CompatibilityLevel.validNames();
            default -> switch (status) {
                case 401 -> "check the credentials: " + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + " with "
                        + USER_INFO_CONFIG + ", user info in " + SCHEMA_REGISTRY_URL_CONFIG + ", or "
                        + BEARER_AUTH_TOKEN_CONFIG;
                case 403 -> "the credentials are valid but not allowed to do this; ask the registry's administrator "
                        + "for access";
                default -> "";
            };
        };
    }

    private static @Nullable SSLException tlsCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
    }

    static String quote(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "(empty body)";
        }
        return "'" + (text.length() > MAX_QUOTED_BODY ? text.substring(0, MAX_QUOTED_BODY) + "..." : text) + "'";
    }

    private static List<Endpoint> endpoints(SchemaRegistryClientConfig config) {
        boolean userInfoSource = BASIC_AUTH_SOURCE_USER_INFO.equalsIgnoreCase(
                config.getString(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG));
        String userInfo = config.secret(USER_INFO_CONFIG);
        String bearer = config.secret(BEARER_AUTH_TOKEN_CONFIG);
        String sharedAuthorization = null;
        if (userInfoSource) {
            if (userInfo == null || !userInfo.contains(":")) {
                throw new ConfigException(USER_INFO_CONFIG, userInfo == null ? null : "[hidden]",
                        "set it to user:password, because " + BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + "=USER_INFO");
            }
            sharedAuthorization = basic(userInfo);
        }
        if (bearer != null) {
            if (bearer.isBlank()) {
                throw new ConfigException(BEARER_AUTH_TOKEN_CONFIG, "[hidden]", "the token is blank; set a token or remove the key");
            }
            if (sharedAuthorization != null) {
                throw new ConfigException("Both basic credentials (" + USER_INFO_CONFIG + ") and a bearer token ("
                        + BEARER_AUTH_TOKEN_CONFIG + ") are configured for the schema registry; keep one of them.");
            }
            sharedAuthorization = "Bearer " + bearer;
        }
        List<Endpoint> result = new ArrayList<>();
        for (String url : config.urls()) {
            URI uri;
            try {
                uri = new URI(url.trim());
            } catch (URISyntaxException e) {
                throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, url, "not a URL: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, url,
                        "give http:// or https:// URLs with a host, e.g. http://localhost:8081");
            }
            String authorization = sharedAuthorization;
            String urlUserInfo = uri.getRawUserInfo();
            if (urlUserInfo != null && !userInfoSource) {
                if (bearer != null) {
                    throw new ConfigException("Both basic credentials (in " + SCHEMA_REGISTRY_URL_CONFIG
                            + ") and a bearer token (" + BEARER_AUTH_TOKEN_CONFIG + ") are configured for the schema "
                            + "registry; keep one of them.");
                }
                authorization = basic(URLDecoder.decode(urlUserInfo, StandardCharsets.UTF_8));
            }
            String base = scheme + "://" + (uri.getHost().contains(":") && !uri.getHost().startsWith("[")
                    ? "[" + uri.getHost() + "]" : uri.getHost())
                    + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
            while (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            result.add(new Endpoint(base, authorization));
        }
        return List.copyOf(result);
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}

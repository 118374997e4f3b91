package io.meshstreams.registry;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a {@link SchemaRegistryClient}. Every key is Confluent's, so a configuration
 * written for Confluent's client or serializers works unchanged:
 *
 * <pre>{@code
 * schema.registry.url=https://registry-1:8081,https://registry-2:8081
 * basic.auth.credentials.source=USER_INFO
 * basic.auth.user.info=orders-svc:secret
 * schema.registry.ssl.truststore.location=/etc/mesh/truststore.p12
 * schema.registry.ssl.truststore.password=changeit
 * schema.registry.ssl.truststore.type=PKCS12
 * }</pre>
 *
 * <p>Authentication is basic or bearer, not both. Basic credentials come from the URL
 * ({@code https://user:password@host:8081}, the default source) or from {@value #USER_INFO_CONFIG}.
 * A bearer token is sent when {@value #BEARER_AUTH_TOKEN_CONFIG} is set.
 *
 * <p>Retries: connection failures, timeouts and 5xx answers are retried with exponential backoff and
 * full jitter, at most {@value #MAX_RETRIES_CONFIG} times after the first attempt; each attempt walks
 * every configured URL once (failing over from one to the next) before backing off. 4xx answers are
 * never retried.
 */
public final class SchemaRegistryClientConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_URL_DOC = "Comma-separated list of schema registry base URLs, e.g. "
            + "http://localhost:8081. The client sends each request to the URL that last answered and fails over to "
            + "the next one when a URL cannot be reached or answers 5xx.";

    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_DOC = "Where HTTP basic credentials come from: URL "
            + "(the user info of each schema.registry.url, e.g. https://user:password@host:8081; none if the URL has "
            + "none) or USER_INFO (the value of basic.auth.user.info).";
    public static final String BASIC_AUTH_SOURCE_URL = "URL";
    public static final String BASIC_AUTH_SOURCE_USER_INFO = "USER_INFO";

    public static final String USER_INFO_CONFIG = "basic.auth.user.info";
    public static final String USER_INFO_DOC = "HTTP basic credentials as user:password, used when "
            + "basic.auth.credentials.source=USER_INFO.";

    public static final String BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE_DOC = "Where the bearer token comes from. Only "
            + "STATIC_TOKEN (the value of bearer.auth.token) is supported.";
    public static final String BEARER_AUTH_SOURCE_STATIC_TOKEN = "STATIC_TOKEN";

    public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";
    public static final String BEARER_AUTH_TOKEN_DOC = "A bearer token sent as 'Authorization: Bearer <token>' with "
            + "every request. Cannot be combined with basic credentials.";

    private static final String SSL = "schema.registry.ssl.";
    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = SSL + "truststore.location";
    public static final String SSL_TRUSTSTORE_LOCATION_DOC = "Path of the truststore holding the CA certificates "
            + "that sign the registry's certificate. Unset: the JVM's default trusted CAs.";
    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = SSL + "truststore.password";
    public static final String SSL_TRUSTSTORE_PASSWORD_DOC = "Password of the truststore.";
    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = SSL + "truststore.type";
    public static final String SSL_TRUSTSTORE_TYPE_DOC = "Format of the truststore: JKS or PKCS12.";
    public static final String SSL_KEYSTORE_LOCATION_CONFIG = SSL + "keystore.location";
    public static final String SSL_KEYSTORE_LOCATION_DOC = "Path of the keystore holding this client's certificate "
            + "and key, for registries that require mutual TLS.";
    public static final String SSL_KEYSTORE_PASSWORD_CONFIG = SSL + "keystore.password";
    public static final String SSL_KEYSTORE_PASSWORD_DOC = "Password of the keystore.";
    public static final String SSL_KEYSTORE_TYPE_CONFIG = SSL + "keystore.type";
    public static final String SSL_KEYSTORE_TYPE_DOC = "Format of the keystore: JKS or PKCS12.";
    public static final String SSL_KEY_PASSWORD_CONFIG = SSL + "key.password";
    public static final String SSL_KEY_PASSWORD_DOC = "Password of the private key in the keystore; the keystore "
            + "password if unset.";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG = SSL + "endpoint.identification.algorithm";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DOC = "https (the default) checks that the "
            + "registry's certificate names the host in the URL; an empty value turns the check off (the certificate "
            + "must still be signed by a trusted CA).";

    public static final String MAX_RETRIES_CONFIG = "max.retries";
    public static final String MAX_RETRIES_DOC = "How many times a request is retried after a connection failure, "
            + "timeout or 5xx answer. 4xx answers are never retried.";
    public static final String RETRIES_WAIT_MS_CONFIG = "retries.wait.ms";
    public static final String RETRIES_WAIT_MS_DOC = "Upper bound of the wait before the first retry; the bound "
            + "doubles with each retry up to retries.max.wait.ms, and the wait is drawn at random below it.";
    public static final String RETRIES_MAX_WAIT_MS_CONFIG = "retries.max.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS_DOC = "The longest wait before any retry.";
    public static final String HTTP_CONNECT_TIMEOUT_MS_CONFIG = "http.connect.timeout.ms";
    public static final String HTTP_CONNECT_TIMEOUT_MS_DOC = "Timeout for opening a connection to the registry.";
    public static final String HTTP_READ_TIMEOUT_MS_CONFIG = "http.read.timeout.ms";
    public static final String HTTP_READ_TIMEOUT_MS_DOC = "Timeout for the registry's answer to one request.";

    public static final String MAX_SCHEMAS_PER_SUBJECT_CONFIG = "max.schemas.per.subject";
    public static final String MAX_SCHEMAS_PER_SUBJECT_DOC = "Capacity of each of the client's caches (schema by "
            + "id, id by subject and schema). When a cache is full, an entry is evicted and fetched again when next "
            + "needed.";

    public static final String MISSING_ID_CACHE_TTL_SEC_CONFIG = "missing.id.cache.ttl.sec";
    public static final String MISSING_ID_CACHE_TTL_SEC_DOC = "How long a schema id that the registry answered 404 for "
            + "is remembered as missing, in seconds, so that a topic full of records with a bad id does not cost one "
            + "request per record. 0 (the default, as Confluent's) remembers nothing.";
    public static final String MISSING_CACHE_SIZE_CONFIG = "missing.cache.size";
    public static final String MISSING_CACHE_SIZE_DOC = "How many missing schema ids are remembered at most.";

    private static final ConfigDef CONFIG = configDef();

    /**
     * The definition of every key, for tools that list or validate configuration. {@link io.meshstreams.serde}'s
     * configuration includes all of them.
     */
    public static ConfigDef configDef() {
        return new ConfigDef()
                .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
                        new NonEmptyList(),
                        Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
                .define(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, Type.STRING, BASIC_AUTH_SOURCE_URL,
                        ConfigDef.CaseInsensitiveValidString.in(BASIC_AUTH_SOURCE_URL, BASIC_AUTH_SOURCE_USER_INFO),
                        Importance.MEDIUM, BASIC_AUTH_CREDENTIALS_SOURCE_DOC)
                .define(USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, USER_INFO_DOC)
                .define(BEARER_AUTH_CREDENTIALS_SOURCE_CONFIG, Type.STRING, BEARER_AUTH_SOURCE_STATIC_TOKEN,
                        ConfigDef.CaseInsensitiveValidString.in(BEARER_AUTH_SOURCE_STATIC_TOKEN),
                        Importance.MEDIUM, BEARER_AUTH_CREDENTIALS_SOURCE_DOC)
                .define(BEARER_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, BEARER_AUTH_TOKEN_DOC)
                .define(SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM, SSL_TRUSTSTORE_LOCATION_DOC)
                .define(SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SSL_TRUSTSTORE_PASSWORD_DOC)
                .define(SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "JKS", Importance.MEDIUM, SSL_TRUSTSTORE_TYPE_DOC)
                .define(SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM, SSL_KEYSTORE_LOCATION_DOC)
                .define(SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SSL_KEYSTORE_PASSWORD_DOC)
                .define(SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, "JKS", Importance.MEDIUM, SSL_KEYSTORE_TYPE_DOC)
                .define(SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SSL_KEY_PASSWORD_DOC)
                .define(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, Type.STRING, "https", Importance.LOW,
                        SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DOC)
                .define(MAX_RETRIES_CONFIG, Type.INT, 3, ConfigDef.Range.between(0, 30), Importance.LOW, MAX_RETRIES_DOC)
                .define(RETRIES_WAIT_MS_CONFIG, Type.INT, 1000, ConfigDef.Range.atLeast(0), Importance.LOW,
                        RETRIES_WAIT_MS_DOC)
                .define(RETRIES_MAX_WAIT_MS_CONFIG, Type.INT, 20000, ConfigDef.Range.atLeast(0), Importance.LOW,
                        RETRIES_MAX_WAIT_MS_DOC)
                .define(HTTP_CONNECT_TIMEOUT_MS_CONFIG, Type.INT, 60000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        HTTP_CONNECT_TIMEOUT_MS_DOC)
                .define(HTTP_READ_TIMEOUT_MS_CONFIG, Type.INT, 60000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        HTTP_READ_TIMEOUT_MS_DOC)
                .define(MAX_SCHEMAS_PER_SUBJECT_CONFIG, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        MAX_SCHEMAS_PER_SUBJECT_DOC)
                .define(MISSING_ID_CACHE_TTL_SEC_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        MISSING_ID_CACHE_TTL_SEC_DOC)
                .define(MISSING_CACHE_SIZE_CONFIG, Type.INT, 10000, ConfigDef.Range.atLeast(1), Importance.LOW,
                        MISSING_CACHE_SIZE_DOC);
    }

    private static final class NonEmptyList implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, @Nullable Object value) {
            if (!(value instanceof List<?> list) || list.isEmpty()
                    || list.stream().anyMatch(url -> url.toString().isBlank())) {
                throw new ConfigException(name, value, "give one or more registry URLs, e.g. http://localhost:8081");
            }
        }

        @Override
        public String toString() {
            return "non-empty list of URLs";
        }
    }

    /**
     * Parses and validates {@code configs}; unknown keys (a producer's own, for example) are ignored.
     *
     * @throws ConfigException naming the key, the value and what is valid
     */
    public SchemaRegistryClientConfig(Map<String, ?> configs) {
        super(CONFIG, configs, false);
    }

    /** The configured registry base URLs, in order. */
    public List<String> urls() {
        return getList(SCHEMA_REGISTRY_URL_CONFIG);
    }

    /** The value of a password key, or null if unset. */
    public @Nullable String secret(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value();
    }
}

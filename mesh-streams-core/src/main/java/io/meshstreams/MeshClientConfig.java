package io.meshstreams;

import io.meshstreams.catalog.ProductCatalog;

import io.meshstreams.governance.MaskingRules;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.Map;

/**
 * The settings of a {@link MeshClient}: ours start with {@code mesh.}; Kafka's ({@code bootstrap.servers}, security)
 * and the registry's ({@code schema.registry.url}, {@code basic.auth.*}, ...) keep their usual names and are passed on
 * to the clients that take them.
 */
public final class MeshClientConfig extends AbstractConfig {
    public static final String DOMAIN_CONFIG = "mesh.domain";
    public static final String DOMAIN_DOC = "The domain this application acts for: it provisions and publishes this"
            + " domain's products and reads other domains' ports under the grants this domain holds.";

    public static final String CATALOG_TOPIC_CONFIG = ProductCatalog.TOPIC_CONFIG;
    public static final String CATALOG_TOPIC_DOC = "The compacted topic that holds the mesh's product catalog.";

    public static final String MASKING_HASH_KEY_CONFIG = "mesh.masking.hash.key";
    public static final String MASKING_HASH_KEY_DOC = "The secret with which classified fields above a reader's"
            + " clearance are hashed (HMAC-SHA256), as hexadecimal text: at least 32 bytes, i.e. 64 hex digits, e.g. from"
            + " `openssl rand -hex 32`. Hex is its only text form (not Base64, not a passphrase): the same secret in"
            + " another encoding would be another key. Every domain of a mesh must use the same key, so that a hashed"
            + " value is the same everywhere and hashed keys still join. Needed only when a grant's clearance makes a"
            + " HASH policy apply.";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    public static final String BOOTSTRAP_SERVERS_DOC = "Kafka's bootstrap servers, host:port,...";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_URL_DOC = "The schema registry's URL(s), comma-separated.";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(DOMAIN_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, DOMAIN_DOC)
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonNullValidator(),
                    Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonNullValidator(),
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(MASKING_HASH_KEY_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, MASKING_HASH_KEY_DOC)
            .define(CATALOG_TOPIC_CONFIG, Type.STRING, ProductCatalog.DEFAULT_TOPIC, new ConfigDef.NonEmptyString(),
                    Importance.LOW, CATALOG_TOPIC_DOC);

    public MeshClientConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
    }

    /** The definition of every key, for documentation and tools. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    public String domain() {
        return getString(DOMAIN_CONFIG);
    }

    /** The masking rules: the default policies, with the configured hash key if there is one. */
    public MaskingRules maskingRules() {
        Password key = getPassword(MASKING_HASH_KEY_CONFIG);
        MaskingRules rules = MaskingRules.defaults();
        if (key == null) {
            return rules;
        }
        try {
            return rules.withHashKey(MaskingRules.parseHashKey(key.value()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(MASKING_HASH_KEY_CONFIG, e.getMessage());
        }
    }

    /**
     * Kafka's {@code ConfigException} (a key missing, a value of the wrong type) as ours, naming the key; the value
     * of a secret key is never shown.
     */
    static MeshClientConfig parse(Map<?, ?> originals) {
        try {
            return new MeshClientConfig(originals);
        } catch (ConfigException e) {
            throw new InvalidConfigException(null, e.getMessage() + ". The keys a MeshClient takes: "
                    + CONFIG.names().stream().sorted().toList() + " (and Kafka's and the schema registry's own).");
        }
    }
}

package io.meshstreams.test.internal;

import io.meshstreams.test.TestMesh;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TestMesh} whose servers the extension owns: it hands out one shared admin and closes everything. */
public abstract class ManagedTestMesh implements TestMesh, AutoCloseable {
    private static final AtomicLong TOPIC_COUNTER = new AtomicLong();

    private final Admin admin;

    /** The key of the domain a client acts for, as {@code MeshClient} reads it. */
    protected static final String DOMAIN_CONFIG = "mesh.domain";

    /** {@code adminConfig}: the Kafka settings of the platform (or of anyone, in an unsecured mesh). */
    protected ManagedTestMesh(Map<String, Object> adminConfig) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "mesh-test-admin");
        this.admin = Admin.create(config);
    }

    @Override
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers());
        config.put("schema.registry.url", schemaRegistryUrl());
        return config;
    }

    protected static String requireDomainName(String domain) {
        if (domain == null || !domain.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("'" + domain + "' cannot name a domain of a test mesh: a domain (and"
                    + " the user that acts for it) is 1 to 128 letters, digits, '.', '_' or '-'");
        }
        return domain;
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public String uniqueTopic(String prefix) {
        return prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close();
        } finally {
            closeServers();
        }
    }

    protected abstract void closeServers() throws Exception;
}

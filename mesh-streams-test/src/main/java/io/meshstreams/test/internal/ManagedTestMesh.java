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

    protected ManagedTestMesh(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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

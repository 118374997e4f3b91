package io.meshstreams.provision;

import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.internal.client.ClientConfigs;
import io.meshstreams.internal.provision.ClusterProvisioning;
import io.meshstreams.product.DataProduct;
import io.meshstreams.registry.SchemaRegistryClient;

import org.apache.kafka.clients.admin.Admin;

import java.util.Map;

/**
 * Makes a Kafka cluster and a schema registry match a data product, idempotently.
 *
 * <pre>{@code
 * try (Provisioner provisioner = Provisioner.create(config)) {   // bootstrap.servers, schema.registry.url
 *     ProvisioningPlan plan = provisioner.plan(product);          // look before you leap
 *     System.out.println(plan.describe());
 *     provisioner.apply(plan);                                    // or provisioner.provision(product)
 * }
 * }</pre>
 *
 * <p>For each output port: the topic with its partitions and configuration, the quarantine topic, the subject's
 * compatibility level and the value schema (and the key schema for Avro keys); then the product's catalog entry.
 * Rules:
 * <ol>
 *   <li>A second run on an unchanged product plans everything {@code UNCHANGED}.</li>
 *   <li>Partitions only grow. A replication factor or {@code cleanup.policy} that differs from the product, or a
 *       topic configuration set on the cluster but not in the product, is reported as {@code DRIFT} and left as
 *       it is.</li>
 *   <li>A schema that is incompatible with the subject's versions at the port's compatibility level is
 *       {@code REFUSED}, with the rule that failed and the way out (a new major version); a refused plan applies
 *       nothing.</li>
 * </ol>
 * <p>Thread-safe. Clients given to {@link #create(Admin, SchemaRegistryClient, ProductCatalog)} stay the caller's;
 * those created by {@link #create(Map)} are closed by {@link #close()}.
 */
public final class Provisioner implements AutoCloseable {
    private final ClusterProvisioning provisioning;
    private final AutoCloseable[] owned;

    private Provisioner(ClusterProvisioning provisioning, AutoCloseable... owned) {
        this.provisioning = provisioning;
        this.owned = owned;
    }

    /** A provisioner with its own clients, from {@code bootstrap.servers}, {@code schema.registry.url} and the rest. */
    public static Provisioner create(Map<String, ?> config) {
        Admin admin = Admin.create(ClientConfigs.kafkaOnly(config));
        SchemaRegistryClient registry = SchemaRegistryClient.create(config);
        ProductCatalog catalog = ProductCatalog.create(config);
        return new Provisioner(new ClusterProvisioning(admin, registry, catalog), catalog, registry, admin);
    }

    /** A provisioner on the caller's clients, which it does not close. */
    public static Provisioner create(Admin admin, SchemaRegistryClient registry, ProductCatalog catalog) {
        return new Provisioner(new ClusterProvisioning(admin, registry, catalog));
    }

    /** What provisioning the product would do; changes nothing. */
    public ProvisioningPlan plan(DataProduct product) {
        return provisioning.plan(product);
    }

    /**
     * Applies a plan: creates and updates what it says, in order, and waits until new topics are ready.
     *
     * @return the plan that was applied
     * @throws ProvisioningRefusedException if the plan contains a refusal (then nothing is changed)
     */
    public ProvisioningPlan apply(ProvisioningPlan plan) {
        if (plan.isRefused()) {
            throw new ProvisioningRefusedException(plan);
        }
        provisioning.apply(plan);
        return plan;
    }

    /** Plans and applies in one step; returns the plan that was applied. */
    public ProvisioningPlan provision(DataProduct product) {
        return apply(plan(product));
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable closeable : owned) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not close the provisioner's clients", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

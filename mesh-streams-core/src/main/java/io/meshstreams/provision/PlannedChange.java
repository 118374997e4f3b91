package io.meshstreams.provision;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * One line of a {@link ProvisioningPlan}: what provisioning does (or refuses to do) to one resource.
 *
 * @param action   what happens: {@link Action#CREATE}, {@link Action#UPDATE}, {@link Action#UNCHANGED}, or, for what
 *                 provisioning will not touch, {@link Action#DRIFT} and {@link Action#REFUSED}
 * @param resource the kind of resource
 * @param name     the topic or subject (or product id, for the catalog)
 * @param setting  the configuration key or aspect, e.g. {@code retention.ms}; null when the whole resource is meant
 * @param current  the value on the cluster now, or null if the resource does not exist
 * @param desired  the value the product asks for, or null
 * @param note     why, and for drift and refusals what to do
 */
public record PlannedChange(Action action, Resource resource, String name, @Nullable String setting,
                            @Nullable String current, @Nullable String desired, String note) {
    public PlannedChange {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(note, "note");
    }

    /** What provisioning does with a resource. */
    public enum Action {
        /** The resource does not exist and will be created. */
        CREATE,
        /** The resource exists and will be changed to match the product. */
        UPDATE,
        /** The resource already matches the product. */
        UNCHANGED,
        /** The resource differs in a way provisioning reports but will not change (e.g. replication, cleanup.policy). */
        DRIFT,
        /** The product asks for a change provisioning must not make (e.g. an incompatible schema); nothing is applied. */
        REFUSED
    }

    /** The kinds of resources a product is made of. */
    public enum Resource {
        /** A Kafka topic: a port's topic, its quarantine topic, or the catalog's topic. */
        TOPIC,
        /** A topic's partition count; it only grows. */
        PARTITIONS,
        /** A topic's replication factor; reported, never changed. */
        REPLICATION,
        /** A topic configuration entry. */
        TOPIC_CONFIG,
        /** A schema registry subject's compatibility level. */
        COMPATIBILITY,
        /** A schema registered under a subject. */
        SCHEMA,
        /** The product's entry in the catalog. */
        CATALOG
    }
}

/**
 * The schema registry protocol: a client for Confluent Schema Registry's REST API (v1), which also
 * talks to Apicurio's ccompat API, Karapace and mesh-streams' own embedded registry, and the types
 * both sides of the wire share.
 *
 * <p>Start with {@link io.meshstreams.registry.SchemaRegistryClient#create(java.util.Map)}; the
 * configuration keys are Confluent's and are listed in {@link io.meshstreams.registry.SchemaRegistryClientConfig}.
 */
@NullMarked
package io.meshstreams.registry;

import org.jspecify.annotations.NullMarked;

/**
 * The whole mesh in one JVM: {@link io.meshstreams.local.EmbeddedKafkaCluster}, a real KRaft Kafka
 * cluster started in-process from Apache Kafka's own server classes, and the embedded schema registry
 * in {@code io.meshstreams.local.registry}. For laptops, demos and tests; production runs against a real
 * cluster and registry with the same client configuration.
 */
@NullMarked
package io.meshstreams.local;

import org.jspecify.annotations.NullMarked;

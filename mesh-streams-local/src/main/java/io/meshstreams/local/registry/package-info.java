/**
 * An embedded schema registry server that speaks Confluent Schema Registry's REST API (v1), its
 * state kept in a compacted Kafka topic: start one with {@link io.meshstreams.local.registry.SchemaRegistryServer#builder()}.
 */
@NullMarked
package io.meshstreams.local.registry;

import org.jspecify.annotations.NullMarked;

/**
 * Kafka serializers, deserializers and Kafka Streams serdes for Avro in Confluent's wire format
 * (magic byte 0, the schema's 4-byte big-endian registry id, then the Avro binary encoding), so that
 * records are readable and writable by the whole Confluent ecosystem.
 *
 * <p>Start with {@link io.meshstreams.serde.AvroSerde}, {@link io.meshstreams.serde.AvroSerializer} or
 * {@link io.meshstreams.serde.AvroDeserializer}; their keys are Confluent's and are listed in
 * {@link io.meshstreams.serde.AvroSerdeConfig}.
 */
@NullMarked
package io.meshstreams.serde;

import org.jspecify.annotations.NullMarked;

/**
 * Governed cross-domain stream processing on Kafka Streams: read other domains' ports only under a grant, with
 * classified fields masked before they enter the topology, join them with co-partitioning handled, and publish the
 * result on an output port of your own with its contract enforced and its lineage recorded.
 * Start with {@link io.meshstreams.streams.GovernedStreamsBuilder}.
 */
@NullMarked
package io.meshstreams.streams;

import org.jspecify.annotations.NullMarked;

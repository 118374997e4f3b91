/**
 * mesh-streams: the backbone of a streaming data mesh on Apache Kafka. The public API lives in packages named after
 * the mesh's vocabulary: {@code product}, {@code contract}, {@code registry}, {@code serde}, {@code publish},
 * {@code provision}, {@code governance}, {@code streams}. Packages named {@code internal} are implementation.
 */
@NullMarked
package io.meshstreams;

import org.jspecify.annotations.NullMarked;

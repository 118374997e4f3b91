/**
 * The catalog of the mesh: every provisioned data product, its ports, grants and lineage, kept in a compacted
 * Kafka topic so that any domain can discover products and check access without a central service.
 */
@NullMarked
package io.meshstreams.catalog;

import org.jspecify.annotations.NullMarked;

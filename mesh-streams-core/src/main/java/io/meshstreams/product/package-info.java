/**
 * Data products and their ports: what a domain publishes ({@link io.meshstreams.product.OutputPort}), what it
 * reads ({@link io.meshstreams.product.InputPort}), and who may read it ({@link io.meshstreams.product.Grant}).
 * A product is described in code with {@link io.meshstreams.product.DataProduct#builder(String, String)} or in a
 * {@code data-product.yaml} read by {@link io.meshstreams.product.DataProductDescriptor}; either way it is
 * validated as a whole, and every problem is reported at once.
 */
@NullMarked
package io.meshstreams.product;

import org.jspecify.annotations.NullMarked;

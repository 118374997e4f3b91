/**
 * Data products and their ports: what a domain publishes ({@link io.meshstreams.product.OutputPort}), what it
 * reads ({@link io.meshstreams.product.InputPort}), and who may read it ({@link io.meshstreams.product.Grant}).
 * A product is described in code with {@link io.meshstreams.product.DataProduct#builder(String, String)} or in a
 * {@code data-product.yaml} read by {@link io.meshstreams.product.DataProductDescriptor}; either way it is
 * validated as a whole, and every problem is reported at once.
 *
 * <p>The types users build ({@link io.meshstreams.product.DataProduct}, {@link io.meshstreams.product.OutputPort},
 * {@link io.meshstreams.product.Grant}, {@link io.meshstreams.product.KeyDefinition},
 * {@link io.meshstreams.product.InputPort}, {@link io.meshstreams.product.PortAddress}) are immutable classes with
 * static factories or builders: whatever builds one (a builder, a {@code withX} copy, a descriptor) runs the same
 * checks, so an instance is always valid, and a setting added later breaks no caller.
 */
@NullMarked
package io.meshstreams.product;

import org.jspecify.annotations.NullMarked;

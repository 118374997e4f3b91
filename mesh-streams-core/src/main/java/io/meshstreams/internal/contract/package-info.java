/**
 * The implementation of {@link io.meshstreams.contract}: CEL types and values for Avro
 * ({@link io.meshstreams.internal.contract.AvroCelTypes}), the rule compiler, the fast path and its
 * regex automaton. Not API: users must not depend on it, and it can change in any release.
 */
@NullMarked
package io.meshstreams.internal.contract;

import org.jspecify.annotations.NullMarked;

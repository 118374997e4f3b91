/**
 * Contracts: what an output port promises about the records it publishes, and the checks that keep
 * the promise at produce time.
 *
 * <p>Start with {@link io.meshstreams.contract.ContractRules#compile(org.apache.avro.Schema, java.util.List)}:
 * it compiles a port's {@link io.meshstreams.contract.Rule}s (CEL expressions over the record, bound as
 * {@code message}) against the port's Avro value schema once, and then
 * {@link io.meshstreams.contract.ContractRules#check(org.apache.avro.generic.IndexedRecord)} returns every
 * {@link io.meshstreams.contract.Violation} of a record.
 */
@NullMarked
package io.meshstreams.contract;

import org.jspecify.annotations.NullMarked;

/**
 * Contracts: what an output port promises about the records it publishes, and the checks that keep
 * the promise at produce time.
 *
 * <p>Start with {@link io.meshstreams.contract.ContractRules#compile(org.apache.avro.Schema, java.util.List)}:
 * it compiles a port's {@link io.meshstreams.contract.Rule}s against the port's Avro value schema once,
 * and then {@link io.meshstreams.contract.ContractRules#check(org.apache.avro.generic.IndexedRecord)}
 * returns every {@link io.meshstreams.contract.Violation} of a record.
 *
 * <h2>Writing rules</h2>
 *
 * <p>A rule is a CEL expression, as in Confluent's data contract rules, over the record bound as
 * {@code message}; it is true when the record keeps the promise:
 * {@code message.amount > 0}, {@code message.currency in ['EUR', 'USD', 'GBP']},
 * {@code size(message.customerId) > 0}, {@code message.email.matches('^[^@]+@[^@]+$')},
 * {@code has(message.note) ? size(message.note) < 500 : true}, {@code message.address.city != ''}.
 * <ul>
 *   <li>Types follow the schema: string, enum (its symbol) and uuid are {@code string}; int and long
 *       are {@code int}; float, double and decimal are {@code double}; bytes and fixed are
 *       {@code bytes}; timestamp-millis/micros/nanos are {@code timestamp}
 *       ({@code message.at > timestamp('2024-01-01T00:00:00Z')}); date is an {@code int} of days;
 *       arrays are lists, maps are maps with string keys, records are nested messages. A rule that
 *       compares a string with an int, reads a field the schema does not have, or is not a bool does
 *       not compile, and the error says so.</li>
 *   <li>An optional field (a union with null) is null when unset: guard it with {@code has(message.f)}
 *       or {@code message.f != null}. A rule that errors, such as {@code size(message.note)} on a null
 *       {@code note} or an int overflow, is a violation: rules fail closed.</li>
 *   <li>{@code matches} searches (it is not anchored): write {@code ^...$} to match the whole string.
 *       Patterns are RE2, so there are no back-references or look-arounds.</li>
 *   <li>Compare doubles with doubles: {@code message.price > 0.0} is false for a NaN price, but
 *       {@code message.price > 0} (a double against an int) is true, because CEL's Java runtime orders
 *       NaN above every int, and -0.0 below 0.</li>
 *   <li>Comprehensions ({@code all}, {@code exists}, {@code map}, {@code filter}) may iterate at most
 *       100,000 times per rule and record.</li>
 * </ul>
 */
@NullMarked
package io.meshstreams.contract;

import org.jspecify.annotations.NullMarked;

package io.meshstreams.contract;

import org.jspecify.annotations.Nullable;

/** TEMPORARY stand-in until the contract-rules branch lands; same shape. */
public record Rule(String name, String expression, @Nullable String description) {
}

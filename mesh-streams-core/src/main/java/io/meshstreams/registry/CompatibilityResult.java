package io.meshstreams.registry;

import java.util.List;

/**
 * The registry's answer to a compatibility test: whether the schema could be registered as a new
 * version of the subject under its compatibility level, and if not, why.
 *
 * @param compatible true if the schema may be registered
 * @param messages   the registry's explanations of each incompatibility (empty when compatible, and
 *                   possibly empty when the registry does not support verbose answers)
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}

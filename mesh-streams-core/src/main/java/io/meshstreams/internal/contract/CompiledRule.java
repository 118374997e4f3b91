package io.meshstreams.internal.contract;

import dev.cel.runtime.Program;
import io.meshstreams.contract.Rule;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One rule, compiled: dev.cel's planned program (the reference), the fast path if the rule is in its
 * subset, and the fields the rule reads (for violations).
 */
final class CompiledRule {
    final Rule rule;
    final Program program;
    final @Nullable FastNode fast;
    final List<String> fields;
    final String fieldList;

    CompiledRule(Rule rule, Program program, @Nullable FastNode fast, List<String> fields) {
        this.rule = rule;
        this.program = program;
        this.fast = fast;
        this.fields = List.copyOf(fields);
        this.fieldList = String.join(",", fields);
    }
}

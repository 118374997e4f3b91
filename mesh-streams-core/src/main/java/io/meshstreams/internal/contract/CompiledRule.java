package io.meshstreams.internal.contract;

import dev.cel.runtime.Program;
import io.meshstreams.contract.Rule;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One rule, compiled: dev.cel's planned program (the reference), the fast path if the rule is in its
 * subset, and the fields the rule reads (for violations), with the classification that withholds
 * each one's value from messages (null where the value may be shown).
 */
final class CompiledRule {
    final Rule rule;
    final Program program;
    final @Nullable FastNode fast;
    final List<String> fields;
    final String fieldList;
    /** Per field, the classification shown in place of its value, or null: the value may be shown. */
    final @Nullable String[] withheld;
    /** True if any field's value is withheld. */
    final boolean readsClassified;

    CompiledRule(Rule rule, Program program, @Nullable FastNode fast, List<String> fields,
                 FieldClassifications classifications) {
        this.rule = rule;
        this.program = program;
        this.fast = fast;
        this.fields = List.copyOf(fields);
        this.fieldList = String.join(",", fields);
        this.withheld = new String[fields.size()];
        boolean any = false;
        for (int i = 0; i < withheld.length; i++) {
            withheld[i] = classifications.withheld(fields.get(i));
            any |= withheld[i] != null;
        }
        this.readsClassified = any;
    }
}

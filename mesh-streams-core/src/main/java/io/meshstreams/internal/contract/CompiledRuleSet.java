package io.meshstreams.internal.contract;

import dev.cel.runtime.CelEvaluationException;
import io.meshstreams.contract.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

/**
 * A contract's rules compiled against its value schema, ready to check records.
 *
 * <ol>
 *   <li>Thread-safe: immutable but for caches of facts, so one instance serves every thread.</li>
 *   <li>A valid record costs no allocation: {@link #check} returns {@link List#of()}.</li>
 *   <li>A rule in the fast path's subset runs as plain Java over the record's fields by position; when
 *       the fast path meets anything it was not built for (an evaluation error, a value of an
 *       unexpected class, a record of another schema), and for rules outside the subset, dev.cel's
 *       interpreter evaluates the rule over a read-only view of the record. Its answer is the
 *       reference, and the text of its errors goes into violations.</li>
 * </ol>
 */
public final class CompiledRuleSet {
    private static final java.util.regex.Pattern ERROR_POSITION =
            java.util.regex.Pattern.compile("^evaluation error at <input>:(\\d+):");
    private final AvroCelTypes types;
    private final CompiledRule[] rules;
    private final SchemaMatcher rootMatcher;
    private final NullCheck nullCheck;

    CompiledRuleSet(AvroCelTypes types, List<CompiledRule> rules) {
        this.types = types;
        this.rules = rules.toArray(new CompiledRule[0]);
        this.rootMatcher = new SchemaMatcher(types.rootSchema());
        this.nullCheck = NullCheck.of(types.rootSchema(), "", new HashSet<>());
    }

    public Schema valueSchema() {
        return types.rootSchema();
    }

    /** Every violation of the record: schema violations first, then rule violations in rule order. */
    public List<Violation> check(IndexedRecord record) {
        List<Violation> violations = null;
        boolean positional = rootMatcher.matches(record.getSchema());
        if (positional) {
            violations = nullCheck.check(record, null);
        } else if (!record.getSchema().getFullName().equals(types.rootSchema().getFullName())) {
            violations = add(null, Violation.ofSchema("", "the record is a " + record.getSchema().getFullName()
                    + ", but the port's value schema is " + types.rootSchema().getFullName()
                    + ": publish records of the port's schema"));
        }
        for (CompiledRule rule : rules) {
            FastNode fast = rule.fast;
            if (positional && fast != null) {
                try {
                    if (fast.bool(record)) {
                        continue;
                    }
                    violations = add(violations, failed(rule, record, Boolean.FALSE));
                    continue;
                } catch (Deopt deopt) {
                    // the interpreter gives the answer, and the error text if it is an error
                }
            }
            Violation violation = interpretRule(rule, record);
            if (violation != null) {
                violations = add(violations, violation);
            }
        }
        return violations == null ? List.of() : List.copyOf(violations);
    }

    private static List<Violation> add(@Nullable List<Violation> violations, Violation violation) {
        List<Violation> list = violations == null ? new ArrayList<>(2) : violations;
        list.add(violation);
        return list;
    }

    private @Nullable Violation interpretRule(CompiledRule rule, IndexedRecord record) {
        Object result;
        try {
            result = interpret(rule, record);
        } catch (CelEvaluationException | RuntimeException e) {
            return errored(rule, record, e);
        }
        if (Boolean.TRUE.equals(result)) {
            return null;
        }
        return failed(rule, record, result);
    }

    /** The rule's value by dev.cel's interpreter, over a view of the record. */
    Object interpret(CompiledRule rule, IndexedRecord record) throws CelEvaluationException {
        AvroRecordValue message = new AvroRecordValue(record, types);
        return rule.program.eval(name -> "message".equals(name) ? Optional.of(message) : Optional.empty());
    }

    /** The rule's value by the fast path: true, false, or {@link Deopt}; null if it has no fast path. */
    @Nullable Boolean fast(CompiledRule rule, IndexedRecord record) {
        if (rule.fast == null || !rootMatcher.matches(record.getSchema())) {
            return null;
        }
        return rule.fast.bool(record);
    }

    List<CompiledRule> rules() {
        return List.of(rules);
    }

    private static Violation failed(CompiledRule rule, IndexedRecord record, @Nullable Object result) {
        Object value = result instanceof dev.cel.common.values.NullValue ? null : result;
        String found = result instanceof Boolean ? "false"
                : (value != null && holdsClassifiedValue(rule, record) ? "a " + value.getClass().getSimpleName()
                        : ValueText.show(value)) + ", which is not a bool";
        return Violation.ofRule(rule.rule.name(), rule.fieldList,
                head(rule) + " failed: expected " + RuleSetCompiler.shown(rule.rule.expression())
                        + " to be true, found " + found + values(rule, record));
    }

    private static Violation errored(CompiledRule rule, IndexedRecord record, Exception error) {
        // An error's text may quote what the rule computed from a classified value (a string that is not a number,
        // a missing map key): it is shown only when the rule met no classified value in this record.
        String text = holdsClassifiedValue(rule, record) ? withheldErrorText(error) : errorText(error);
        return Violation.ofRule(rule.rule.name(), rule.fieldList,
                head(rule) + " failed closed: expected " + RuleSetCompiler.shown(rule.rule.expression())
                        + " to be true, found an evaluation error (" + text + ")" + values(rule, record));
    }

    private static String head(CompiledRule rule) {
        String description = rule.rule.description();
        return "rule '" + rule.rule.name() + "'"
                + (description == null || description.isBlank() ? "" : " (" + ValueText.truncate(description, 120) + ")");
    }

    private static String values(CompiledRule rule, IndexedRecord record) {
        return rule.fields.isEmpty() ? "" : " with " + ValueText.fieldValues(record, rule.fields, rule.withheld);
    }

    /** True if a field the rule reads is classified and not null in this record. */
    private static boolean holdsClassifiedValue(CompiledRule rule, IndexedRecord record) {
        if (!rule.readsClassified) {
            return false;
        }
        for (int i = 0; i < rule.withheld.length; i++) {
            if (rule.withheld[i] != null && !ValueText.isNull(record, rule.fields.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Where dev.cel's error is, without its text: {@code at position 4; its text is withheld ...}. */
    static String withheldErrorText(Exception error) {
        String message = error.getMessage();
        java.util.regex.Matcher at = message == null ? null : ERROR_POSITION.matcher(message);
        return (at != null && at.find() ? "at position " + at.group(1) + "; " : "")
                + "its text is withheld, since the rule reads classified fields";
    }

    /** dev.cel's error in words, without its {@code <input>} prefix. */
    static String errorText(Exception error) {
        String message = error.getMessage();
        if (message == null) {
            message = error.getClass().getSimpleName();
        }
        message = message.replaceFirst("^evaluation error at <input>:(\\d+): ", "at position $1: ")
                .replaceFirst("^evaluation error: ", "");
        Throwable cause = error.getCause();
        if (cause instanceof dev.cel.common.exceptions.CelAttributeNotFoundException && cause.getMessage() != null
                && !cause.getMessage().contains(" ")) {
            // dev.cel says only the key, as in "at position 18: missing"
            message = message.replace(": " + cause.getMessage(), ": no such key: '" + cause.getMessage() + "'");
        }
        return ValueText.truncate(message, 240);
    }

    /** Nulls in fields whose schema does not allow null: a record built by hand may break its schema. */
    private static final class NullCheck {
        private final int[] requiredPositions;
        private final String[] requiredPaths;
        private final String[] requiredTypes;
        private final String recordName;
        private final int[] nestedPositions;
        private final SchemaMatcher[] nestedSchemas;
        private final NullCheck[] nested;

        private NullCheck(Schema record, int[] requiredPositions, String[] requiredPaths, String[] requiredTypes,
                int[] nestedPositions, SchemaMatcher[] nestedSchemas, NullCheck[] nested) {
            this.recordName = record.getFullName();
            this.requiredPositions = requiredPositions;
            this.requiredPaths = requiredPaths;
            this.requiredTypes = requiredTypes;
            this.nestedPositions = nestedPositions;
            this.nestedSchemas = nestedSchemas;
            this.nested = nested;
        }

        static NullCheck of(Schema record, String prefix, Set<String> enclosing) {
            List<Schema.Field> required = new ArrayList<>();
            List<Schema.Field> records = new ArrayList<>();
            List<Schema> recordSchemas = new ArrayList<>();
            Set<String> inside = new HashSet<>(enclosing);
            inside.add(record.getFullName());
            for (Schema.Field field : record.getFields()) {
                Schema schema = field.schema();
                if (!allowsNull(schema)) {
                    required.add(field);
                }
                Schema nonNull = AvroCelTypes.nullableBranch(schema);
                Schema target = nonNull != null ? nonNull : schema;
                if (target.getType() == Schema.Type.RECORD && !inside.contains(target.getFullName())) {
                    records.add(field);
                    recordSchemas.add(target);
                }
            }
            NullCheck[] nested = new NullCheck[records.size()];
            SchemaMatcher[] matchers = new SchemaMatcher[records.size()];
            for (int i = 0; i < records.size(); i++) {
                nested[i] = of(recordSchemas.get(i), prefix + records.get(i).name() + ".", inside);
                matchers[i] = new SchemaMatcher(recordSchemas.get(i));
            }
            return new NullCheck(record,
                    required.stream().mapToInt(Schema.Field::pos).toArray(),
                    required.stream().map(f -> prefix + f.name()).toArray(String[]::new),
                    required.stream().map(f -> f.schema().toString()).toArray(String[]::new),
                    records.stream().mapToInt(Schema.Field::pos).toArray(), matchers, nested);
        }

        private static boolean allowsNull(Schema schema) {
            if (schema.getType() == Schema.Type.NULL) {
                return true;
            }
            return schema.getType() == Schema.Type.UNION
                    && schema.getTypes().stream().anyMatch(branch -> branch.getType() == Schema.Type.NULL);
        }

        @Nullable List<Violation> check(IndexedRecord record, @Nullable List<Violation> violations) {
            for (int i = 0; i < requiredPositions.length; i++) {
                if (record.get(requiredPositions[i]) == null) {
                    violations = add(violations, Violation.ofSchema(requiredPaths[i], "field " + requiredPaths[i]
                            + " of record " + recordName + " is null, but its schema " + ValueText.truncate(requiredTypes[i], 80)
                            + " does not allow null: set it, or make it optional (a union with null) in a compatible"
                            + " schema version"));
                }
            }
            for (int i = 0; i < nestedPositions.length; i++) {
                Object value = record.get(nestedPositions[i]);
                if (value instanceof IndexedRecord && nestedSchemas[i].matches(((IndexedRecord) value).getSchema())) {
                    violations = nested[i].check((IndexedRecord) value, violations);
                }
            }
            return violations;
        }
    }
}

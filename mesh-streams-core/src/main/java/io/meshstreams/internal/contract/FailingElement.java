package io.meshstreams.internal.contract;

import dev.cel.common.ast.CelExpr;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

/**
 * Which element of an array a rule {@code message.f.all(v, p)} fails on, so that a violation shows that element
 * rather than the first chars of the whole array.
 *
 * <ol>
 *   <li>For rules whose whole expression is {@code all} over a field of the record ({@code message.contacts}) whose
 *       predicate does not read that field again; other rules have none.</li>
 *   <li>The failing element is the first for which the rule, evaluated by dev.cel over the record with the array
 *       replaced by that element alone, is false (an element whose predicate errs is not it: the rule was false,
 *       not an error). At most the first {@value #MAX_ELEMENTS} elements are tried.</li>
 *   <li>Only on the way to a violation: a record that keeps the rule never pays for it.</li>
 * </ol>
 */
final class FailingElement {
    static final int MAX_ELEMENTS = 1_000;

    /** The field the rule's {@code all} ranges over. */
    final String field;

    private FailingElement(String field) {
        this.field = field;
    }

    /** The failing-element locator of a checked rule, or null if the rule is not of that form. */
    static @Nullable FailingElement of(CelExpr expr, Schema root) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.COMPREHENSION) {
            return null;
        }
        CelExpr.CelComprehension comprehension = expr.comprehension();
        if (FastPathCompiler.quantifier(comprehension) != FastNode.ALL) {
            return null;
        }
        CelExpr range = comprehension.iterRange();
        if (range.getKind() != CelExpr.ExprKind.Kind.SELECT || range.select().testOnly()
                || range.select().operand().getKind() != CelExpr.ExprKind.Kind.IDENT
                || !range.select().operand().ident().name().equals("message")) {
            return null;
        }
        String field = range.select().field();
        Schema.Field schemaField = root.getField(field);
        if (schemaField == null) {
            return null;
        }
        Schema nonNull = AvroCelTypes.nullableBranch(schemaField.schema());
        if ((nonNull != null ? nonNull : schemaField.schema()).getType() != Schema.Type.ARRAY) {
            return null;
        }
        CelExpr predicate = FastPathCompiler.predicate(comprehension, FastNode.ALL);
        for (FieldReferences.Reference reference : FieldReferences.of(predicate)) {
            if (reference.names().get(0).equals(field)) {
                return null; // the predicate reads the array again: one element alone is another record
            }
        }
        return new FailingElement(field);
    }

    /** The index of the first element the rule is false on, or -1 if there is none to name. */
    int locate(CompiledRule rule, IndexedRecord record, AvroCelTypes types) {
        Schema.Field schemaField = record.getSchema().getField(field);
        if (schemaField == null || !(record.get(schemaField.pos()) instanceof List)) {
            return -1;
        }
        Schema arraySchema = AvroCelTypes.nullableBranch(schemaField.schema()) != null
                ? AvroCelTypes.nullableBranch(schemaField.schema()) : schemaField.schema();
        if (arraySchema.getType() != Schema.Type.ARRAY) {
            return -1;
        }
        List<?> elements = (List<?>) record.get(schemaField.pos());
        AvroRecordValue view = new AvroRecordValue(record, types);
        for (int i = 0; i < Math.min(elements.size(), MAX_ELEMENTS); i++) {
            AvroRecordValue alone = view.withField(schemaField.pos(),
                    List.of(AvroCelValues.toCel(elements.get(i), arraySchema.getElementType(), types)));
            try {
                Object result = rule.program.eval(name -> "message".equals(name)
                        ? java.util.Optional.of(alone) : java.util.Optional.empty());
                if (Boolean.FALSE.equals(result)) {
                    return i;
                }
            } catch (dev.cel.runtime.CelEvaluationException | RuntimeException e) {
                // this element errs: not the one that made the rule false
            }
        }
        return -1;
    }
}

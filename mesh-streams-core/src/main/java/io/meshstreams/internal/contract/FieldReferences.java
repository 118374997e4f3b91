package io.meshstreams.internal.contract;

import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The field references of an expression: every chain {@code message.a.b} in it, outermost first. */
final class FieldReferences {
    private FieldReferences() {
    }

    /** A chain {@code message.a.b}: its names ({@code [a, b]}) and the id of its outermost select. */
    record Reference(List<String> names, long exprId) {
        String dotted() {
            return String.join(".", names);
        }
    }

    /** Every maximal select chain on {@code message}, in the order the expression mentions them. */
    static List<Reference> of(CelExpr root) {
        List<Reference> references = new ArrayList<>();
        visit(root, references::add);
        return references;
    }

    private static void visit(CelExpr expr, Consumer<Reference> sink) {
        switch (expr.getKind()) {
            case SELECT: {
                List<String> names = new ArrayList<>();
                CelExpr current = expr;
                while (current.getKind() == CelExpr.ExprKind.Kind.SELECT) {
                    names.add(0, current.select().field());
                    current = current.select().operand();
                }
                if (current.getKind() == CelExpr.ExprKind.Kind.IDENT && current.ident().name().equals("message")) {
                    sink.accept(new Reference(List.copyOf(names), expr.id()));
                } else {
                    visit(current, sink);
                }
                break;
            }
            case CALL:
                expr.call().target().ifPresent(target -> visit(target, sink));
                expr.call().args().forEach(arg -> visit(arg, sink));
                break;
            case LIST:
                expr.list().elements().forEach(element -> visit(element, sink));
                break;
            case MAP:
                expr.map().entries().forEach(entry -> {
                    visit(entry.key(), sink);
                    visit(entry.value(), sink);
                });
                break;
            case STRUCT:
                expr.struct().entries().forEach(entry -> visit(entry.value(), sink));
                break;
            case COMPREHENSION:
                visit(expr.comprehension().iterRange(), sink);
                visit(expr.comprehension().accuInit(), sink);
                visit(expr.comprehension().loopCondition(), sink);
                visit(expr.comprehension().loopStep(), sink);
                visit(expr.comprehension().result(), sink);
                break;
            default:
                break;
        }
    }
}

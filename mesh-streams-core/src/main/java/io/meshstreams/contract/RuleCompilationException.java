package io.meshstreams.contract;

import io.meshstreams.MeshException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a contract's rules do not compile against the port's schema. It lists every problem of
 * every rule, not only the first: fix them all in one go.
 */
public class RuleCompilationException extends MeshException {
    private final transient List<RuleProblem> problems;

    public RuleCompilationException(String subject, List<RuleProblem> problems) {
        super(message(subject, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, in the order of the rules. */
    public List<RuleProblem> problems() {
        return problems;
    }

    private static String message(String subject, List<RuleProblem> problems) {
        long rules = problems.stream().map(RuleProblem::rule).distinct().count();
        return problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in " + rules
                + (rules == 1 ? " rule" : " rules") + " of the contract for " + subject + ":\n"
                + problems.stream().map(p -> "  - " + p.message()).collect(Collectors.joining("\n"));
    }
}

package io.meshstreams.product;

import io.meshstreams.MeshException;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A data product's description, or a part of it built on its own (an output port, a grant, a key), has problems;
 * {@link #problems()} lists every one of them, not just the first, each with its path and fix.
 */
public class InvalidDataProductException extends MeshException {
    private final String productId;
    private final List<ValidationProblem> problems;

    /**
     * @param productId {@code domain.product}, or the file name if the product could not be named
     * @param problems  every problem found, at least one
     */
    public InvalidDataProductException(String productId, List<ValidationProblem> problems) {
        this("Data product " + productId, productId, problems);
    }

    /** For a part built on its own: {@code subject} names it, e.g. {@code Output port 'placed' v1}. */
    InvalidDataProductException(String subject, String productId, List<ValidationProblem> problems) {
        super(describe(subject, problems));
        this.productId = productId;
        this.problems = List.copyOf(problems);
    }

    /**
     * {@code domain.product}; the file name if the product could not be named; for a part built on its own (a port,
     * a grant, a key), what that part is, e.g. {@code output port placed.v1}.
     */
    public String productId() {
        return productId;
    }

    /** Every problem, in the order found. */
    public List<ValidationProblem> problems() {
        return problems;
    }

    private static String describe(String subject, List<ValidationProblem> problems) {
        return subject + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + ":\n" + IntStream.range(0, problems.size())
                        .mapToObj(i -> "  " + (i + 1) + ". " + problems.get(i))
                        .collect(Collectors.joining("\n"));
    }
}

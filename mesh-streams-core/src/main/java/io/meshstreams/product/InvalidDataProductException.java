package io.meshstreams.product;

import io.meshstreams.MeshException;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A data product's description has problems; {@link #problems()} lists every one of them, not just the first. */
public class InvalidDataProductException extends MeshException {
    private final String productId;
    private final List<ValidationProblem> problems;

    public InvalidDataProductException(String productId, List<ValidationProblem> problems) {
        super(describe(productId, problems));
        this.productId = productId;
        this.problems = List.copyOf(problems);
    }

    /** {@code domain.product}, or the file name if the product could not be named. */
    public String productId() {
        return productId;
    }

    public List<ValidationProblem> problems() {
        return problems;
    }

    private static String describe(String productId, List<ValidationProblem> problems) {
        return "Data product " + productId + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + ":\n" + IntStream.range(0, problems.size())
                        .mapToObj(i -> "  " + (i + 1) + ". " + problems.get(i))
                        .collect(Collectors.joining("\n"));
    }
}

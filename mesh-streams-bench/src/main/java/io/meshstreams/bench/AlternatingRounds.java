package io.meshstreams.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * Runs the mesh-streams side and the plain side of a comparison in alternating rounds (plain, mesh, mesh, plain, ...),
 * so that machine noise hits both, after warm-up rounds that are not counted; each side's figure is the median of its
 * rounds. Prints one line per round and, last, {@code <name> ratio: R (mesh X rec/s, plain Y rec/s)}.
 */
public final class AlternatingRounds {
    private AlternatingRounds() {
    }

    /** mesh rec/s, plain rec/s and their ratio. */
    public record Ratio(double mesh, double plain) {
        public double ratio() {
            return mesh / plain;
        }
    }

    /** Refuses a comparison with no records, no measured rounds or a negative number of warm-up rounds. */
    static void requireValid(int records, int rounds, int warmUps) {
        if (records < 1 || rounds < 1 || warmUps < 0) {
            throw new IllegalArgumentException("records and rounds must be at least 1, warm-up rounds at least 0");
        }
    }

    /**
     * @param plain  runs one plain round (its number, from 0; -1 for warm-up) and returns its records/s
     * @param mesh   runs one mesh round likewise
     */
    static Ratio run(String name, int rounds, int warmUps, IntToDoubleFunction plain, IntToDoubleFunction mesh,
                     PrintStream out) {
        for (int i = 0; i < warmUps; i++) {
            plain.applyAsDouble(-1);
            mesh.applyAsDouble(-1);
        }
        List<Double> plainRates = new ArrayList<>();
        List<Double> meshRates = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean plainFirst = round % 2 == 0;
            for (int side = 0; side < 2; side++) {
                boolean isPlain = (side == 0) == plainFirst;
                double rate = (isPlain ? plain : mesh).applyAsDouble(round);
                (isPlain ? plainRates : meshRates).add(rate);
                out.printf(Locale.ROOT, "  round %d %-5s %,12.0f rec/s%n", round + 1, isPlain ? "plain" : "mesh", rate);
            }
        }
        Ratio ratio = new Ratio(median(meshRates), median(plainRates));
        out.printf(Locale.ROOT, "%s ratio: %.2f (mesh %.0f rec/s, plain %.0f rec/s)%n", name, ratio.ratio(), ratio.mesh(),
                ratio.plain());
        return ratio;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}

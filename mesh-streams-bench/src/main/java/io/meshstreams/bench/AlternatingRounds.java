package io.meshstreams.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * Runs the mesh-streams side and the plain side of a comparison in alternating rounds (plain, mesh, mesh, plain, ...),
 * so that machine noise hits both, after warm-up rounds that are not counted; each side's figure is the median of its
 * rounds. Prints one line per round, each side's median CPU time per record where the rounds measure it, and, last,
 * {@code <name> ratio: R (mesh X rec/s, plain Y rec/s)}.
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
     * One round of one side: its records/s and, where measured (else NaN), the CPU time it cost per record on the
     * thread that sent the records and in the whole process (client, broker and registry when they run in it).
     * CPU time per record hardly depends on what else the machine runs, so it compares the sides on a busy machine
     * where records/s swing.
     */
    record Round(double rate, double callerCpuNanosPerRecord, double processCpuNanosPerRecord) {
        static Round ofRate(double rate) {
            return new Round(rate, Double.NaN, Double.NaN);
        }

        boolean hasCpu() {
            return !Double.isNaN(callerCpuNanosPerRecord);
        }
    }

    /**
     * @param plain  runs one plain round (its number, from 0; -1 for warm-up) and returns its records/s
     * @param mesh   runs one mesh round likewise
     */
    static Ratio run(String name, int rounds, int warmUps, IntToDoubleFunction plain, IntToDoubleFunction mesh,
                     PrintStream out) {
        return runMeasured(name, rounds, warmUps, round -> Round.ofRate(plain.applyAsDouble(round)),
                round -> Round.ofRate(mesh.applyAsDouble(round)), out);
    }

    /**
     * {@link #run} with rounds that may measure CPU time: each round's line shows it, and a line before the ratio
     * gives each side's median.
     */
    static Ratio runMeasured(String name, int rounds, int warmUps, IntFunction<Round> plain, IntFunction<Round> mesh,
                             PrintStream out) {
        for (int i = 0; i < warmUps; i++) {
            plain.apply(-1);
            mesh.apply(-1);
        }
        List<Round> plainRounds = new ArrayList<>();
        List<Round> meshRounds = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            boolean plainFirst = round % 2 == 0;
            for (int side = 0; side < 2; side++) {
                boolean isPlain = (side == 0) == plainFirst;
                Round measured = (isPlain ? plain : mesh).apply(round);
                (isPlain ? plainRounds : meshRounds).add(measured);
                out.printf(Locale.ROOT, "  round %d %-5s %,12.0f rec/s%s%n", round + 1, isPlain ? "plain" : "mesh",
                        measured.rate(), measured.hasCpu() ? String.format(Locale.ROOT,
                                "   cpu/record: caller %.2f us, process %.2f us",
                                measured.callerCpuNanosPerRecord() / 1e3, measured.processCpuNanosPerRecord() / 1e3)
                                : "");
            }
        }
        if (meshRounds.stream().allMatch(Round::hasCpu) && plainRounds.stream().allMatch(Round::hasCpu)) {
            double meshCaller = median(meshRounds, Round::callerCpuNanosPerRecord);
            double plainCaller = median(plainRounds, Round::callerCpuNanosPerRecord);
            double meshProcess = median(meshRounds, Round::processCpuNanosPerRecord);
            double plainProcess = median(plainRounds, Round::processCpuNanosPerRecord);
            out.printf(Locale.ROOT, "%s cpu/record (medians): caller mesh %.2f us, plain %.2f us (ratio %.2f);"
                    + " process mesh %.2f us, plain %.2f us (ratio %.2f)%n", name, meshCaller / 1e3, plainCaller / 1e3,
                    plainCaller / meshCaller, meshProcess / 1e3, plainProcess / 1e3, plainProcess / meshProcess);
        }
        Ratio ratio = new Ratio(median(meshRounds, Round::rate), median(plainRounds, Round::rate));
        out.printf(Locale.ROOT, "%s ratio: %.2f (mesh %.0f rec/s, plain %.0f rec/s)%n", name, ratio.ratio(), ratio.mesh(),
                ratio.plain());
        return ratio;
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> value) {
        List<Double> values = new ArrayList<>();
        rounds.forEach(round -> values.add(value.applyAsDouble(round)));
        return median(values);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}

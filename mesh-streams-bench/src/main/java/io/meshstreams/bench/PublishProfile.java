package io.meshstreams.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a JFR recording of {@code mesh bench publish} and compares the two sides frame by frame: execution samples of
 * the sending thread ({@code main}) are the mesh side's when their stack holds the publisher, the plain side's when it
 * holds the plain round; every other thread's samples count for the side the sending thread was on at that moment.
 * Prints the samples per side and thread (group), then the top frames of each side on the sending thread, by self
 * samples and by inclusive samples. Both sides send the same records, so samples compare as CPU time per record.
 *
 * <pre>
 * MESH_JAVA_OPTS="-Xmx2g -XX:StartFlightRecording=filename=publish.jfr,settings=profile" \
 *     bin/mesh bench publish --records 1000000 --rounds 3
 * java -cp mesh-streams-bench/target/mesh-streams-bench-*-jmh.jar io.meshstreams.bench.PublishProfile publish.jfr [N]
 * </pre>
 */
public final class PublishProfile {
    private static final String SENDER = "main";
    private static final String MESH_FRAME = "io.meshstreams.internal.publish.KafkaPortPublisher";
    private static final String PRODUCER_SEND = "org.apache.kafka.clients.producer.KafkaProducer.send";
    private static final String ROUND_LAMBDA = "io.meshstreams.bench.PublishComparison.lambda$";
    private static final String TIMED_ROUND = "io.meshstreams.bench.PublishComparison.timedRound";
    private static final String IN_A_ROUND = "?";

    private PublishProfile() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: PublishProfile <recording.jfr> [top frames, default 25]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        print(RecordingFile.readAllEvents(Path.of(args[0])), top, System.out);
    }

    private record Sample(Instant time, String thread, List<String> frames) {
    }

    static void print(List<RecordedEvent> events, int top, PrintStream out) {
        List<Sample> samples = new ArrayList<>();
        for (RecordedEvent event : events) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedThread thread = event.getThread("sampledThread");
            RecordedStackTrace stack = event.getStackTrace();
            if (thread == null || stack == null) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (RecordedFrame frame : stack.getFrames()) {
                frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
            samples.add(new Sample(event.getStartTime(), String.valueOf(thread.getJavaName()), frames));
        }
        samples.sort(Comparator.comparing(Sample::time));

        String[] sides = {"mesh", "plain"};
        Map<String, Map<String, Integer>> threads = new TreeMap<>();
        Map<String, Map<String, Integer>> self = new HashMap<>();
        Map<String, Map<String, Integer>> inclusive = new HashMap<>();
        Map<String, Integer> senderTotal = new HashMap<>();
        String side = null;
        for (Sample sample : samples) {
            if (sample.thread().equals(SENDER)) {
                String sampleSide = sideOf(sample.frames());
                if (sampleSide == null || (sampleSide.equals(IN_A_ROUND) && side == null)) {
                    continue;
                }
                if (!sampleSide.equals(IN_A_ROUND)) {
                    side = sampleSide;
                }
                senderTotal.merge(side, 1, Integer::sum);
                self.computeIfAbsent(side, s -> new HashMap<>()).merge(sample.frames().get(0), 1, Integer::sum);
                Set<String> seen = new HashSet<>(sample.frames());
                for (String frame : seen) {
                    inclusive.computeIfAbsent(side, s -> new HashMap<>()).merge(frame, 1, Integer::sum);
                }
            }
            if (side != null) { // the side the sender was last seen on
                threads.computeIfAbsent(group(sample.thread()), g -> new HashMap<>()).merge(side, 1, Integer::sum);
            }
        }
        out.printf(Locale.ROOT, "%-44s %8s %8s%n", "samples by thread", "mesh", "plain");
        int[] totals = new int[2];
        threads.forEach((group, bySide) -> {
            out.printf(Locale.ROOT, "%-44s %8d %8d%n", group, bySide.getOrDefault("mesh", 0), bySide.getOrDefault("plain", 0));
            totals[0] += bySide.getOrDefault("mesh", 0);
            totals[1] += bySide.getOrDefault("plain", 0);
        });
        out.printf(Locale.ROOT, "%-44s %8d %8d%n", "all threads", totals[0], totals[1]);
        for (String s : sides) {
            int total = senderTotal.getOrDefault(s, 0);
            out.printf(Locale.ROOT, "%n%s side, sending thread: %d samples%n  self:%n", s, total);
            printTop(self.getOrDefault(s, Map.of()), total, top, out);
            out.printf(Locale.ROOT, "  inclusive:%n");
            printTop(inclusive.getOrDefault(s, Map.of()), total, top, out);
        }
    }

    /**
     * mesh: the publisher is on the stack; plain: the plain round calls the producer itself; in a round but neither
     * (the harness's own lines, a few samples): {@link #IN_A_ROUND}; otherwise (set-up, warm-up of the broker) null.
     */
    private static String sideOf(List<String> frames) {
        boolean inRound = false;
        for (int i = 0; i < frames.size(); i++) {
            String frame = frames.get(i);
            if (frame.startsWith(MESH_FRAME)) {
                return "mesh";
            }
            if (frame.equals(PRODUCER_SEND) && i + 1 < frames.size() && frames.get(i + 1).startsWith(ROUND_LAMBDA)) {
                return "plain";
            }
            inRound |= frame.equals(TIMED_ROUND);
        }
        return inRound ? IN_A_ROUND : null;
    }

    private static String group(String thread) {
        if (thread.equals(SENDER)) {
            return "sending thread (main)";
        }
        if (thread.startsWith("kafka-producer-network-thread")) {
            return "producer I/O: " + thread.substring(thread.indexOf('|') + 1).trim();
        }
        if (thread.startsWith("data-plane-kafka") || thread.startsWith("kafka-") || thread.contains("raft")) {
            return "broker";
        }
        return "other";
    }

    private static void printTop(Map<String, Integer> counts, int total, int top, PrintStream out) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.printf(Locale.ROOT, "  %7d %5.1f%%  %s%n", e.getValue(),
                        100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
}

package io.meshstreams.internal.streams;

import io.meshstreams.internal.serde.KeyEncoding;
import io.meshstreams.product.PortAddress;
import io.meshstreams.streams.CoPartitioningException;
import io.meshstreams.streams.GovernedStreamsBuilder;

import org.apache.kafka.streams.TopologyDescription;
import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/** Checks a finished topology from its public description: co-partitioning of joins (counts and key encodings), and lineage of outputs. */
public final class TopologyChecks {
    private TopologyChecks() {
    }

    /**
     * How a topic of a topology is partitioned, as far as the builder knows it.
     *
     * @param partitions its partition count, or {@link Partitioning#UNKNOWN} when Kafka Streams sizes it
     * @param encoding   how its keys are written, or null when the builder does not know (a topic of the domain's
     *                   own read with a plain source)
     */
    public record TopicLayout(int partitions, @Nullable KeyEncoding encoding) {
        String describe() {
            return (partitions == Partitioning.UNKNOWN ? "a partition count that Kafka Streams chooses"
                    : partitions + (partitions == 1 ? " partition" : " partitions"))
                    + (encoding == null ? "" : ", keys " + encoding.description());
        }
    }

    /** The message for inputs that are not co-partitioned: the counts, the key encodings, and the ways out. */
    public static String notCoPartitioned(String what, Map<String, TopicLayout> layouts) {
        return what + " reads topics that are not co-partitioned: " + layouts.entrySet().stream()
                .map(e -> e.getKey() + " has " + e.getValue().describe())
                .collect(Collectors.joining("; ")) + ". A join needs both sides in the same number of partitions,"
                + " with their keys written the same way: Kafka places a record by the murmur2 hash of its key's bytes,"
                + " so a key written as text and the same key written in Avro land in different partitions."
                + " Ways out: (1) let the governed join repartition: PortJoined.as(...) with CoPartitioning.REPARTITION"
                + " (the default), which rewrites one side's keys the way the other side's port writes them, into the"
                + " other side's partition count, (2) re-key the stream in the join with PortJoined.withRekey(...), which"
                + " repartitions it like the table it joins (join the streams and tables the builder returned, so"
                + " that it knows how they are partitioned), or (3) ask the producing domains to give the ports the same"
                + " partition count and key format.";
    }

    /**
     * Every sub-topology that joins must read topics of one partition count and one key encoding. Counts and
     * encodings come from {@code known} (ports, and the repartition topics the governed builder writes); the count of
     * a topic of the domain's own is looked up; other internal topics are sized by Kafka Streams itself and skipped.
     *
     * @param known  the ports and internal topics whose layout the builder knows, by topic as the description names it
     * @param lookup the partition count of any other topic
     */
    public static void requireCoPartitioned(TopologyDescription description, Map<String, TopicLayout> known,
                                            ToIntFunction<String> lookup) {
        Set<String> written = writtenTopics(description);
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            boolean joins = subtopology.nodes().stream().anyMatch(node -> node.name().toUpperCase(Locale.ROOT).contains("JOIN")
                    || (node instanceof TopologyDescription.Processor processor && !processor.stores().isEmpty()
                    && hasTwoSources(subtopology)));
            if (!joins) {
                continue;
            }
            Map<String, TopicLayout> layouts = new LinkedHashMap<>();
            for (String topic : sourceTopics(subtopology)) {
                if (known.containsKey(topic)) {
                    layouts.put(topic, known.get(topic));
                } else if (!written.contains(topic)) { // other topics the topology writes are sized by Kafka Streams
                    layouts.put(topic, new TopicLayout(lookup.applyAsInt(topic), null));
                }
            }
            Set<Integer> counts = layouts.values().stream().map(TopicLayout::partitions)
                    .filter(count -> count != Partitioning.UNKNOWN).collect(Collectors.toSet());
            Set<KeyEncoding> encodings = layouts.values().stream().map(TopicLayout::encoding)
                    .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
            if (counts.size() > 1 || encodings.size() > 1) {
                throw new CoPartitioningException(notCoPartitioned("Sub-topology " + subtopology.id(), layouts));
            }
        }
    }

    private static Set<String> writtenTopics(TopologyDescription description) {
        Set<String> written = new HashSet<>();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    written.add(sink.topic());
                }
            }
        }
        return written;
    }

    private static boolean hasTwoSources(TopologyDescription.Subtopology subtopology) {
        return sourceTopics(subtopology).size() > 1;
    }

    private static Set<String> sourceTopics(TopologyDescription.Subtopology subtopology) {
        Set<String> topics = new LinkedHashSet<>();
        for (TopologyDescription.Node node : subtopology.nodes()) {
            if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                topics.addAll(source.topicSet());
            }
        }
        return topics;
    }

    /**
     * The ports each output port is derived from: the port topics upstream of the output's processor, through
     * repartition topics, table stores and masked global-table copies. A global table is readable from every
     * sub-topology, and the topology's description does not say which processors look it up (a stream-global-table
     * join names no store), so every output of a topology with global tables counts as derived from all of them:
     * lineage errs on the side of naming too many inputs, never too few.
     *
     * @param outputs      the output ports by the name of the processor that publishes on them
     * @param globalCopies the masked copies that feed global tables, by topic
     */
    public static Map<PortAddress, Set<PortAddress>> lineage(TopologyDescription description,
                                                            Map<String, PortAddress> outputs,
                                                            Map<String, GovernedStreamsBuilder.GlobalTableCopy> globalCopies) {
        Set<String> globalTopics = new LinkedHashSet<>();
        for (TopologyDescription.GlobalStore store : description.globalStores()) {
            globalTopics.addAll(store.source().topicSet());
        }
        // every topic a sub-topology writes, with the topics it reads (its sources and every global table)
        Map<String, Set<String>> writtenFrom = new HashMap<>();
        Map<Integer, Set<String>> readBy = new HashMap<>();
        Map<String, Integer> subtopologyOfProcessor = new HashMap<>();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            Set<String> reads = new LinkedHashSet<>(sourceTopics(subtopology));
            reads.addAll(globalTopics);
            for (TopologyDescription.Node node : subtopology.nodes()) {
                subtopologyOfProcessor.put(node.name(), subtopology.id());
            }
            readBy.put(subtopology.id(), reads);
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    writtenFrom.computeIfAbsent(sink.topic(), t -> new LinkedHashSet<>()).addAll(reads);
                }
            }
        }
        Map<PortAddress, Set<PortAddress>> lineage = new LinkedHashMap<>();
        outputs.forEach((processor, output) -> {
            Integer subtopology = subtopologyOfProcessor.get(processor);
            Set<PortAddress> inputs = new LinkedHashSet<>();
            if (subtopology != null) {
                for (String topic : readBy.get(subtopology)) {
                    resolve(topic, writtenFrom, globalCopies, inputs, new HashSet<>());
                }
            }
            lineage.computeIfAbsent(output, o -> new LinkedHashSet<>()).addAll(inputs);
        });
        return lineage;
    }

    private static void resolve(String topic, Map<String, Set<String>> writtenFrom,
                                Map<String, GovernedStreamsBuilder.GlobalTableCopy> globalCopies, Set<PortAddress> inputs,
                                Set<String> seen) {
        if (!seen.add(topic)) {
            return;
        }
        GovernedStreamsBuilder.GlobalTableCopy copy = globalCopies.get(topic);
        if (copy != null) {
            inputs.add(copy.port());
            return;
        }
        Set<String> upstream = writtenFrom.get(topic);
        if (upstream != null) {
            upstream.forEach(t -> resolve(t, writtenFrom, globalCopies, inputs, seen));
            return;
        }
        try {
            inputs.add(PortAddress.parse(topic));
        } catch (IllegalArgumentException notAPort) {
            // a plain topic the topology reads (not a port): no lineage edge to record
        }
    }
}

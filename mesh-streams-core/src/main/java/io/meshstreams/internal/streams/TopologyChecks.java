package io.meshstreams.internal.streams;

import io.meshstreams.product.PortAddress;
import io.meshstreams.streams.CoPartitioningException;
import io.meshstreams.streams.GovernedStreamsBuilder;

import org.apache.kafka.streams.TopologyDescription;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/** Checks a finished topology from its public description: co-partitioning of joins, and lineage of outputs. */
public final class TopologyChecks {
    private TopologyChecks() {
    }

    /** The message for inputs that are not co-partitioned: the counts, and the three ways out. */
    public static String notCoPartitioned(String what, Map<String, Integer> partitionsByTopic) {
        return what + " reads topics that are not co-partitioned: " + partitionsByTopic.entrySet().stream()
                .map(e -> e.getKey() + " has " + e.getValue() + (e.getValue() == 1 ? " partition" : " partitions"))
                .collect(Collectors.joining(", ")) + ". A join needs both sides in the same number of partitions."
                + " Ways out: (1) let the governed join repartition: PortJoined.as(...) with CoPartitioning.REPARTITION"
                + " (the default), (2) re-key the stream in the join with PortJoined.withRekey(...), which repartitions"
                + " it, or repartition it yourself with stream.repartition(Repartitioned.numberOfPartitions(n)), or"
                + " (3) ask the producing domains to give the ports the same partition count.";
    }

    /**
     * Every sub-topology that joins must read port topics of one partition count (internal topics are sized by Kafka
     * Streams itself).
     */
    public static void requireCoPartitioned(TopologyDescription description, Map<String, Integer> known,
                                            ToIntFunction<String> lookup) {
        Set<String> written = writtenTopics(description);
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            boolean joins = subtopology.nodes().stream().anyMatch(node -> node.name().toUpperCase(Locale.ROOT).contains("JOIN")
                    || (node instanceof TopologyDescription.Processor processor && !processor.stores().isEmpty()
                    && hasTwoSources(subtopology)));
            if (!joins) {
                continue;
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String topic : sourceTopics(subtopology)) {
                if (!written.contains(topic)) { // topics the topology writes itself are sized by Kafka Streams
                    counts.put(topic, known.containsKey(topic) ? known.get(topic) : lookup.applyAsInt(topic));
                }
            }
            if (new HashSet<>(counts.values()).size() > 1) {
                throw new CoPartitioningException(notCoPartitioned("Sub-topology " + subtopology.id(), counts));
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

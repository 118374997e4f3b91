package io.meshstreams.streams;

/** What a governed join does when its two inputs do not have the same number of partitions. */
public enum CoPartitioning {
    /** Repartition one side (through an internal topic named after the join) to the other side's partition count. */
    REPARTITION,
    /** Refuse to build the topology, with both partition counts and the ways out. */
    REFUSE
}

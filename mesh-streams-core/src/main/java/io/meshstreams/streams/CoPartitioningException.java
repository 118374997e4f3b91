package io.meshstreams.streams;

import io.meshstreams.MeshException;

/**
 * A join's inputs do not have the same number of partitions, and nothing repartitions them. The message gives each
 * topic's partition count and the ways out.
 */
public class CoPartitioningException extends MeshException {
    public CoPartitioningException(String message) {
        super(message);
    }
}

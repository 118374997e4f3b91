/**
 * A JUnit 5 test kit for users of mesh-streams: annotate a test class with {@link io.meshstreams.test.MeshTest}
 * and take a {@link io.meshstreams.test.TestMesh} as a parameter to get a real Kafka broker, a schema registry,
 * an admin client and unique topic names.
 *
 * <p>The mesh is in-process by default (one per JVM, shared by every test class that asks for one broker). A class
 * that asks for more brokers gets a cluster of its own to stop and start them; with
 * {@code @MeshTest(brokersInChildProcesses = true)} each broker runs in a child JVM, so that the class can kill one
 * ({@code kill -9}) and start it again. Set the
 * system property {@code mesh.test.mode=testcontainers} to run the same tests against an {@code apache/kafka}
 * container and a Confluent schema registry container; those tests are skipped where Docker is absent.
 */
@NullMarked
package io.meshstreams.test;

import org.jspecify.annotations.NullMarked;

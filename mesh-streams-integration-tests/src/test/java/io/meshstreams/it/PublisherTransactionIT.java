package io.meshstreams.it;

import io.meshstreams.MeshClient;
import io.meshstreams.MeshException;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.PortAddress;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PortRecord;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.publish.PublisherStats;
import io.meshstreams.test.MeshTest;
import io.meshstreams.test.TestMesh;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A transactional publisher: what its callers are told about records published in a transaction, and that nothing
 * the work throws leaves a transaction open.
 */
@MeshTest
class PublisherTransactionIT {
    static final String WAIT_AFTER_THE_TRANSACTION = "The outcome of a record published in a transaction is known"
            + " when the transaction ends; wait for it after transaction() returns";
    static MeshClient orders;

    @BeforeAll
    static void client(TestMesh mesh) {
        orders = MeshClient.create(PortPublisherIT.with(mesh, "orders"));
    }

    @AfterAll
    static void close() {
        orders.close();
    }

    /** A provisioned orders product with topics of its own, and a transactional publisher on its port. */
    record Port(PortAddress address, PortPublisher<String, GenericRecord> publisher) {
    }

    static Port transactionalPort(TestMesh mesh, String prefix) {
        DataProduct product = Orders.product(mesh.uniqueTopic(prefix), OnViolation.QUARANTINE);
        orders.provision(product);
        PortAddress address = product.address(product.outputPort("placed"));
        PortPublisher<String, GenericRecord> publisher = orders.publisher(address,
                GenericRecord.class, PublisherOptions.named(prefix).withTransactionalId(prefix + "-" + address.topic()));
        return new Port(address, publisher);
    }

    @Test
    void onCommitFuturesAndCallbacksAreCompletedWithTheirResultsAndNotBefore(TestMesh mesh) {
        Port port = transactionalPort(mesh, "tx-commit");
        AtomicReference<CompletableFuture<PublishResult>> published = new AtomicReference<>();
        AtomicReference<CompletableFuture<PublishResult>> quarantined = new AtomicReference<>();
        List<PublishResult> told = new CopyOnWriteArrayList<>();
        try (PortPublisher<String, GenericRecord> publisher = port.publisher()) {
            publisher.transaction(p -> {
                published.set(p.publishAsync(Orders.order(1)));
                p.publish(PortRecord.of(Orders.order(2)), (result, exception) -> told.add(result));
                quarantined.set(p.publishAsync(Orders.orderWithViolations(20)));

                PublishResult written = p.publish(Orders.order(3)); // waits for this record to be written

                assertThat(written.isPublished()).isTrue();
                assertThat(written.offset()).isNotNegative();
                assertThat(published.get()).isNotDone();
                assertThat(quarantined.get()).isNotDone();
                assertThat(told).isEmpty();
                assertThat(Topics.readAllRaw(mesh, port.address().topic(), 0)).isEmpty(); // not committed yet
            });

            assertThat(published.get()).isCompleted();
            assertThat(published.get().join().isPublished()).isTrue();
            assertThat(quarantined.get().join().isQuarantined()).isTrue();
            assertThat(quarantined.get().join().topic()).isEqualTo(port.address().quarantineTopic());
            assertThat(told).singleElement().satisfies(result -> assertThat(result.isPublished()).isTrue());
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(3, 1, 0, 0));
        }
        assertThat(keys(Topics.readAllRaw(mesh, port.address().topic(), 3))).containsExactlyInAnyOrder("o-1", "o-2", "o-3");
        assertThat(keys(Topics.readAllRaw(mesh, port.address().quarantineTopic(), 1))).containsExactly("o-20");
    }

    @Test
    void aRecordOfAnAbortedTransactionIsReportedNotWrittenOnceTheTransactionHasAborted(TestMesh mesh) {
        Port port = transactionalPort(mesh, "tx-abort");
        AtomicReference<CompletableFuture<PublishResult>> future = new AtomicReference<>();
        AtomicReference<Exception> toldCallback = new AtomicReference<>();
        AtomicReference<PublishResult> written = new AtomicReference<>();
        RuntimeException abort = new IllegalStateException("abort");
        try (PortPublisher<String, GenericRecord> publisher = port.publisher()) {
            Throwable thrown = catchThrowable(() -> publisher.transaction(p -> {
                future.set(p.publishAsync(Orders.order(1)));
                p.publish(PortRecord.of(Orders.order(2)), (result, exception) -> toldCallback.set(exception));
                written.set(p.publish(Orders.order(3))); // written within the transaction, which then aborts
                throw abort;
            }));

            assertThat(thrown).isSameAs(abort);
            assertThat(written.get().offset()).isNotNegative();
            assertThat(future.get()).isCompletedExceptionally();
            Throwable failure = catchThrowable(() -> future.get().join());
            assertThat(failure).isInstanceOf(CompletionException.class).cause().isInstanceOf(MeshException.class)
                    .hasMessage("The transaction of the publisher for " + port.address() + " was aborted (the work"
                            + " threw java.lang.IllegalStateException: abort); the record is not on the port")
                    .hasCause(abort);
            assertThat(toldCallback.get()).isSameAs(failure.getCause());
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(0, 0, 0, 3));
        }
        assertThat(Topics.readAllRaw(mesh, port.address().topic(), 0)).isEmpty();
    }

    @Test
    void waitingForAnAsyncResultInsideTheWorkThrowsInsteadOfWaitingForever(TestMesh mesh) {
        Port port = transactionalPort(mesh, "tx-join");
        AtomicReference<CompletableFuture<PublishResult>> future = new AtomicReference<>();
        List<Throwable> waits = new CopyOnWriteArrayList<>();
        try (PortPublisher<String, GenericRecord> publisher = port.publisher()) {
            publisher.transaction(p -> {
                CompletableFuture<PublishResult> result = p.publishAsync(Orders.order(1));
                future.set(result);
                waits.add(catchThrowable(result::join));
                waits.add(catchThrowable(result::get));
                waits.add(catchThrowable(() -> result.get(10, TimeUnit.SECONDS)));
                waits.add(catchThrowable(() -> result.thenApply(PublishResult::offset).join()));
            });

            assertThat(waits).hasSize(4).allSatisfy(thrown -> assertThat(thrown)
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(WAIT_AFTER_THE_TRANSACTION));
            assertThat(future.get().join().isPublished()).isTrue(); // after transaction() returned
        }
        assertThat(keys(Topics.readAllRaw(mesh, port.address().topic(), 1))).containsExactly("o-1");
    }

    @Test
    void anErrorInTheWorkAbortsTheTransactionAndTheNextOneWorks(TestMesh mesh) {
        Port port = transactionalPort(mesh, "tx-error");
        AtomicReference<CompletableFuture<PublishResult>> aborted = new AtomicReference<>();
        AssertionError error = new AssertionError("an Error, not a RuntimeException");
        try (PortPublisher<String, GenericRecord> publisher = port.publisher()) {
            Throwable thrown = catchThrowable(() -> publisher.transaction(p -> {
                aborted.set(p.publishAsync(Orders.order(1)));
                throw error;
            }));

            assertThat(thrown).isSameAs(error);
            assertThat(catchThrowable(() -> aborted.get().join())).cause().isInstanceOf(MeshException.class)
                    .hasCause(error);
            assertThat(catchThrowable(() -> publisher.publish(Orders.order(2)))) // outside transaction(): refused
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is transactional: publish inside publisher.transaction(p -> ...)");
            publisher.transaction(p -> p.publish(Orders.order(3)));
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(1, 0, 0, 1));
        }
        assertThat(keys(Topics.readAllRaw(mesh, port.address().topic(), 1))).containsExactly("o-3");
    }

    @Test
    void aCheckedExceptionThrownSneakilyByTheWorkAbortsTheTransactionAndIsRethrownAsItIs(TestMesh mesh) {
        Port port = transactionalPort(mesh, "tx-sneaky");
        IOException checked = new IOException("a checked exception, thrown past the compiler");
        try (PortPublisher<String, GenericRecord> publisher = port.publisher()) {
            Throwable thrown = catchThrowable(() -> publisher.transaction(p -> {
                p.publish(Orders.order(1));
                throwUnchecked(checked);
            }));

            assertThat(thrown).isSameAs(checked);
            publisher.transaction(p -> p.publish(Orders.order(2)));
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(1, 0, 0, 1));
        }
        assertThat(keys(Topics.readAllRaw(mesh, port.address().topic(), 1))).containsExactly("o-2");
    }

    @Test
    void onlyTheThreadThatRunsTheTransactionMayPublishInIt(TestMesh mesh) {
        Port port = transactionalPort(mesh, "tx-thread");
        AtomicReference<Throwable> fromAnotherThread = new AtomicReference<>();
        try (PortPublisher<String, GenericRecord> publisher = port.publisher()) {
            publisher.transaction(p -> {
                p.publish(Orders.order(1));
                fromAnotherThread.set(CompletableFuture.supplyAsync(() -> catchThrowable(
                        () -> publisher.publishAsync(Orders.order(2)))).join());
            });

            assertThat(fromAnotherThread.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("The publisher for " + port.address() + " is transactional: publish inside"
                            + " publisher.transaction(p -> ...), on the thread that runs it (a transaction takes only"
                            + " the records its own thread publishes), or create the publisher without a transactional"
                            + " id");
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(1, 0, 0, 0));
        }
        assertThat(keys(Topics.readAllRaw(mesh, port.address().topic(), 1))).containsExactly("o-1");
    }

    @Test
    void transactionsDoNotNest(TestMesh mesh) {
        Port port = transactionalPort(mesh, "tx-nested");
        AtomicReference<Throwable> nested = new AtomicReference<>();
        try (PortPublisher<String, GenericRecord> publisher = port.publisher()) {
            publisher.transaction(p -> {
                p.publish(Orders.order(1));
                nested.set(catchThrowable(() -> p.transaction(q -> q.publish(Orders.order(2)))));
            });

            assertThat(nested.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("transactions do not nest");
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(1, 0, 0, 0));
        }
        assertThat(keys(Topics.readAllRaw(mesh, port.address().topic(), 1))).containsExactly("o-1");
    }

    static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    /** Throws a checked exception without declaring it, as Lombok's {@code @SneakyThrows} or Kotlin code do. */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
        throw (T) t;
    }
}

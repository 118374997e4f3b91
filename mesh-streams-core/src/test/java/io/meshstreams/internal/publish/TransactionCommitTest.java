package io.meshstreams.internal.publish;

import io.meshstreams.MeshException;
import io.meshstreams.contract.Orders;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PublishResult;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.publish.PublisherStats;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * How a transactional publisher ends a transaction when Kafka's commit times out or is fenced, or its abort fails,
 * against Kafka's {@link MockProducer} (a real broker cannot be made to fail these on cue).
 */
class TransactionCommitTest {

    /** A producer whose next {@code commitTransaction} calls time out, as a real one does after max.block.ms. */
    static final class SlowCommitProducer extends MockProducer<byte[], byte[]> {
        int timeoutsToCome;
        int commitAttempts;

        SlowCommitProducer(int timeouts) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.timeoutsToCome = timeouts;
            initTransactions();
        }

        @Override
        public void commitTransaction() {
            commitAttempts++;
            if (timeoutsToCome > 0) {
                timeoutsToCome--;
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            }
            super.commitTransaction();
        }
    }

    static PortPublisher<String, GenericRecord> publisher(MockProducer<byte[], byte[]> producer) {
        OutputPort port = OutputPort.builder("placed", 1).valueSchema(Orders.SCHEMA).keyField("id").partitions(1)
                .onViolation(OnViolation.QUARANTINE).build();
        DataProduct product = DataProduct.builder("orders", "order-events").owner("team-orders@example.com")
                .description("Orders.").outputPort(port).build();
        return new KafkaPortPublisher<>(new KafkaPortPublisher.Setup(product.address(port), port, "orders", 1, 1,
                producer, true, null, new SimpleMeterRegistry(),
                PublisherOptions.named("tx-test")));
    }

    @Test
    void aCommitThatTimesOutIsTriedAgainAndThenCompletesTheResults() {
        SlowCommitProducer producer = new SlowCommitProducer(KafkaPortPublisher.COMMIT_RETRIES);
        try (PortPublisher<String, GenericRecord> publisher = publisher(producer)) {
            AtomicReference<CompletableFuture<PublishResult>> result = new AtomicReference<>();

            publisher.transaction(p -> result.set(p.publishAsync(Orders.order())));

            assertThat(producer.commitAttempts).isEqualTo(KafkaPortPublisher.COMMIT_RETRIES + 1);
            assertThat(producer.transactionCommitted()).isTrue();
            assertThat(result.get()).isCompleted();
            assertThat(result.get().join().isPublished()).isTrue();
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(1, 0, 0, 0));
        }
    }

    @Test
    void aCommitThatKeepsTimingOutHasAnUnknownOutcomeAndClosesThePublisher() {
        SlowCommitProducer producer = new SlowCommitProducer(Integer.MAX_VALUE);
        PortPublisher<String, GenericRecord> publisher = publisher(producer);
        AtomicReference<CompletableFuture<PublishResult>> result = new AtomicReference<>();

        MeshException unknown = catchThrowableOfType(MeshException.class,
                () -> publisher.transaction(p -> result.set(p.publishAsync(Orders.order()))));

        assertThat(unknown).hasMessageContaining("timed out " + (KafkaPortPublisher.COMMIT_RETRIES + 1) + " times")
                .hasMessageContaining("its outcome is unknown")
                .hasMessageContaining("abort it when a new producer with the same transactional id initialises")
                .hasMessageContaining("create a new one")
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(producer.commitAttempts).isEqualTo(KafkaPortPublisher.COMMIT_RETRIES + 1);
        assertThat(producer.closed()).isTrue();
        assertThat(catchThrowable(() -> result.get().join())).isInstanceOf(CompletionException.class)
                .cause().isSameAs(unknown);
        assertThat(publisher.stats()).isEqualTo(new PublisherStats(0, 0, 0, 1));
        assertThat(catchThrowable(() -> publisher.transaction(p -> p.publish(Orders.order()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed; create a new one");
    }

    @Test
    void aFencedCommitClosesThePublisherAndFailsTheHeldBackResults() {
        SlowCommitProducer producer = new SlowCommitProducer(0);
        producer.commitTransactionException = new ProducerFencedException("There is a newer producer with the same"
                + " transactionalId");
        PortPublisher<String, GenericRecord> publisher = publisher(producer);
        AtomicReference<CompletableFuture<PublishResult>> result = new AtomicReference<>();

        MeshException fenced = catchThrowableOfType(MeshException.class,
                () -> publisher.transaction(p -> result.set(p.publishAsync(Orders.order()))));

        assertThat(fenced).hasMessageContaining("can no longer publish (ProducerFencedException")
                .hasMessageContaining("Create a new publisher");
        assertThat(producer.closed()).isTrue();
        assertThat(catchThrowable(() -> result.get().join())).cause().isSameAs(fenced);
        assertThat(publisher.stats()).isEqualTo(new PublisherStats(0, 0, 0, 1));
    }

    @Test
    void whenTheAbortFailsTooTheWorksExceptionIsStillTheOneThrownAndTheResultsAreFailed() {
        SlowCommitProducer producer = new SlowCommitProducer(0);
        IllegalStateException abortFailure = new IllegalStateException("Cannot perform operation after producer has"
                + " been closed");
        producer.abortTransactionException = abortFailure;
        RuntimeException workFailure = new IllegalArgumentException("the work's own failure");
        try (PortPublisher<String, GenericRecord> publisher = publisher(producer)) {
            AtomicReference<CompletableFuture<PublishResult>> result = new AtomicReference<>();

            Throwable thrown = catchThrowable(() -> publisher.transaction(p -> {
                result.set(p.publishAsync(Orders.order()));
                throw workFailure;
            }));

            assertThat(thrown).isSameAs(workFailure);
            assertThat(thrown.getSuppressed()).containsExactly(abortFailure);
            assertThat(catchThrowable(() -> result.get().join())).cause().isInstanceOf(MeshException.class)
                    .hasMessageContaining("was aborted (the work threw").hasCause(workFailure);
            assertThat(publisher.stats()).isEqualTo(new PublisherStats(0, 0, 0, 1));
        }
    }
}

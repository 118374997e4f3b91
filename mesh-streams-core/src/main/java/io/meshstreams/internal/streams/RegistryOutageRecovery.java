package io.meshstreams.internal.streams;

import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.RegistryUnavailableException;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.registry.SchemaRegistryException;
import io.meshstreams.serde.SchemaUnavailableException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The uncaught exception handler of a governed topology. A stream thread that failed because the schema registry
 * could not be asked for a record's schema (its deserialization handler answered FAIL, see {@link GovernedDeadLetters})
 * is replaced once the registry answers again:
 * <ol>
 *   <li>The failed thread's transaction is aborted and its offsets were not committed, so the new thread starts at
 *       the record the failed one could not decode: nothing is skipped, nothing is written twice.</li>
 *   <li>The wait runs on the failed thread (its tasks wait anyway) and asks the registry for the schema id that failed,
 *       backing off; once it answers (the schema, or a 404: the bytes are then bad and go to the dead letters), the
 *       thread is replaced. If it has not answered within the timeout, the client shuts down, saying why.</li>
 *   <li>A global thread cannot be replaced (Kafka Streams' rule): an outage there shuts the client down at once
 *       (state ERROR), with nothing skipped; start the application again once the registry answers.</li>
 *   <li>Any other failure shuts the client down, Kafka Streams' default.</li>
 *   <li>Meters, tagged {@code application}: {@code mesh.streams.registry.unavailable} counts the threads that failed
 *       for an outage, {@code mesh.streams.registry.waiting.threads} shows how many wait now.</li>
 * </ol>
 */
public final class RegistryOutageRecovery implements StreamsUncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(RegistryOutageRecovery.class);
    private static final long FIRST_WAIT_MS = 200;
    private static final long LONGEST_WAIT_MS = 5_000;

    private final SchemaRegistryClient registry;
    private final String applicationId;
    private final Duration timeout;
    private final Counter outages;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile Supplier<KafkaStreams.State> state = () -> KafkaStreams.State.RUNNING;

    public RegistryOutageRecovery(SchemaRegistryClient registry, String applicationId, Duration timeout,
                                  MeterRegistry meters) {
        this.registry = registry;
        this.applicationId = applicationId;
        this.timeout = timeout;
        this.outages = Counter.builder("mesh.streams.registry.unavailable")
                .description("Stream threads of a governed topology that stopped because the schema registry could not "
                        + "be asked for a record's schema; each is replaced once it answers, nothing is skipped")
                .tag("application", applicationId)
                .register(meters);
        Gauge.builder("mesh.streams.registry.waiting.threads", waiting, AtomicInteger::get)
                .description("Stream threads of a governed topology waiting for the schema registry to answer")
                .tag("application", applicationId)
                .register(meters);
    }

    /** Where to see whether the client is closing: a wait then ends at once. */
    public void watch(Supplier<KafkaStreams.State> state) {
        this.state = state;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (!GovernedDeadLetters.registryOutage(exception)) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        // A read (a schema id to fetch) or a write (a serializer that could not register): ask again for the same
        Optional<SchemaUnavailableException> read = SchemaUnavailableException.in(exception);
        String what = read.map(r -> "schema id " + r.schemaId() + " (a record of " + r.topic() + ")")
                .orElse("a schema to write with");
        Object urls = read.map(r -> (Object) r.registryUrls()).orElse(registry);
        String cause = read.map(r -> r.getCause().getMessage()).orElse(String.valueOf(rootMessage(exception)));
        String thread = Thread.currentThread().getName();
        outages.increment();
        if (thread.endsWith("-GlobalStreamThread")) {
            log.error("Governed topology {}: the global thread stopped because the schema registry {} could not be asked "
                            + "for {}. Kafka Streams cannot replace a global thread, so the client shuts down; nothing "
                            + "was skipped. Fix: start the application again once the registry answers. Cause: {}",
                    applicationId, urls, what, cause);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        waiting.incrementAndGet();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            log.warn("Governed topology {}: stream thread {} stopped because the schema registry {} could not be asked "
                            + "for {}; waiting up to {} s for it to answer, then a new thread goes on from the record it "
                            + "stopped at (nothing is skipped or dead-lettered). Cause: {}",
                    applicationId, thread, urls, what, timeout.toSeconds(), cause);
            long waitMs = FIRST_WAIT_MS;
            String last = cause;
            while (true) {
                if (closing()) {
                    log.info("Governed topology {}: closing while thread {} waited for the schema registry",
                            applicationId, thread);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                Optional<String> failure = probe(read.map(SchemaUnavailableException::schemaId).orElse(null));
                if (failure.isEmpty()) {
                    log.info("Governed topology {}: the schema registry answered for {} after {} ms; replacing stream "
                            + "thread {}", applicationId, what, (System.nanoTime() - start) / 1_000_000, thread);
                    return StreamThreadExceptionResponse.REPLACE_THREAD;
                }
                last = failure.get();
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    log.error("Governed topology {}: the schema registry {} did not answer for {} within {} s, so the "
                                    + "client shuts down; nothing was skipped, and the records from the one that failed "
                                    + "on are read again when the application starts again. Last failure: {}. Fix: "
                                    + "bring the registry back (check {}), then start the application again; allow a "
                                    + "longer wait with {}.", applicationId, urls, what, timeout.toSeconds(), last,
                            "schema.registry.url", "mesh.streams.registry.outage.timeout.ms");
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                if (!pause(Math.min(waitMs, leftMs))) {
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
                waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS);
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    /**
     * Empty if the registry answers: for the id, its schema or a 404 (the bytes are then bad, and go to the dead
     * letters); without one, any answer to {@code GET /config}. Else what went wrong.
     */
    private Optional<String> probe(@Nullable Integer id) {
        try {
            if (id != null) {
                registry.schemaById(id);
            } else {
                registry.compatibility();
            }
            return Optional.empty();
        } catch (RegistryNotFoundException answered) {
            return Optional.empty();
        } catch (RegistryUnavailableException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        } catch (SchemaRegistryException e) {
            // it answered, but refuses: only a read by id that is refused (401, 403) is still a failure
            return id == null ? Optional.empty() : Optional.of(String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            return Optional.of(e.toString());
        }
    }

    private static @Nullable String rootMessage(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; depth < 32; depth++) {
            if (t instanceof RegistryUnavailableException || t.getCause() == null) {
                return t.getMessage();
            }
            t = t.getCause();
        }
        return t.getMessage();
    }

    private boolean closing() {
        KafkaStreams.State now = state.get();
        return now == KafkaStreams.State.PENDING_SHUTDOWN || now == KafkaStreams.State.NOT_RUNNING
                || now == KafkaStreams.State.PENDING_ERROR || now == KafkaStreams.State.ERROR;
    }

    /** Waits in steps of at most 200 ms, so that a close is seen soon; false if interrupted. */
    private boolean pause(long ms) {
        long until = System.nanoTime() + ms * 1_000_000;
        try {
            while (!closing()) {
                long left = (until - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return true;
                }
                Thread.sleep(Math.min(left, 200));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

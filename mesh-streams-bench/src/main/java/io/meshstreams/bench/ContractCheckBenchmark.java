package io.meshstreams.bench;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Violation;
import io.meshstreams.internal.publish.ContractEnforcer;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;

import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The publisher's per-record work, on one thread: the whole contract check with serialization (key, schema, five
 * CEL rules, wire format) against serialization alone and the rules alone, on a 10-field record.
 * Target: at least 500k checked records/s on one core.
 *
 * <pre>java -jar mesh-streams-bench/target/mesh-streams-bench-*-jmh.jar ContractCheckBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ContractCheckBenchmark {
    private static final int RECORDS = 1024;

    private ContractEnforcer enforcer;
    private ContractRules rules;
    private GenericDatumWriter<GenericRecord> writer;
    private ByteArrayOutputStream bytes;
    private BinaryEncoder encoder;
    private GenericRecord[] orders;
    private int next;

    @Setup
    public void setUp() {
        OutputPort port = BenchOrders.port(6, OnViolation.QUARANTINE);
        enforcer = new ContractEnforcer(PortAddress.of("bench", "orders", "placed", 1), port, 1, null);
        rules = ContractRules.compile(port.valueSchema(), port.rules());
        writer = new GenericDatumWriter<>(port.valueSchema());
        bytes = new ByteArrayOutputStream(256);
        encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        orders = BenchOrders.orders(RECORDS, 42);
        for (GenericRecord order : orders) {
            if (!enforcer.check(null, order).keepsContract()) {
                throw new IllegalStateException("benchmark data must keep the contract: " + order);
            }
        }
    }

    private GenericRecord nextOrder() {
        return orders[next++ & (RECORDS - 1)];
    }

    /** Everything the publisher does to a record before handing bytes to the producer. */
    @Benchmark
    public ContractEnforcer.Checked contractCheckAndSerialization() {
        return enforcer.check(null, nextOrder());
    }

    /** The five rules alone. */
    @Benchmark
    public List<Violation> rulesOnly() {
        return rules.check(nextOrder());
    }

    /** Avro binary encoding alone: what any Avro producer pays. */
    @Benchmark
    public byte[] serializationOnly() throws IOException {
        bytes.reset();
        writer.write(nextOrder(), encoder);
        encoder.flush();
        return bytes.toByteArray();
    }
}

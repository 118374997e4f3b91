package io.meshstreams.governance;

import static io.meshstreams.governance.MaskingFixtures.KEY;
import static io.meshstreams.governance.MaskingFixtures.RULES;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshstreams.internal.masking.KeyedHash;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Records per second through {@link FieldMasker#mask}, and the cost of the ways to share an HMAC between threads.
 * A measurement, not a check: run it on purpose, on a quiet machine, with
 * {@code mvn -pl mesh-streams-core test -Dtest=FieldMaskerThroughputTest -Dmesh.bench=true}.
 */
@EnabledIfSystemProperty(named = "mesh.bench", matches = "true")
class FieldMaskerThroughputTest {
    private static final Schema TEN_FIELDS = new Schema.Parser().parse("""
            {"type": "record", "name": "Order", "namespace": "com.acme.orders", "fields": [
              {"name": "orderId", "type": "string"},
              {"name": "customerEmail", "type": "string", "classification": "PII"},
              {"name": "customerPhone", "type": "string", "classification": "RESTRICTED"},
              {"name": "amountCents", "type": "long"},
              {"name": "currency", "type": "string"},
              {"name": "items", "type": "int"},
              {"name": "express", "type": "boolean"},
              {"name": "weightKg", "type": "double"},
              {"name": "warehouse", "type": "string"},
              {"name": "placedAt", "type": "long"}]}
            """);
    private static final long MEASURE_NANOS = 2_000_000_000L;

    private static GenericData.Record order(int i) {
        GenericData.Record order = new GenericData.Record(TEN_FIELDS);
        order.put("orderId", new Utf8("o-" + i));
        order.put("customerEmail", new Utf8("customer" + i + "@example.com"));
        order.put("customerPhone", new Utf8("+44 7700 9" + (100_000 + i % 100_000)));
        order.put("amountCents", 1_000L + i);
        order.put("currency", new Utf8("EUR"));
        order.put("items", i % 7);
        order.put("express", i % 2 == 0);
        order.put("weightKg", 0.5 * (i % 10));
        order.put("warehouse", new Utf8("AMS-1"));
        order.put("placedAt", 1_700_000_000_000L + i);
        return order;
    }

    @Test
    void maskTenFieldRecordsWithOneHashedAndOneDroppedField() {
        // given
        FieldMasker masker = FieldMasker.create(TEN_FIELDS, Map.of(), "INTERNAL", RULES);
        GenericData.Record[] orders = new GenericData.Record[1024];
        for (int i = 0; i < orders.length; i++) {
            orders[i] = order(i);
        }
        assertThat(masker.maskedFields()).extracting(MaskedField::label)
                .containsExactly("customerEmail:HASH", "customerPhone:DROP");

        // when
        double masked = perSecond(() -> {
            long sink = 0;
            for (GenericData.Record order : orders) {
                sink += masker.mask(order).get(1).hashCode();
            }
            return sink;
        }, orders.length);

        // then
        System.out.printf("mask, 10 fields, 1 HASH + 1 DROP: %,.0f records/s on one thread%n", masked);
        assertThat(masked).isPositive();
    }

    @Test
    void threadLocalMacAgainstACloneOrANewMacPerHash() throws Exception {
        // given
        byte[] value = "customer12345@example.com".getBytes(StandardCharsets.UTF_8);
        KeyedHash threadLocal = new KeyedHash(KEY);
        Mac prototype = Mac.getInstance("HmacSHA256");
        prototype.init(new SecretKeySpec(KEY, "HmacSHA256"));
        int batch = 10_000;

        // when
        double local = perSecond(() -> {
            long sink = 0;
            for (int i = 0; i < batch; i++) {
                sink += threadLocal.hex(value).length();
            }
            return sink;
        }, batch);
        double cloned = perSecond(() -> {
            long sink = 0;
            for (int i = 0; i < batch; i++) {
                try {
                    Mac mac = (Mac) prototype.clone();
                    sink += KeyedHash.toHex(mac.doFinal(value)).length();
                } catch (CloneNotSupportedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return sink;
        }, batch);
        double fresh = perSecond(() -> {
            long sink = 0;
            for (int i = 0; i < batch; i++) {
                sink += KeyedHash.toHex(threadLocal.mac().doFinal(value)).length();
            }
            return sink;
        }, batch);

        // then
        System.out.printf("HMAC-SHA256 of 25 bytes as hex: ThreadLocal Mac %,.0f/s, clone per hash %,.0f/s, "
                + "new Mac per hash %,.0f/s%n", local, cloned, fresh);
        assertThat(local).isPositive();
    }

    /** Runs the batch for a warm-up and then for {@link #MEASURE_NANOS}; returns items per second. */
    private static double perSecond(Supplier<Long> batch, int itemsPerBatch) {
        long sink = 0;
        long warmUpEnd = System.nanoTime() + MEASURE_NANOS / 2;
        while (System.nanoTime() < warmUpEnd) {
            sink += batch.get();
        }
        long start = System.nanoTime();
        long batches = 0;
        long elapsed;
        do {
            sink += batch.get();
            batches++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < MEASURE_NANOS);
        if (sink == 42) {
            System.out.print(""); // keeps the results alive
        }
        return batches * (double) itemsPerBatch * 1e9 / elapsed;
    }
}

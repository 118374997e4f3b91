package io.meshstreams.bench;

import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.util.SplittableRandom;

/** The benchmarks' data: a 10-field order and a port with 5 CEL rules, the shape the targets are stated for. */
public final class BenchOrders {
    public static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "BenchOrder", "namespace": "io.meshstreams.bench",
             "fields": [
               {"name": "orderId", "type": "string"},
               {"name": "customerId", "type": "string"},
               {"name": "customerEmail", "type": "string", "classification": "PII"},
               {"name": "amount", "type": "double"},
               {"name": "currency", "type": "string"},
               {"name": "quantity", "type": "int"},
               {"name": "sku", "type": "string"},
               {"name": "channel", "type": "string"},
               {"name": "placedAt", "type": "long"},
               {"name": "note", "type": ["null", "string"], "default": null}
             ]}
            """);

    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};
    private static final String[] CHANNELS = {"web", "app", "store"};

    private BenchOrders() {
    }

    /** The port: 5 rules (a comparison, a membership test, a size, a regex, a conditional on an optional field). */
    public static OutputPort port(int partitions, OnViolation onViolation) {
        return OutputPort.builder("placed", 1)
                .valueSchema(SCHEMA)
                .keyField("orderId")
                .partitions(partitions)
                .onViolation(onViolation)
                .rule("positive-amount", "message.amount > 0.0")
                .rule("known-currency", "message.currency in ['EUR', 'USD', 'GBP']")
                .rule("has-customer", "size(message.customerId) > 0")
                .rule("email-shape", "message.customerEmail.matches('^[^@]+@[^@]+$')")
                .rule("short-note", "!has(message.note) || size(message.note) < 200")
                .build();
    }

    public static DataProduct product(String name, int partitions) {
        return DataProduct.builder("bench", name)
                .owner("mesh-streams benchmarks")
                .outputPort(port(partitions, OnViolation.QUARANTINE))
                .build();
    }

    /** {@code count} valid orders, deterministic for a seed. */
    public static GenericRecord[] orders(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        GenericRecord[] orders = new GenericRecord[count];
        for (int i = 0; i < count; i++) {
            GenericRecord order = new GenericData.Record(SCHEMA);
            order.put("orderId", "o-" + seed + "-" + i);
            order.put("customerId", "c-" + random.nextInt(10_000));
            order.put("customerEmail", "customer" + random.nextInt(10_000) + "@example.com");
            order.put("amount", 1 + random.nextInt(100_000) / 100.0);
            order.put("currency", CURRENCIES[random.nextInt(CURRENCIES.length)]);
            order.put("quantity", 1 + random.nextInt(9));
            order.put("sku", "sku-" + random.nextInt(500));
            order.put("channel", CHANNELS[random.nextInt(CHANNELS.length)]);
            order.put("placedAt", 1_700_000_000_000L + i);
            order.put("note", random.nextInt(4) == 0 ? "leave at the door" : null);
            orders[i] = order;
        }
        return orders;
    }
}

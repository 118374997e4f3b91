package io.meshstreams.it;

import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.it.orders.OrderPlaced;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The orders domain of the integration tests: a 10-field order with 5 rules. */
final class Orders {
    /** The schema of the generated class {@link OrderPlaced}, from src/test/avro/order_placed.avsc. */
    static final Schema PLACED = OrderPlaced.getClassSchema();

    private Orders() {
    }

    /** The orders product with a unique name, so that every test class provisions its own topics. */
    static DataProduct product(String name, OnViolation onViolation) {
        return DataProduct.builder("orders", name)
                .owner("team-orders@example.com")
                .description("Orders as customers place them.")
                .outputPort(port(1, PLACED, onViolation))
                .build();
    }

    static OutputPort port(int major, Schema schema, OnViolation onViolation) {
        return OutputPort.builder("placed", major)
                .valueSchema(schema)
                .keyField("orderId")
                .partitions(3)
                .onViolation(onViolation)
                .rule("positive-amount", "message.amount > 0.0")
                .rule("known-currency", "message.currency in ['EUR', 'USD', 'GBP']")
                .rule("has-customer", "size(message.customerId) > 0")
                .rule("email-shape", "message.customerEmail.matches('^[^@]+@[^@]+$')")
                .rule("short-note", "!has(message.note) || size(message.note) < 200")
                .grant("analytics", "INTERNAL", "revenue reporting")
                .build();
    }

    static GenericRecord order(int i) {
        GenericRecord order = new GenericData.Record(PLACED);
        order.put("orderId", "o-" + i);
        order.put("customerId", "c-" + (i % 100));
        order.put("customerEmail", "customer" + (i % 100) + "@example.com");
        order.put("amount", 10.0 + i % 90);
        order.put("currency", "EUR");
        order.put("quantity", 1 + i % 5);
        order.put("sku", "sku-" + i % 17);
        order.put("channel", i % 2 == 0 ? "web" : "app");
        order.put("placedAt", 1_700_000_000_000L + i);
        order.put("note", i % 3 == 0 ? null : "leave at the door");
        return order;
    }

    /** Every 20th order breaks the amount rule; every 40th also has an unknown currency (two violations). */
    static GenericRecord orderWithViolations(int i) {
        GenericRecord order = order(i);
        if (i % 20 == 0) {
            order.put("amount", -1.0);
        }
        if (i % 40 == 0) {
            order.put("currency", "XXX");
        }
        return order;
    }
}

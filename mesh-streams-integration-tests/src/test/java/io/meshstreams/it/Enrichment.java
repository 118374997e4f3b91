package io.meshstreams.it;

import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The three domains of the governed-join tests: customers (a table with PII), orders (a stream), analytics. */
final class Enrichment {
    static final Schema CUSTOMER = new Schema.Parser().parse("""
            {"type": "record", "name": "CustomerProfile", "namespace": "io.meshstreams.it.customers",
             "fields": [
               {"name": "customerId", "type": "string"},
               {"name": "name", "type": "string", "classification": "PII"},
               {"name": "email", "type": "string", "classification": "PII"},
               {"name": "tier", "type": "string"},
               {"name": "country", "type": "string"}
             ]}
            """);

    static final Schema ENRICHED = new Schema.Parser().parse("""
            {"type": "record", "name": "EnrichedOrder", "namespace": "io.meshstreams.it.analytics",
             "fields": [
               {"name": "orderId", "type": "string"},
               {"name": "customerId", "type": "string"},
               {"name": "amount", "type": "double"},
               {"name": "currency", "type": "string"},
               {"name": "customerTier", "type": "string"},
               {"name": "customerCountry", "type": "string"},
               {"name": "customerNameHash", "type": "string"},
               {"name": "customerEmailHash", "type": "string"}
             ]}
            """);

    private Enrichment() {
    }

    static DataProduct customers(String name, int partitions) {
        return DataProduct.builder("customers", name)
                .owner("team-customers@example.com")
                .outputPort(OutputPort.builder("profiles", 1)
                        .valueSchema(CUSTOMER)
                        .keyField("customerId")
                        .partitions(partitions)
                        .topicConfig("cleanup.policy", "compact")
                        .grant("analytics", "INTERNAL", "enrich orders")
                        .build())
                .build();
    }

    /** Orders keyed by order id, or (byCustomer) by customer id. */
    static DataProduct orders(String name, int partitions, boolean byCustomer) {
        OutputPort port = Orders.port(1, Orders.PLACED, OnViolation.QUARANTINE).toBuilder()
                .partitions(partitions)
                .keyField(byCustomer ? "customerId" : "orderId")
                .build();
        return DataProduct.builder("orders", name).owner("team-orders@example.com").outputPort(port).build();
    }

    static DataProduct analytics(String name, PortAddress... inputs) {
        DataProduct.Builder builder = DataProduct.builder("analytics", name)
                .owner("team-analytics@example.com")
                .outputPort(OutputPort.builder("enriched-orders", 1)
                        .valueSchema(ENRICHED)
                        .keyField("orderId")
                        .partitions(3)
                        .onViolation(OnViolation.QUARANTINE)
                        .rule("positive-amount", "message.amount > 0.0")
                        .rule("known-country", "size(message.customerCountry) == 2")
                        .build());
        for (PortAddress input : inputs) {
            builder.inputPort(input.topic());
        }
        return builder.build();
    }

    /** Customer {@code i}; every 10th has no country, so its orders break the analytics contract. */
    static GenericRecord customer(int i) {
        GenericRecord customer = new GenericData.Record(CUSTOMER);
        customer.put("customerId", "c-" + i);
        customer.put("name", "Customer Name " + i);
        customer.put("email", "customer" + i + "@example.com");
        customer.put("tier", i % 3 == 0 ? "gold" : "standard");
        customer.put("country", i % 10 == 0 ? "" : "DE");
        return customer;
    }

    /** The joiner of the analytics domain: the masked customer fields are copied, already hashed. */
    static GenericRecord enrich(GenericRecord order, GenericRecord customer) {
        GenericRecord enriched = new GenericData.Record(ENRICHED);
        enriched.put("orderId", order.get("orderId").toString());
        enriched.put("customerId", order.get("customerId").toString());
        enriched.put("amount", order.get("amount"));
        enriched.put("currency", order.get("currency").toString());
        enriched.put("customerTier", customer.get("tier").toString());
        enriched.put("customerCountry", customer.get("country").toString());
        enriched.put("customerNameHash", customer.get("name").toString());
        enriched.put("customerEmailHash", customer.get("email").toString());
        return enriched;
    }
}

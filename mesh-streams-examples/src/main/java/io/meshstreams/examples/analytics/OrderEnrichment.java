package io.meshstreams.examples.analytics;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.ValueJoiner;
import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * The analytics domain's joiner: an order and its customer's profile as analytics may see it. The governed builder
 * masks the profile before it reaches this code: with the grant's {@code INTERNAL} clearance, {@code name} and
 * {@code email} (classified {@code PII}) arrive as keyed hashes, so there is no clear PII here to leak.
 */
public final class OrderEnrichment implements ValueJoiner<GenericRecord, GenericRecord, GenericRecord> {
    private final Schema enriched;

    /** @param enriched the schema of the output port */
    public OrderEnrichment(Schema enriched) {
        this.enriched = Objects.requireNonNull(enriched, "enriched");
    }

    /**
     * @param order    an order, as the orders domain published it
     * @param customer the customer's (masked) profile at the time of the order, or null if there was none yet
     */
    @Override
    public GenericRecord apply(GenericRecord order, @Nullable GenericRecord customer) {
        GenericRecord out = new GenericData.Record(enriched);
        out.put("orderId", order.get("orderId").toString());
        out.put("placedAt", order.get("placedAt"));
        out.put("customerId", order.get("customerId").toString());
        out.put("amount", order.get("amount"));
        out.put("currency", order.get("currency").toString());
        out.put("quantity", order.get("quantity"));
        out.put("sku", order.get("sku").toString());
        out.put("channel", order.get("channel").toString());
        if (customer != null) {
            out.put("customerCountry", text(customer, "country"));
            out.put("customerTier", text(customer, "tier"));
            out.put("customerNameHash", text(customer, "name"));   // already hashed by the mesh
            out.put("customerEmailHash", text(customer, "email")); // already hashed by the mesh
        }
        return out;
    }

    private static @Nullable String text(GenericRecord record, String field) {
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }
}

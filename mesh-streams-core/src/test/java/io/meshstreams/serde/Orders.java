package io.meshstreams.serde;

import com.acme.orders.OrderPlaced;
import com.acme.orders.OrderStatus;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Test data: two versions of the order schema, v2 being the generated class {@link OrderPlaced}. */
final class Orders {
    static final String TOPIC = "orders.order-events.placed.v1";
    static final String SUBJECT = TOPIC + "-value";

    /** Version 1: no {@code currency} field. */
    static final Schema V1 = new Schema.Parser().parse("""
            {"type": "record", "name": "OrderPlaced", "namespace": "com.acme.orders", "fields": [
              {"name": "orderId", "type": "string"},
              {"name": "amountCents", "type": "long"},
              {"name": "status", "type": {"type": "enum", "name": "OrderStatus", "symbols": ["PLACED", "PAID", "SHIPPED"]}},
              {"name": "lines", "type": {"type": "array", "items": "string"}, "default": []}
            ]}""");

    /** Version 2: {@code currency} added with default EUR. */
    static final Schema V2 = OrderPlaced.getClassSchema();

    private Orders() {
    }

    static GenericRecord v1(String orderId, long amountCents) {
        GenericRecord record = new GenericData.Record(V1);
        record.put("orderId", orderId);
        record.put("amountCents", amountCents);
        record.put("status", new GenericData.EnumSymbol(V1.getField("status").schema(), "PLACED"));
        record.put("lines", List.of("sku-1", "sku-2"));
        return record;
    }

    static GenericRecord v2(String orderId, long amountCents, String currency) {
        GenericRecord record = new GenericData.Record(V2);
        record.put("orderId", orderId);
        record.put("amountCents", amountCents);
        record.put("status", new GenericData.EnumSymbol(V2.getField("status").schema(), "PAID"));
        record.put("lines", List.of("sku-1"));
        record.put("currency", currency);
        return record;
    }

    static OrderPlaced specific(String orderId, long amountCents) {
        return OrderPlaced.newBuilder().setOrderId(orderId).setAmountCents(amountCents).setStatus(OrderStatus.SHIPPED)
                .setLines(List.of("sku-9")).setCurrency("USD").build();
    }
}

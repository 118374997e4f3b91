package io.meshstreams.contract;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The order schema and records the contract tests and benchmarks use: ten fields, one nested record. */
public final class Orders {
    public static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Order", "namespace": "com.acme.orders", "fields": [
              {"name": "id", "type": "string"},
              {"name": "customerId", "type": "string"},
              {"name": "email", "type": "string"},
              {"name": "amount", "type": "long"},
              {"name": "price", "type": "double"},
              {"name": "quantity", "type": "int"},
              {"name": "currency", "type": "string"},
              {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
              {"name": "note", "type": ["null", "string"], "default": null},
              {"name": "createdAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}
            ]}""");

    /** The same fields and an optional nested address, a list of tags and a map of attributes. */
    public static final Schema NESTED_SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Shipment", "namespace": "com.acme.orders", "fields": [
              {"name": "id", "type": "string"},
              {"name": "weight", "type": ["null", "double"], "default": null},
              {"name": "count", "type": ["null", "long"], "default": null},
              {"name": "express", "type": ["null", "boolean"], "default": null},
              {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
                {"name": "street", "type": "string"},
                {"name": "city", "type": "string"},
                {"name": "zip", "type": ["null", "string"], "default": null}
              ]}},
              {"name": "billing", "type": ["null", "Address"], "default": null},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "attributes", "type": {"type": "map", "values": "string"}},
              {"name": "payload", "type": ["null", "bytes"], "default": null},
              {"name": "total", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}], "default": null},
              {"name": "shippedOn", "type": ["null", {"type": "int", "logicalType": "date"}], "default": null},
              {"name": "ref", "type": ["null", {"type": "string", "logicalType": "uuid"}], "default": null},
              {"name": "anything", "type": ["null", "string", "long"], "default": null}
            ]}""");

    /** The five rules of the speed target: comparison, membership, size, regex, conditional. */
    public static final List<Rule> FIVE_RULES = List.of(
            Rule.of("amount-positive", "message.amount > 0"),
            Rule.of("known-currency", "message.currency in ['EUR', 'USD', 'GBP']"),
            Rule.of("customer-present", "size(message.customerId) > 0"),
            Rule.of("email-shape", "message.email.matches('^[^@]+@[^@]+$')"),
            Rule.of("note-short", "has(message.note) ? size(message.note) < 500 : true"));

    private Orders() {
    }

    /** A valid order, with java.lang.String values as a producer builds it. */
    public static GenericRecord order() {
        GenericRecord order = new GenericData.Record(SCHEMA);
        order.put("id", "o-1001");
        order.put("customerId", "c-42");
        order.put("email", "ada@example.com");
        order.put("amount", 1999L);
        order.put("price", 19.99);
        order.put("quantity", 3);
        order.put("currency", "EUR");
        order.put("status", new GenericData.EnumSymbol(SCHEMA.getField("status").schema(), "NEW"));
        order.put("note", null);
        order.put("createdAt", 1_700_000_000_000L);
        return order;
    }
}

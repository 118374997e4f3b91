package io.meshstreams.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContractRulesTest {

    // ------------------------------------------------------------------ valid records

    @Test
    void validOrderHasNoViolationAndGetsTheSharedEmptyList() {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, Orders.FIVE_RULES);

        // when
        List<Violation> violations = rules.check(Orders.order());

        // then
        assertThat(violations).isEmpty();
        assertThat(violations).isSameAs(List.of());
    }

    @Test
    void decodedOrderWithUtf8StringsIsCheckedLikeTheOrderItWasWrittenFrom() throws IOException {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, Orders.FIVE_RULES);
        GenericRecord order = Orders.order();
        order.put("amount", -1L);
        order.put("email", "not-an-address");
        order.put("note", "é".repeat(501));

        // when
        List<Violation> built = rules.check(order);
        List<Violation> decoded = rules.check(roundTrip(order));

        // then
        assertThat(decoded).isEqualTo(built);
        assertThat(decoded).extracting(Violation::rule).containsExactly("amount-positive", "email-shape", "note-short");
    }

    // ------------------------------------------------------------------ rule violations

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                arguments("message.amount > 0", set("amount", -5L), "amount",
                        "rule 'r' failed: expected message.amount > 0 to be true, found false with amount=-5"),
                arguments("message.currency in ['EUR', 'USD', 'GBP']", set("currency", "CHF"), "currency",
                        "rule 'r' failed: expected message.currency in ['EUR', 'USD', 'GBP'] to be true, found false"
                                + " with currency=\"CHF\""),
                arguments("size(message.customerId) > 0", set("customerId", ""), "customerId",
                        "rule 'r' failed: expected size(message.customerId) > 0 to be true, found false with customerId=\"\""),
                arguments("message.email.matches('^[^@]+@[^@]+$')", set("email", "a@b@c"), "email",
                        "rule 'r' failed: expected message.email.matches('^[^@]+@[^@]+$') to be true, found false"
                                + " with email=\"a@b@c\""),
                arguments("has(message.note) ? size(message.note) < 5 : true", set("note", "😀😀😀😀😀"), "note",
                        "rule 'r' failed: expected has(message.note) ? size(message.note) < 5 : true to be true, found"
                                + " false with note=\"😀😀😀😀😀\""),
                arguments("size(message.note) < 500", set("note", null), "note",
                        "rule 'r' failed closed: expected size(message.note) < 500 to be true, found an evaluation error"
                                + " (at position 4: No matching overload for function 'size'. Overload candidates:"
                                + " size_string) with note=null"),
                arguments("message.amount * 10 > 0", set("amount", Long.MAX_VALUE), "amount",
                        "rule 'r' failed closed: expected message.amount * 10 > 0 to be true, found an evaluation error"
                                + " (at position 15: long overflow) with amount=9223372036854775807"),
                arguments("message.quantity / (message.amount - 1999) > 0", set("quantity", 3), "quantity,amount",
                        "rule 'r' failed closed: expected message.quantity / (message.amount - 1999) > 0 to be true,"
                                + " found an evaluation error (at position 17: / by zero) with quantity=3, amount=1999"),
                arguments("message.price > 0.0", set("price", Double.NaN), "price",
                        "rule 'r' failed: expected message.price > 0.0 to be true, found false with price=NaN"),
                arguments("message.price >= 0", set("price", -0.0), "price", // dev.cel: -0.0 compares below int 0
                        "rule 'r' failed: expected message.price >= 0 to be true, found false with price=-0.0"),
                arguments("message.status == 'PAID'", unchanged(), "status",
                        "rule 'r' failed: expected message.status == 'PAID' to be true, found false with status=NEW"),
                arguments("message.createdAt > timestamp('2024-01-01T00:00:00Z')", unchanged(), "createdAt",
                        "rule 'r' failed: expected message.createdAt > timestamp('2024-01-01T00:00:00Z') to be true,"
                                + " found false with createdAt=1700000000000 (2023-11-14T22:13:20Z)"),
                arguments("message.amount > 10000 || message.price > 1000.0", unchanged(), "amount,price",
                        "rule 'r' failed: expected message.amount > 10000 || message.price > 1000.0 to be true, found"
                                + " false with amount=1999, price=19.99"),
                arguments("1 == 2", unchanged(), "",
                        "rule 'r' failed: expected 1 == 2 to be true, found false"),
                arguments("size(message.id) < 10", set("id", "x".repeat(100_000)), "id",
                        "rule 'r' failed: expected size(message.id) < 10 to be true, found false with id=\""
                                + "x".repeat(64) + "... (100000 chars)\""),
                arguments("message.id.startsWith('o-') && message.id.endsWith('1')", set("id", "o-1000"), "id",
                        "rule 'r' failed: expected message.id.startsWith('o-') && message.id.endsWith('1') to be true,"
                                + " found false with id=\"o-1000\""),
                arguments("message.note == null || !message.note.contains('\\n')", set("note", "two\nlines"), "note",
                        "rule 'r' failed: expected message.note == null || !message.note.contains('\\n') to be true,"
                                + " found false with note=\"two\\nlines\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void brokenRuleIsOneViolationWithFieldAndValues(String expression, Consumer<GenericRecord> change, String field,
            String message) {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, List.of(Rule.of("r", expression)));
        GenericRecord order = Orders.order();
        change.accept(order);

        // when
        List<Violation> violations = rules.check(order);

        // then
        assertThat(violations).containsExactly(new Violation(Violation.RULE, "r", field, message));
    }

    static Stream<Arguments> keptRules() {
        return Stream.of(
                arguments("message.amount > 0", set("amount", 1L)),
                arguments("has(message.note) ? size(message.note) < 500 : true", set("note", null)),
                arguments("size(message.note) == 2", set("note", "😀é")),
                arguments("message.price > 0", set("price", Double.NaN)), // dev.cel: NaN compares above every int
                arguments("message.status in ['NEW', 'PAID']", unchanged()),
                arguments("message.quantity == 3 && message.quantity < 4", unchanged()),
                arguments("-message.amount < 0", unchanged()),
                arguments("message.email.matches('(?i)EXAMPLE')", unchanged()), // outside the DFA: re2j
                arguments("message.createdAt < timestamp('2024-01-01T00:00:00Z')", unchanged()),
                arguments("[1, 2, 3].all(x, x < message.amount)", unchanged()),
                arguments("message.note == null", set("note", null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keptRules")
    void keptRuleHasNoViolation(String expression, Consumer<GenericRecord> change) {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, List.of(Rule.of("r", expression)));
        GenericRecord order = Orders.order();
        change.accept(order);

        // when
        List<Violation> violations = rules.check(order);

        // then
        assertThat(violations).isEmpty();
    }

    @Test
    void everyBrokenRuleIsReportedInRuleOrderWithItsDescription() {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, List.of(
                new Rule("amount-positive", "message.amount > 0", "An order has a positive amount"),
                Rule.of("known-currency", "message.currency in ['EUR', 'USD', 'GBP']"),
                Rule.of("customer-present", "size(message.customerId) > 0")));
        GenericRecord order = Orders.order();
        order.put("amount", 0L);
        order.put("currency", "XXX");

        // when
        List<Violation> violations = rules.check(order);

        // then
        assertThat(violations).containsExactly(
                Violation.ofRule("amount-positive", "amount", "rule 'amount-positive' (An order has a positive amount)"
                        + " failed: expected message.amount > 0 to be true, found false with amount=0"),
                Violation.ofRule("known-currency", "currency", "rule 'known-currency' failed: expected"
                        + " message.currency in ['EUR', 'USD', 'GBP'] to be true, found false with currency=\"XXX\""));
    }

    // ------------------------------------------------------------------ nested, collections, logical types

    static Stream<Arguments> shipmentRules() {
        return Stream.of(
                arguments("message.address.city == 'Paris'", true, "address.city", ""),
                arguments("message.address.city == 'Lyon'", false, "address.city",
                        "rule 'r' failed: expected message.address.city == 'Lyon' to be true, found false with"
                                + " address.city=\"Paris\""),
                arguments("has(message.billing) ? message.billing.city != '' : true", true, "billing,billing.city", ""),
                arguments("message.billing.city == 'Paris'", false, "billing.city",
                        "rule 'r' failed closed: expected message.billing.city == 'Paris' to be true, found an"
                                + " evaluation error (at position 15: Error resolving field 'city'. Field selections"
                                + " must be performed on messages or maps.) with billing.city=null (billing is null)"),
                arguments("size(message.tags) == 2 && 'fragile' in message.tags", true, "tags", ""),
                arguments("message.tags.all(t, size(t) < 5)", false, "tags",
                        "rule 'r' failed: expected message.tags.all(t, size(t) < 5) to be true, found false for"
                                + " tags[0] with tags[0]=\"fragile\""),
                arguments("message.attributes['channel'] == 'web'", true, "attributes", ""),
                arguments("message.attributes['missing'] == 'x'", false, "attributes",
                        "rule 'r' failed closed: expected message.attributes['missing'] == 'x' to be true, found an"
                                + " evaluation error (at position 18: no such key: 'missing') with"
                                + " attributes={channel=web} (1 entries)"),
                arguments("message.total > 10.0 && message.total < 10.26", true, "total", ""),
                arguments("message.shippedOn == 19000", true, "shippedOn", ""),
                arguments("message.ref.startsWith('0000')", true, "ref", ""),
                arguments("size(message.payload) == 3 && message.payload == b'\\x01\\x02\\x03'", true, "payload", ""),
                arguments("message.weight > 1.0", false, "weight",
                        "rule 'r' failed closed: expected message.weight > 1.0 to be true, found an evaluation error"
                                + " (at position 15: No matching overload for function '_>_'. Overload candidates:"
                                + " greater_double) with weight=null"),
                arguments("message.anything == 7", true, "anything", ""),
                arguments("has(message.count) || message.express == null", true, "count,express", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shipmentRules")
    void rulesReachIntoNestedRecordsCollectionsAndLogicalTypes(String expression, boolean kept, String field,
            String message) {
        // given
        ContractRules rules = ContractRules.compile(Orders.NESTED_SCHEMA, List.of(Rule.of("r", expression)));

        // when
        List<Violation> violations = rules.check(shipment());

        // then
        if (kept) {
            assertThat(violations).isEmpty();
        } else {
            assertThat(violations).containsExactly(new Violation(Violation.RULE, "r", field, message));
        }
    }

    // ------------------------------------------------------------------ hostile records

    @Test
    void nullInAFieldThatDoesNotAllowNullIsASchemaViolationAndTheRulesOnItFailClosed() {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, Orders.FIVE_RULES);
        GenericRecord order = Orders.order();
        order.put("amount", null);
        order.put("email", null);

        // when
        List<Violation> violations = rules.check(order);

        // then
        assertThat(violations).containsExactly(
                Violation.ofSchema("email", "field email of record com.acme.orders.Order is null, but its schema"
                        + " \"string\" does not allow null: set it, or make it optional (a union with null) in a"
                        + " compatible schema version"),
                Violation.ofSchema("amount", "field amount of record com.acme.orders.Order is null, but its schema"
                        + " \"long\" does not allow null: set it, or make it optional (a union with null) in a"
                        + " compatible schema version"),
                Violation.ofRule("amount-positive", "amount", "rule 'amount-positive' failed closed: expected"
                        + " message.amount > 0 to be true, found an evaluation error (at position 15: No matching"
                        + " overload for function '_>_'. Overload candidates: greater_int64) with amount=null"),
                Violation.ofRule("email-shape", "email", "rule 'email-shape' failed closed: expected"
                        + " message.email.matches('^[^@]+@[^@]+$') to be true, found an evaluation error (at position"
                        + " 21: No matching overload for function 'matches'. Overload candidates: matches_string)"
                        + " with email=null"));
    }

    @Test
    void nullInANestedRecordFieldIsASchemaViolationWithItsPath() {
        // given
        ContractRules rules = ContractRules.compile(Orders.NESTED_SCHEMA, List.of());
        GenericRecord shipment = shipment();
        ((GenericRecord) shipment.get("address")).put("city", null);

        // when
        List<Violation> violations = rules.check(shipment);

        // then
        assertThat(violations).extracting(Violation::type, Violation::field)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Violation.SCHEMA, "address.city"));
    }

    @Test
    void recordOfAnotherSchemaIsASchemaViolationAndItsRulesAreStillChecked() {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, List.of(Rule.of("r", "message.amount > 0")));
        GenericRecord refund = new GenericData.Record(new Schema.Parser().parse("""
                {"type": "record", "name": "Refund", "fields": [{"name": "amount", "type": "long"}]}"""));
        refund.put("amount", -3L);

        // when
        List<Violation> violations = rules.check(refund);

        // then
        assertThat(violations).containsExactly(
                Violation.ofSchema("", "the record is a Refund, but the port's value schema is com.acme.orders.Order:"
                        + " publish records of the port's schema"),
                Violation.ofRule("r", "amount", "rule 'r' failed: expected message.amount > 0 to be true, found false"
                        + " with amount=-3"));
    }

    @Test
    void valueOfTheWrongJavaClassFailsClosedInsteadOfThrowing() {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, List.of(Rule.of("r", "message.amount > 0")));
        GenericRecord order = Orders.order();
        order.put("amount", "12");

        // when
        List<Violation> violations = rules.check(order);

        // then
        assertThat(violations).containsExactly(Violation.ofRule("r", "amount", "rule 'r' failed closed: expected"
                + " message.amount > 0 to be true, found an evaluation error (at position 15: No matching overload for"
                + " function '_>_'. Overload candidates: greater_int64) with amount=\"12\""));
    }

    @Test
    void ruleThatIteratesTooLongOverAHugeArrayFailsClosed() {
        // given: 400 x 400 iterations, over the budget of 100,000 per rule and record
        ContractRules rules = ContractRules.compile(Orders.NESTED_SCHEMA,
                List.of(Rule.of("r", "message.tags.all(a, message.tags.all(b, a != '' || b != ''))")));
        GenericRecord shipment = shipment();
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            tags.add("t" + i);
        }
        shipment.put("tags", tags);

        // when
        List<Violation> violations = rules.check(shipment);

        // then
        assertThat(violations).singleElement().satisfies(violation -> assertThat(violation.message())
                .startsWith("rule 'r' failed closed: expected message.tags.all(a, message.tags.all(b, a != '' || b !="
                        + " '')) to be true, found an evaluation error (")
                .contains("100000"));
    }

    // ------------------------------------------------------------------ specific records

    @Test
    void specificRecordIsCheckedLikeAGenericOne() {
        // given
        ContractRules rules = ContractRules.compile(Price.SCHEMA$, List.of(
                Rule.of("positive", "message.amount > 0"), Rule.of("currency", "size(message.currency) == 3")));

        // when
        List<Violation> valid = rules.check(new Price(5L, "EUR"));
        List<Violation> invalid = rules.check(new Price(-5L, "EURO"));

        // then
        assertThat(valid).isEmpty();
        assertThat(invalid).extracting(Violation::rule).containsExactly("positive", "currency");
    }

    /** A SpecificRecord as avro-maven-plugin would generate it, by hand. */
    public static final class Price extends SpecificRecordBase {
        static final Schema SCHEMA$ = new Schema.Parser().parse("""
                {"type": "record", "name": "Price", "namespace": "com.acme.prices", "fields": [
                  {"name": "amount", "type": "long"}, {"name": "currency", "type": "string"}]}""");
        private long amount;
        private CharSequence currency;

        public Price(long amount, CharSequence currency) {
            this.amount = amount;
            this.currency = currency;
        }

        @Override
        public Schema getSchema() {
            return SCHEMA$;
        }

        @Override
        public Object get(int field) {
            return field == 0 ? (Object) amount : currency;
        }

        @Override
        public void put(int field, Object value) {
            if (field == 0) {
                amount = (Long) value;
            } else {
                currency = (CharSequence) value;
            }
        }
    }

    // ------------------------------------------------------------------ threads

    @Test
    void oneRuleSetChecksRecordsFromManyThreadsAtOnce() throws Exception {
        // given
        ContractRules rules = ContractRules.compile(Orders.SCHEMA, Orders.FIVE_RULES);
        List<GenericRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            GenericRecord order = Orders.order();
            order.put("amount", (long) (i % 7) - 3);
            order.put("email", i % 3 == 0 ? "a@b" : "nope");
            records.add(order);
        }
        List<List<Violation>> expected = records.stream().map(rules::check).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // when
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                tasks.add(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (int i = 0; i < records.size(); i++) {
                            if (!rules.check(records.get(i)).equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                });
            }
            List<Future<Boolean>> results = pool.invokeAll(tasks);

            // then
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ fixtures

    private static Consumer<GenericRecord> unchanged() {
        return record -> { };
    }

    private static Consumer<GenericRecord> set(String field, Object value) {
        return record -> record.put(field, value);
    }

    static GenericRecord shipment() {
        Schema schema = Orders.NESTED_SCHEMA;
        GenericRecord address = new GenericData.Record(schema.getField("address").schema());
        address.put("street", "1 rue de Rivoli");
        address.put("city", "Paris");
        GenericRecord shipment = new GenericData.Record(schema);
        shipment.put("id", "s-1");
        shipment.put("address", address);
        shipment.put("tags", new GenericData.Array<>(schema.getField("tags").schema(), List.of("fragile", "glass")));
        shipment.put("attributes", Map.of("channel", "web"));
        shipment.put("payload", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        shipment.put("total", ByteBuffer.wrap(java.math.BigInteger.valueOf(1025).toByteArray())); // 10.25
        shipment.put("shippedOn", 19000);
        shipment.put("ref", "00000000-0000-0000-0000-000000000001");
        shipment.put("anything", 7L);
        return shipment;
    }

    private static GenericRecord roundTrip(GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(record.getSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    @Test
    void nonRecordSchemaIsRefused() {
        assertThatThrownBy(() -> ContractRules.compile(Schema.create(Schema.Type.STRING), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contract rules need a record value schema, found a string schema: \"string\"");
    }
}

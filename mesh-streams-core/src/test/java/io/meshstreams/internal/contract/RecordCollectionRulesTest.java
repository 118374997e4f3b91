package io.meshstreams.internal.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Rule;
import io.meshstreams.contract.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rules over records inside arrays, maps, nested arrays and unions: every comprehension macro ({@code all},
 * {@code exists}, {@code exists_one}, {@code map}, {@code filter}) and indexing, kept and broken, with null
 * elements and empty collections, on records as a producer builds them and as Avro decodes them. A broken
 * {@code message.f.all(...)} names the first element it is false for.
 */
class RecordCollectionRulesTest {
    private static final String SCHEMA_TEXT = """
            {"type": "record", "name": "Account", "namespace": "test.crm", "fields": [
              {"name": "id", "type": "string"},
              {"name": "contacts", "type": {"type": "array", "items": {"type": "record", "name": "Contact", "fields": [
                {"name": "email", "type": "string"CLASSIFIED},
                {"name": "name", "type": "string"},
                {"name": "score", "type": "long"},
                {"name": "phone", "type": ["null", "string"], "default": null}
              ]}}},
              {"name": "maybeContacts", "type": {"type": "array", "items": ["null", "Contact"]}},
              {"name": "labels", "type": {"type": "map", "values": "Contact"}},
              {"name": "teams", "type": {"type": "array", "items": {"type": "array", "items": "Contact"}}},
              {"name": "parties", "type": {"type": "array", "items": ["Contact",
                {"type": "record", "name": "Company", "fields": [{"name": "vat", "type": "string"}]}]}},
              {"name": "primary", "type": ["null", "Contact"], "default": null},
              {"name": "backup", "type": ["null", {"type": "array", "items": "Contact"}], "default": null}
            ]}""";
    static final Schema SCHEMA = new Schema.Parser().parse(SCHEMA_TEXT.replace("CLASSIFIED", ""));
    /** The same account, its contacts' emails classified PII. */
    static final Schema CLASSIFIED_SCHEMA = new Schema.Parser().parse(
            SCHEMA_TEXT.replace("CLASSIFIED", ", \"classification\": \"PII\""));

    /** How a violation shows the collections of {@link #account}: the first 64 chars, and the size. */
    private static final String CONTACTS = "contacts=[{\"email\": \"ada@corp.example\", \"name\": \"Ada\", \"score\": 3,"
            + " \"phone... (146 chars) (2 elements)";
    private static final String LABELS = "labels={owner={\"email\": \"ada@corp.example\", \"name\": \"Ada\", \"score\": 3,"
            + " ... (160 chars) (2 entries)";
    private static final String TEAMS = "teams=[[{\"email\": \"ada@corp.example\", \"name\": \"Ada\", \"score\": 3,"
            + " \"phon... (223 chars) (2 elements)";
    private static final String PARTIES = "parties=[{\"email\": \"ada@corp.example\", \"name\": \"Ada\", \"score\": 3,"
            + " \"phone... (91 chars) (2 elements)";
    private static final String MAYBE_CONTACTS = "maybeContacts=[{\"email\": \"ada@corp.example\", \"name\": \"Ada\","
            + " \"score\": 3, \"phone... (79 chars) (2 elements)";

    static Stream<Arguments> rules() {
        return Stream.of(
                // all, over an array of records
                kept("message.contacts.all(c, c.email.endsWith('@corp.example'))", unchanged()),
                kept("message.contacts.all(c, c.email.endsWith('@corp.example'))", contacts()),
                broken("message.contacts.all(c, c.email.endsWith('@corp.example'))", email(1, "bob@else.example"),
                        "contacts", "rule 'r' failed: expected message.contacts.all(c, c.email.endsWith('@corp.example'))"
                                + " to be true, found false for contacts[1] with contacts[1]={\"email\": \"bob@else.example\","
                                + " \"name\": \"Bob\", \"score\": 5, \"phone\"... (71 chars)"),
                // the failing element named: after one that errs, beside another field; not when the predicate reads the array
                broken("message.maybeContacts.all(c, c.score > 3)", nullFirst(), "maybeContacts", "rule 'r' failed:"
                        + " expected message.maybeContacts.all(c, c.score > 3) to be true, found false for maybeContacts[1]"
                        + " with maybeContacts[1]={\"email\": \"ada@corp.example\", \"name\": \"Ada\", \"score\": 3,"
                        + " \"phone\"... (71 chars)"),
                broken("message.contacts.all(c, c.score < 5 || message.id == 'x')", unchanged(), "contacts,id",
                        "rule 'r' failed: expected message.contacts.all(c, c.score < 5 || message.id == 'x') to be true,"
                                + " found false for contacts[1] with contacts[1]={\"email\": \"bob@corp.example\", \"name\":"
                                + " \"Bob\", \"score\": 5, \"phone\"... (71 chars), id=\"acc-1\""),
                broken("message.contacts.all(c, size(message.contacts) > 2)", unchanged(), "contacts", "rule 'r' failed:"
                        + " expected message.contacts.all(c, size(message.contacts) > 2) to be true, found false with "
                        + CONTACTS),
                // exists and exists_one
                kept("message.contacts.exists(c, c.score > 4)", unchanged()),
                broken("message.contacts.exists(c, c.score > 4)", contacts(), "contacts", "rule 'r' failed: expected"
                        + " message.contacts.exists(c, c.score > 4) to be true, found false with contacts=[] (0 elements)"),
                kept("message.contacts.exists_one(c, c.score > 4)", unchanged()),
                broken("message.contacts.exists_one(c, c.score > 0)", unchanged(), "contacts", "rule 'r' failed: expected"
                        + " message.contacts.exists_one(c, c.score > 0) to be true, found false with " + CONTACTS),
                broken("message.contacts.exists_one(c, c.score > 4)", contacts(), "contacts", "rule 'r' failed: expected"
                        + " message.contacts.exists_one(c, c.score > 4) to be true, found false with contacts=[] (0 elements)"),
                // map and filter, whose results hold records again
                kept("message.contacts.map(c, c.name) == ['Ada', 'Bob']", unchanged()),
                kept("message.contacts.map(c, c.score > 4, c.name) == ['Bob']", unchanged()),
                kept("message.contacts.map(c, c).all(c, c.score > 0)", unchanged()),
                kept("message.contacts.map(c, c.name) == []", contacts()),
                kept("message.contacts.filter(c, c.score > 4)[0].name == 'Bob'", unchanged()),
                kept("size(message.contacts.filter(c, c.phone != null)) == 0", unchanged()),
                broken("message.contacts.filter(c, c.score > 4).all(c, c.name == 'Ada')", unchanged(), "contacts",
                        "rule 'r' failed: expected message.contacts.filter(c, c.score > 4).all(c, c.name == 'Ada') to be"
                                + " true, found false with " + CONTACTS),
                // indexing
                kept("message.contacts[1].name == 'Bob'", unchanged()),
                broken("message.contacts[2].name == 'Cy'", unchanged(), "contacts", "rule 'r' failed closed: expected"
                        + " message.contacts[2].name == 'Cy' to be true, found an evaluation error (at position 16: Index"
                        + " out of bounds: 2) with " + CONTACTS),
                // maps of records: keys, and values by key
                kept("message.labels.all(k, message.labels[k].email.endsWith('@corp.example'))", unchanged()),
                broken("message.labels.all(k, message.labels[k].email.endsWith('@corp.example'))",
                        label("billing", "Bob", "bob@else.example", 5), "labels", "rule 'r' failed: expected"
                                + " message.labels.all(k, message.labels[k].email.endsWith('@corp.example')) to be true,"
                                + " found false with " + LABELS),
                kept("message.labels.exists(k, message.labels[k].score > 4)", unchanged()),
                broken("message.labels.exists(k, message.labels[k].score > 5)", unchanged(), "labels", "rule 'r' failed:"
                        + " expected message.labels.exists(k, message.labels[k].score > 5) to be true, found false with "
                        + LABELS),
                kept("message.labels.exists_one(k, message.labels[k].name == 'Ada')", unchanged()),
                kept("message.labels['billing'].score == 5", unchanged()),
                kept("message.labels.map(k, message.labels[k].score).exists(s, s == 5)", unchanged()),
                kept("message.labels.filter(k, message.labels[k].score > 4) == ['billing']", unchanged()),
                broken("message.labels['nobody'].score > 0", unchanged(), "labels", "rule 'r' failed closed: expected"
                        + " message.labels['nobody'].score > 0 to be true, found an evaluation error (at position 14: no"
                        + " such key: 'nobody') with " + LABELS),
                kept("message.labels.all(k, message.labels[k].score > 100)", labels()),
                broken("message.labels.exists(k, message.labels[k].score > 0)", labels(), "labels", "rule 'r' failed:"
                        + " expected message.labels.exists(k, message.labels[k].score > 0) to be true, found false with"
                        + " labels={} (0 entries)"),
                // nested arrays
                kept("message.teams.all(t, t.exists(c, c.name == 'Ada'))", unchanged()),
                kept("message.teams[1][0].name == 'Bob'", unchanged()),
                kept("message.teams.exists_one(t, t.exists(c, c.score > 4))", unchanged()),
                broken("message.teams.all(t, t.all(c, c.score > 4))", unchanged(), "teams", "rule 'r' failed: expected"
                        + " message.teams.all(t, t.all(c, c.score > 4)) to be true, found false for teams[0] with"
                        + " teams[0]=[{\"email\": \"ada@corp.example\", \"name\": \"Ada\", \"score\": 3, \"phone... (73 chars)"
                        + " (1 elements)"),
                kept("message.teams.all(t, t.all(c, c.score > 4))", teams()),
                kept("message.teams.map(t, t.map(c, c.name)) == [['Ada'], ['Bob', 'Ada']]", unchanged()),
                // unions of several records (dyn), of null and a record
                kept("message.parties.exists(p, has(p.vat) && p.vat.startsWith('DE'))", unchanged()),
                broken("message.parties.all(p, has(p.email))", unchanged(), "parties", "rule 'r' failed: expected"
                        + " message.parties.all(p, has(p.email)) to be true, found false for parties[1] with"
                        + " parties[1]={\"vat\": \"DE123\"}"),
                kept("message.primary.name == 'Ada' && [message.primary].all(c, c.score == 3)", unchanged()),
                kept("has(message.backup) ? message.backup.all(c, c.score > 0) : true", unchanged()),
                kept("message.backup.exists(c, c.name == 'Bob')", backup()),
                // records compared as Avro compares them
                kept("message.contacts.exists(c, c == message.primary) && message.primary in message.contacts", unchanged()),
                broken("message.contacts[0] == message.contacts[1]", unchanged(), "contacts", "rule 'r' failed:"
                        + " expected message.contacts[0] == message.contacts[1] to be true, found false with " + CONTACTS),
                broken("message.parties[1]", unchanged(), "parties", "rule 'r' failed: expected message.parties[1] to"
                        + " be true, found {\"vat\": \"DE123\"}, which is not a bool with " + PARTIES),
                // null elements
                kept("message.maybeContacts.all(c, c == null || c.score > 0)", unchanged()),
                kept("message.maybeContacts.exists(c, c != null && c.name == 'Ada')", unchanged()),
                kept("message.maybeContacts.exists_one(c, c == null)", unchanged()),
                broken("message.maybeContacts.all(c, c.score > 0)", unchanged(), "maybeContacts", "rule 'r' failed closed:"
                        + " expected message.maybeContacts.all(c, c.score > 0) to be true, found an evaluation error (at"
                        + " position 30: Error resolving field 'score'. Field selections must be performed on messages or"
                        + " maps.) with " + MAYBE_CONTACTS),
                kept("message.maybeContacts.exists(c, c.score > 0)", unchanged()), // true || error is true
                broken("message.maybeContacts.exists(c, c.score > 5)", unchanged(), "maybeContacts", "rule 'r' failed"
                        + " closed: expected message.maybeContacts.exists(c, c.score > 5) to be true, found an evaluation"
                        + " error (at position 33: Error resolving field 'score'. Field selections must be performed on"
                        + " messages or maps.) with " + MAYBE_CONTACTS));
    }

    @ParameterizedTest(name = "{0} [{3}]")
    @MethodSource("rules")
    void rulesSeeRecordsInsideArraysAndMaps(String expression, Consumer<GenericRecord> change, boolean kept,
            String field, String message) throws IOException {
        // given
        ContractRules rules = ContractRules.compile(SCHEMA, List.of(Rule.of("r", expression)));
        GenericRecord account = account(SCHEMA);
        change.accept(account);

        // when
        List<Violation> built = rules.check(account);
        List<Violation> decoded = rules.check(roundTrip(account));
        Object interpreted = interpreted(expression, account);

        // then
        if (kept) {
            assertThat(built).isEmpty();
        } else {
            assertThat(built).containsExactly(Violation.ofRule("r", field, message));
        }
        assertThat(decoded).isEqualTo(built);
        assertThat(Boolean.TRUE.equals(interpreted)).as("dev.cel's interpreter alone gives " + interpreted).isEqualTo(kept);
    }

    /** The rule's value by dev.cel's interpreter alone, not the fast path: the value, or the error's text. */
    private static Object interpreted(String expression, GenericRecord account) {
        CompiledRuleSet set = RuleSetCompiler.compile(SCHEMA, List.of(Rule.of("r", expression))).rules();
        try {
            return set.interpret(set.rules().get(0), account);
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    static Stream<Arguments> classifiedRules() {
        String withheld = "its text is withheld, since the rule reads classified fields";
        return Stream.of(
                arguments("message.contacts.all(c, c.email.endsWith('@corp.example'))", email(1, "bob@else.example"),
                        "contacts", "rule 'r' failed: expected message.contacts.all(c, c.email.endsWith('@corp.example'))"
                                + " to be true, found false for contacts[1] with contacts[1]=<PII>"),
                arguments("message.contacts.exists(c, int(c.email) > 0)", email(1, "bob@else.example"), "contacts",
                        "rule 'r' failed closed: expected message.contacts.exists(c, int(c.email) > 0) to be true, found"
                                + " an evaluation error (at position 30; " + withheld + ") with contacts=<PII>"),
                arguments("message.labels.all(k, message.labels[k].email.endsWith('@corp.example'))",
                        label("billing", "Bob", "bob@else.example", 5), "labels", "rule 'r' failed: expected"
                                + " message.labels.all(k, message.labels[k].email.endsWith('@corp.example')) to be true,"
                                + " found false with labels=<PII>"),
                arguments("message.labels['nobody'].score > 0", unchanged(), "labels", "rule 'r' failed closed:"
                        + " expected message.labels['nobody'].score > 0 to be true, found an evaluation error (at"
                        + " position 14; " + withheld + ") with labels=<PII>"),
                arguments("message.maybeContacts.all(c, c.score > 0)", unchanged(), "maybeContacts", "rule 'r' failed"
                        + " closed: expected message.maybeContacts.all(c, c.score > 0) to be true, found an evaluation"
                        + " error (at position 30; " + withheld + ") with maybeContacts=<PII>"),
                arguments("message.teams.all(t, t.all(c, c.score > 4))", unchanged(), "teams", "rule 'r' failed:"
                        + " expected message.teams.all(t, t.all(c, c.score > 4)) to be true, found false for teams[0] with"
                        + " teams[0]=<PII>"));
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("classifiedRules")
    void violationsOverRecordsWithClassifiedFieldsShowNoValueOfThem(String expression, Consumer<GenericRecord> change,
            String field, String message) throws IOException {
        // given
        ContractRules rules = ContractRules.compile(CLASSIFIED_SCHEMA, List.of(Rule.of("r", expression)));
        GenericRecord account = account(CLASSIFIED_SCHEMA);
        change.accept(account);

        // when
        List<Violation> built = rules.check(account);
        List<Violation> decoded = rules.check(roundTrip(account));

        // then
        assertThat(built).containsExactly(Violation.ofRule("r", field, message));
        assertThat(decoded).isEqualTo(built);
        assertThat(built.get(0).message()).doesNotContain("@corp.example\"", "@else.example", "ada@", "bob@");
    }

    // ------------------------------------------------------------------ records

    static GenericRecord account(Schema schema) {
        Schema contact = schema.getField("contacts").schema().getElementType();
        Schema company = schema.getField("parties").schema().getElementType().getTypes().get(1);
        GenericRecord ada = contact(contact, "Ada", "ada@corp.example", 3);
        GenericRecord bob = contact(contact, "Bob", "bob@corp.example", 5);
        GenericRecord account = new GenericData.Record(schema);
        account.put("id", "acc-1");
        account.put("contacts", new ArrayList<>(List.of(ada, bob)));
        account.put("maybeContacts", new ArrayList<>(Arrays.asList(ada, null)));
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("owner", ada);
        labels.put("billing", bob);
        account.put("labels", labels);
        account.put("teams", new ArrayList<>(List.of(List.of(ada), List.of(bob, ada))));
        GenericRecord acme = new GenericData.Record(company);
        acme.put("vat", "DE123");
        account.put("parties", new ArrayList<>(List.of(ada, acme)));
        account.put("primary", ada);
        account.put("backup", null);
        return account;
    }

    static GenericRecord contact(Schema schema, String name, String email, long score) {
        GenericRecord contact = new GenericData.Record(schema);
        contact.put("name", name);
        contact.put("email", email);
        contact.put("score", score);
        return contact;
    }

    private static Arguments kept(String expression, Consumer<GenericRecord> change) {
        return arguments(expression, change, true, "", "");
    }

    private static Arguments broken(String expression, Consumer<GenericRecord> change, String field, String message) {
        return arguments(expression, change, false, field, message);
    }

    private static Consumer<GenericRecord> unchanged() {
        return named("as built", account -> { });
    }

    /** No contacts at all. */
    private static Consumer<GenericRecord> contacts() {
        return named("no contacts", account -> account.put("contacts", new ArrayList<>()));
    }

    private static Consumer<GenericRecord> labels() {
        return named("no labels", account -> account.put("labels", new LinkedHashMap<>()));
    }

    private static Consumer<GenericRecord> teams() {
        return named("no teams", account -> account.put("teams", new ArrayList<>()));
    }

    private static Consumer<GenericRecord> backup() {
        return named("a backup", account -> account.put("backup", List.of(copyOf(contactAt(account, 1)))));
    }

    /** The null element first, then Ada. */
    private static Consumer<GenericRecord> nullFirst() {
        return named("null first", account -> account.put("maybeContacts",
                new ArrayList<>(Arrays.asList(null, contactAt(account, 0)))));
    }

    private static Consumer<GenericRecord> email(int index, String email) {
        return named("contact " + index + " " + email, account -> contactAt(account, index).put("email", email));
    }

    private static Consumer<GenericRecord> label(String key, String name, String email, long score) {
        return named("label " + key, account -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> labels = (Map<String, Object>) account.get("labels");
            labels.put(key, contact(account.getSchema().getField("contacts").schema().getElementType(), name, email,
                    score));
        });
    }

    private static GenericRecord contactAt(GenericRecord account, int index) {
        return (GenericRecord) ((List<?>) account.get("contacts")).get(index);
    }

    private static GenericRecord copyOf(GenericRecord record) {
        return new GenericData.Record((GenericData.Record) record, true);
    }

    private static Consumer<GenericRecord> named(String name, Consumer<GenericRecord> change) {
        return new Consumer<>() {
            @Override
            public void accept(GenericRecord account) {
                change.accept(account);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    static GenericRecord roundTrip(GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(record.getSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }
}

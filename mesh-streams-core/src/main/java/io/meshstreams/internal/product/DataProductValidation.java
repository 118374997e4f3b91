package io.meshstreams.internal.product;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Rule;
import io.meshstreams.contract.RuleProblem;
import io.meshstreams.governance.ClassificationScheme;
import io.meshstreams.internal.avro.SchemaFields;
import io.meshstreams.product.Grant;
import io.meshstreams.product.InputPort;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.ValidationProblem;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.TopicConfig;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks of data products and their parts, in one place: whatever builds a product, port, grant or key (a
 * builder, a {@code withX}, a descriptor) is checked here. Checks return every problem; throwing is the caller's
 * business. Paths are relative to what is checked ({@code key.field} for a port, {@code outputPorts[0].key.field}
 * for a product).
 */
public final class DataProductValidation {
    private static final Set<String> TOPIC_CONFIGS = topicConfigNames();
    private static final Set<Schema.Type> KEY_TYPES = Set.of(Schema.Type.STRING, Schema.Type.INT, Schema.Type.LONG);
    private static final ClassificationScheme SCHEME = ClassificationScheme.DEFAULT;
    private static final int MAX_PROBLEMS = 100;
    /**
     * Bounds on what a product asks the CEL compiler to do, so that checking a hostile descriptor stays a matter of
     * seconds (about 3 ms per rule and 30 µs per character of expression, measured on two cores).
     */
    static final int MAX_RULES_PER_PORT = 100;
    static final int MAX_RULES_PER_PRODUCT = 300;
    static final int MAX_EXPRESSION_LENGTH = 4_000;
    static final int MAX_EXPRESSION_CHARS_PER_PRODUCT = 40_000;

    private final String source;
    private final List<ValidationProblem> problems = new ArrayList<>();

    private DataProductValidation(String source) {
        this.source = source;
    }

    /**
     * The problems of a product. With {@code checkPorts} false, only what depends on the product is checked (for
     * ports that exist, which checked themselves when they were built).
     */
    public static List<ValidationProblem> product(ProductDraft product, String source, boolean checkPorts) {
        DataProductValidation validation = new DataProductValidation(source);
        try {
            validation.checkProduct(product, checkPorts);
        } catch (Enough enough) {
            // the first problems are enough
        }
        return List.copyOf(validation.problems);
    }

    /** The problems of a port on its own, with paths relative to the port. */
    public static List<ValidationProblem> port(PortDraft port, String source) {
        DataProductValidation validation = new DataProductValidation(source);
        try {
            validation.checkPort(port, "", true);
        } catch (Enough enough) {
            // the first problems are enough
        }
        return List.copyOf(validation.problems);
    }

    /** The problems of a grant on its own: paths {@code domain}, {@code clearance}, {@code purpose}. */
    public static List<ValidationProblem> grant(String domain, String clearance, String purpose, String source) {
        DataProductValidation validation = new DataProductValidation(source);
        try {
            validation.checkGrant(domain, clearance, purpose, "");
        } catch (Enough enough) {
            // the first problems are enough
        }
        return List.copyOf(validation.problems);
    }

    /** The problems of a key's field path on its own: path {@code field}. */
    public static List<ValidationProblem> key(String field, String source) {
        DataProductValidation validation = new DataProductValidation(source);
        if (field.isBlank()) {
            validation.problem("field", "the key field is empty.",
                    "name a field of the value, e.g. orderId (customer.id for a field of a nested record).");
        } else if (!Names.FIELD_PATH.matcher(field).matches()) {
            validation.problem("field", "the key field '" + field + "' is not a field path.",
                    "write field names separated by single dots, e.g. orderId or customer.id.");
        }
        return List.copyOf(validation.problems);
    }

    /** The same problem under another source, with its path under {@code prefix}, e.g. {@code outputPorts[2]}. */
    public static ValidationProblem at(ValidationProblem problem, String source, String prefix) {
        String path = problem.path();
        String joined = prefix.isEmpty() ? path : path.isEmpty() ? prefix
                : path.startsWith("[") ? prefix + path : prefix + "." + path;
        return ValidationProblem.of(source, joined, problem.message(), problem.fix());
    }

    private void problem(String path, String message, String fix) {
        problems.add(ValidationProblem.of(source, path, message, fix));
        if (problems.size() > MAX_PROBLEMS) {
            throw new Enough();
        }
    }

    /** Stops checking once there are more problems than anyone reads (a hostile product could have millions). */
    private static final class Enough extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Enough() {
            super(null, null, false, false);
        }
    }

    private static String join(String prefix, String path) {
        return prefix.isEmpty() ? path : prefix + "." + path;
    }

    private void checkProduct(ProductDraft product, boolean checkPorts) {
        Names.segmentProblem("domain", product.domain()).ifPresent(p ->
                problem("domain", p + ".", "use a name such as '" + Names.suggestion(product.domain()) + "'."));
        Names.segmentProblem("product", product.name()).ifPresent(p ->
                problem("name", p + ".", "use a name such as '" + Names.suggestion(product.name()) + "'."));
        if (product.owner().isBlank()) {
            problem("owner", "the product has no owner.", "name the team or mailbox that answers for it.");
        }
        if (product.outputPorts().isEmpty()) {
            problem("outputPorts", "the product publishes no output port.",
                    "add at least one output port: a data product is what it publishes.");
        }
        int ruleCount = 0;
        long expressionChars = 0;
        for (PortDraft port : product.outputPorts()) {
            ruleCount += port.rules().size();
            for (Rule rule : port.rules()) {
                expressionChars += rule.expression().length();
            }
        }
        boolean compileRules = true;
        if (ruleCount > MAX_RULES_PER_PRODUCT || expressionChars > MAX_EXPRESSION_CHARS_PER_PRODUCT) {
            problem("outputPorts", "the ports have " + ruleCount + (ruleCount == 1 ? " rule" : " rules") + " with "
                    + expressionChars
                    + " characters of expressions; a product may have at most " + MAX_RULES_PER_PRODUCT + " rules and "
                    + MAX_EXPRESSION_CHARS_PER_PRODUCT + " characters, so the rules were not compiled.",
                    "keep the rules that matter, or split the product.");
            compileRules = false;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < product.outputPorts().size(); i++) {
            PortDraft port = product.outputPorts().get(i);
            String path = "outputPorts[" + i + "]";
            if (!seen.add(port.name() + ".v" + port.majorVersion())) {
                problem(path, "port '" + port.name() + "' v" + port.majorVersion() + " is declared twice.",
                        "remove one, or give the new one the next major version.");
            }
            if (checkPorts) {
                checkPort(port, path, compileRules);
            }
            String quarantine = product.domain() + "." + product.name() + "." + port.name() + ".v"
                    + port.majorVersion() + ".quarantine";
            if (quarantine.length() > Names.MAX_TOPIC_LENGTH) {
                problem(path + ".name", "the quarantine topic '" + quarantine + "' would have " + quarantine.length()
                        + " characters; Kafka allows " + Names.MAX_TOPIC_LENGTH + ".",
                        "shorten the domain, product or port name.");
            }
            for (int g = 0; g < port.grants().size(); g++) {
                Grant grant = port.grants().get(g);
                if (grant.domain().equals(product.domain())) {
                    problem(path + ".grants[" + g + "].domain", "the grant is to the owning domain '"
                            + grant.domain() + "'.", "remove it: a domain always reads its own ports.");
                }
            }
        }
        Set<String> inputs = new HashSet<>();
        for (int i = 0; i < product.inputPorts().size(); i++) {
            InputPort input = product.inputPorts().get(i);
            String path = "inputPorts[" + i + "]";
            if (input.port().productId().equals(product.domain() + "." + product.name())) {
                problem(path, "the product declares its own port " + input.port() + " as an input.",
                        "input ports name other products' ports; remove this one.");
            }
            if (!inputs.add(input.port().topic())) {
                problem(path, "input port " + input.port() + " is declared twice.", "remove one.");
            }
        }
    }

    private void checkPort(PortDraft port, String path, boolean compileRules) {
        Names.segmentProblem("port", port.name()).ifPresent(p ->
                problem(join(path, "name"), p + ".", "use a name such as '" + Names.suggestion(port.name()) + "'."));
        if (port.majorVersion() < 1) {
            problem(join(path, "version"), "the major version is " + port.majorVersion() + ".",
                    "major versions start at 1.");
        }
        if (port.partitions() < 1) {
            problem(join(path, "partitions"), "partitions is " + port.partitions() + ".", "give 1 or more.");
        }
        port.replicationFactor().ifPresent(rf -> {
            if (rf < 1) {
                problem(join(path, "replicationFactor"), "replicationFactor is " + rf + ".",
                        "give 1 or more, or leave it out for the cluster's default.");
            }
        });
        port.topicConfigs().keySet().forEach(key -> {
            if (!TOPIC_CONFIGS.contains(key)) {
                problem(join(path, "config." + key), "'" + key + "' is not a Kafka topic configuration.",
                        Names.closest(key, TOPIC_CONFIGS).map(c -> "did you mean '" + c + "'?")
                                .orElse("see https://kafka.apache.org/documentation/#topicconfigs for the valid keys."));
            }
        });
        port.freshness().ifPresent(freshness -> {
            if (freshness.isNegative() || freshness.isZero()) {
                problem(join(path, "slo.freshness"), "the freshness objective is " + freshness + ".",
                        "give a positive ISO-8601 duration such as PT5M.");
            }
        });
        Set<String> domains = new HashSet<>();
        for (int i = 0; i < port.grants().size(); i++) {
            Grant grant = port.grants().get(i);
            if (!domains.add(grant.domain())) {
                problem(join(path, "grants[" + i + "].domain"), "domain '" + grant.domain()
                        + "' holds two grants on this port.", "keep one grant per consumer domain, with the clearance it needs.");
            }
        }
        Schema schema = port.valueSchema();
        if (schema == null) {
            return;
        }
        if (schema.getType() != Schema.Type.RECORD) {
            problem(join(path, "schema"), "the value schema is a " + schema.getType().getName() + ", not a record.",
                    "a port's values are Avro records; wrap the value in a record schema.");
            return;
        }
        Map<String, Schema.Field> fields = SchemaFields.byPath(schema);
        if (port.key() != null) {
            key(port.key(), fields, join(path, "key"));
        }
        rules(port.rules(), schema, join(path, "rules"), compileRules);
        Map<String, String> classifications = new LinkedHashMap<>(SchemaFields.classifications(schema));
        classifications.putAll(port.classifications());
        classifications(classifications, fields, join(path, "classifications"), schema);
    }

    private void key(KeyDefinition key, Map<String, Schema.Field> fields, String path) {
        Schema.Field field = fields.get(key.field());
        if (field == null) {
            problem(path + ".field", "the key field '" + key.field() + "' is not a field of the value schema.",
                    Names.closest(key.field(), fields.keySet()).map(c -> "did you mean '" + c + "'?")
                            .orElse("name one of: " + String.join(", ", fields.keySet()) + "."));
            return;
        }
        if (SchemaFields.isNullable(field.schema())) {
            problem(path + ".field", "the key field '" + key.field() + "' is nullable, so a record could have no key.",
                    "key on a field that is not nullable.");
        }
        Schema.Type type = SchemaFields.nonNull(field.schema()).getType();
        if (!KEY_TYPES.contains(type)) {
            problem(path + ".field", "the key field '" + key.field() + "' is a " + type.getName()
                    + "; keys are string, int or long fields.", "key on a string, int or long field.");
        }
    }

    private void rules(List<Rule> rules, Schema schema, String path, boolean compile) {
        if (rules.size() > MAX_RULES_PER_PORT) {
            problem(path, "the port has " + rules.size() + " rules; a port may have at most " + MAX_RULES_PER_PORT
                    + ".", "keep the rules that matter, or combine related checks into one rule.");
            return;
        }
        List<Rule> compilable = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            int index = i;
            Names.segmentProblem("rule", rule.name()).ifPresent(p -> problem(path + "[" + index + "].name",
                    p + ".", "use a name such as '" + Names.suggestion(rule.name()) + "'."));
            if (rule.expression().length() > MAX_EXPRESSION_LENGTH) {
                problem(path + "[" + i + "].expression", "rule '" + rule.name() + "' has " + rule.expression().length()
                        + " characters; an expression may have at most " + MAX_EXPRESSION_LENGTH + ".",
                        "split it into several rules.");
            } else {
                compilable.add(rule);
            }
        }
        if (compile) {
            compiledRules(rules, compilable, schema, path);
        }
    }

    private void compiledRules(List<Rule> rules, List<Rule> compilable, Schema schema, String path) {
        // CEL: syntax, fields the schema lacks, types, non-bool results, duplicate names, invalid regexes
        for (RuleProblem problem : ContractRules.validate(schema, compilable)) {
            int index = indexOf(rules, problem.rule());
            String rulePath = path + (index < 0 ? "" : "[" + index + "]");
            String where = problem.position() >= 0 ? " (at character " + (problem.position() + 1) + ")" : "";
            problem(rulePath + (problem.type().equals(RuleProblem.DUPLICATE_NAME) ? ".name" : ".expression"),
                    "rule '" + problem.rule() + "' " + problem.type().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                            + ": " + problem.message() + where + ".", fixFor(problem));
        }
    }

    private static int indexOf(List<Rule> rules, String name) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            if (rules.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String fixFor(RuleProblem problem) {
        return switch (problem.type()) {
            case RuleProblem.SYNTAX -> "fix the CEL syntax; see https://github.com/google/cel-spec/blob/master/doc/langdef.md.";
            case RuleProblem.UNKNOWN_FIELD -> "read a field the schema has, as message.<field>.";
            case RuleProblem.TYPE -> "compare values of the field's type (e.g. a double with 0.0, a string with 'text').";
            case RuleProblem.NOT_BOOL -> "make the expression a condition that is true for a valid record.";
            case RuleProblem.DUPLICATE_NAME -> "give each rule of a port its own name; violations are reported by rule name.";
            case RuleProblem.INVALID_REGEX -> "fix the regular expression; patterns are RE2 (no look-arounds).";
            default -> "write a CEL expression over `message` that is true for a valid record, e.g. message.amount > 0.";
        };
    }

    private void classifications(Map<String, String> classifications, Map<String, Schema.Field> fields, String path,
                                 Schema schema) {
        classifications.forEach((field, level) -> {
            if (!fields.containsKey(field)) {
                problem(path + "." + field, "the classified field '" + field + "' is not a field of "
                        + schema.getFullName() + ".", Names.closest(field, fields.keySet())
                        .map(c -> "did you mean '" + c + "'?")
                        .orElse("classify one of: " + String.join(", ", fields.keySet()) + "."));
            }
            if (!SCHEME.contains(level)) {
                problem(path + "." + field, "'" + level + "' is not a classification level.",
                        "use one of " + SCHEME.describe() + ".");
            }
        });
    }

    private void checkGrant(String domain, String clearance, String purpose, String path) {
        Names.segmentProblem("domain", domain).ifPresent(p ->
                problem(join(path, "domain"), p + ".", "name the consumer domain as it names itself."));
        if (!SCHEME.contains(clearance)) {
            problem(join(path, "clearance"), "'" + clearance + "' is not a clearance level.",
                    "use one of " + SCHEME.describe() + Names.closest(clearance, SCHEME.levels())
                            .map(c -> "; did you mean '" + c + "'?").orElse("."));
        }
        if (purpose.isBlank()) {
            problem(join(path, "purpose"), "the grant to '" + domain + "' has no purpose.",
                    "say why the domain reads the port; it is recorded for audit.");
        }
    }

    private static Set<String> topicConfigNames() {
        Set<String> names = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().endsWith("_CONFIG")
                    && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        // Broker-side topic configurations that TopicConfig does not list.
        names.addAll(List.of("message.format.version", "leader.replication.throttled.replicas",
                "follower.replication.throttled.replicas"));
        return names;
    }

}

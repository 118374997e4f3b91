package io.meshstreams.internal.product;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Rule;
import io.meshstreams.contract.RuleProblem;
import io.meshstreams.governance.ClassificationScheme;
import io.meshstreams.internal.avro.SchemaFields;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.Grant;
import io.meshstreams.product.InputPort;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.ValidationProblem;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.TopicConfig;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Checks a whole data product and returns every problem; throwing is the caller's business. */
public final class DataProductValidation {
    private static final Set<String> TOPIC_CONFIGS = topicConfigNames();
    private static final Set<Schema.Type> KEY_TYPES = Set.of(Schema.Type.STRING, Schema.Type.INT, Schema.Type.LONG);

    private final String source;
    private final ClassificationScheme scheme;
    private final List<ValidationProblem> problems = new ArrayList<>();

    private DataProductValidation(String source, ClassificationScheme scheme) {
        this.source = source;
        this.scheme = scheme;
    }

    public static List<ValidationProblem> validate(DataProduct product, String source) {
        return validate(product, source, ClassificationScheme.DEFAULT);
    }

    public static List<ValidationProblem> validate(DataProduct product, String source, ClassificationScheme scheme) {
        DataProductValidation validation = new DataProductValidation(source, scheme);
        validation.product(product);
        return List.copyOf(validation.problems);
    }

    private void problem(String path, String message, String fix) {
        problems.add(new ValidationProblem(source, path, message, fix));
    }

    private void product(DataProduct product) {
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
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < product.outputPorts().size(); i++) {
            OutputPort port = product.outputPorts().get(i);
            String path = "outputPorts[" + i + "]";
            if (!seen.add(port.name() + ".v" + port.majorVersion())) {
                problem(path, "port '" + port.name() + "' v" + port.majorVersion() + " is declared twice.",
                        "remove one, or give the new one the next major version.");
            }
            port(product, port, path);
        }
        Set<String> inputs = new HashSet<>();
        for (int i = 0; i < product.inputPorts().size(); i++) {
            InputPort input = product.inputPorts().get(i);
            String path = "inputPorts[" + i + "]";
            if (input.port().productId().equals(product.id())) {
                problem(path, "the product declares its own port " + input.port() + " as an input.",
                        "input ports name other products' ports; remove this one.");
            }
            if (!inputs.add(input.port().topic())) {
                problem(path, "input port " + input.port() + " is declared twice.", "remove one.");
            }
        }
    }

    private void port(DataProduct product, OutputPort port, String path) {
        Names.segmentProblem("port", port.name()).ifPresent(p ->
                problem(path + ".name", p + ".", "use a name such as '" + Names.suggestion(port.name()) + "'."));
        if (port.majorVersion() < 1) {
            problem(path + ".version", "the major version is " + port.majorVersion() + ".", "major versions start at 1.");
        }
        String quarantine = product.domain() + "." + product.name() + "." + port.name() + ".v" + port.majorVersion()
                + ".quarantine";
        if (quarantine.length() > Names.MAX_TOPIC_LENGTH) {
            problem(path + ".name", "the quarantine topic '" + quarantine + "' would have " + quarantine.length()
                    + " characters; Kafka allows " + Names.MAX_TOPIC_LENGTH + ".", "shorten the domain, product or port name.");
        }
        if (port.partitions() < 1) {
            problem(path + ".partitions", "partitions is " + port.partitions() + ".", "give 1 or more.");
        }
        port.replicationFactor().ifPresent(rf -> {
            if (rf < 1) {
                problem(path + ".replicationFactor", "replicationFactor is " + rf + ".",
                        "give 1 or more, or leave it out for the cluster's default.");
            }
        });
        port.topicConfigs().keySet().forEach(key -> {
            if (!TOPIC_CONFIGS.contains(key)) {
                problem(path + ".config." + key, "'" + key + "' is not a Kafka topic configuration.",
                        Names.closest(key, TOPIC_CONFIGS).map(c -> "did you mean '" + c + "'?")
                                .orElse("see https://kafka.apache.org/documentation/#topicconfigs for the valid keys."));
            }
        });
        port.freshness().ifPresent(freshness -> {
            if (freshness.isNegative() || freshness.isZero()) {
                problem(path + ".slo.freshness", "the freshness objective is " + freshness + ".",
                        "give a positive ISO-8601 duration such as PT5M.");
            }
        });
        Schema schema = port.valueSchema();
        if (schema.getType() != Schema.Type.RECORD) {
            problem(path + ".schema", "the value schema is a " + schema.getType().getName() + ", not a record.",
                    "a port's values are Avro records; wrap the value in a record schema.");
            return;
        }
        Map<String, Schema.Field> fields = SchemaFields.byPath(schema);
        key(port.key(), fields, path + ".key");
        rules(port.rules(), schema, path + ".rules");
        classifications(port.classifications(), fields, path + ".classifications", schema);
        grants(product, port.grants(), path + ".grants");
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

    private void rules(List<Rule> rules, Schema schema, String path) {
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            int index = i;
            Names.segmentProblem("rule", rule.name()).ifPresent(p -> problem(path + "[" + index + "].name",
                    p + ".", "use a name such as '" + Names.suggestion(rule.name()) + "'."));
        }
        // CEL: syntax, fields the schema lacks, types, non-bool results, duplicate names, invalid regexes
        for (RuleProblem problem : ContractRules.validate(schema, rules)) {
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
            if (!scheme.contains(level)) {
                problem(path + "." + field, "'" + level + "' is not a classification level.",
                        "use one of " + scheme.describe() + ".");
            }
        });
    }

    private void grants(DataProduct product, List<Grant> grants, String path) {
        Set<String> domains = new HashSet<>();
        for (int i = 0; i < grants.size(); i++) {
            Grant grant = grants.get(i);
            String grantPath = path + "[" + i + "]";
            Names.segmentProblem("domain", grant.domain()).ifPresent(p ->
                    problem(grantPath + ".domain", p + ".", "name the consumer domain as it names itself."));
            if (!domains.add(grant.domain())) {
                problem(grantPath + ".domain", "domain '" + grant.domain() + "' holds two grants on this port.",
                        "keep one grant per consumer domain, with the clearance it needs.");
            }
            if (grant.domain().equals(product.domain())) {
                problem(grantPath + ".domain", "the grant is to the owning domain '" + grant.domain() + "'.",
                        "remove it: a domain always reads its own ports.");
            }
            if (!scheme.contains(grant.clearance())) {
                problem(grantPath + ".clearance", "'" + grant.clearance() + "' is not a clearance level.",
                        "use one of " + scheme.describe() + Names.closest(grant.clearance(), scheme.levels())
                                .map(c -> "; did you mean '" + c + "'?").orElse("."));
            }
            if (grant.purpose().isBlank()) {
                problem(grantPath + ".purpose", "the grant to '" + grant.domain() + "' has no purpose.",
                        "say why the domain reads the port; it is recorded for audit.");
            }
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

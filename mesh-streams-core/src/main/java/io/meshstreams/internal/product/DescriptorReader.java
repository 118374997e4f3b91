package io.meshstreams.internal.product;

import io.meshstreams.contract.Rule;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.DataProductDescriptor;
import io.meshstreams.product.Grant;
import io.meshstreams.product.InputPort;
import io.meshstreams.product.InvalidDataProductException;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.product.ValidationProblem;
import io.meshstreams.registry.CompatibilityLevel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a {@code data-product.yaml} tree key by key, so that every problem in the file is found in one pass, with
 * its path; then validates the product as a whole.
 */
public final class DescriptorReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> PRODUCT_KEYS = Set.of("apiVersion", "kind", "domain", "name", "owner",
            "description", "tags", "outputPorts", "inputPorts");
    private static final Set<String> PORT_KEYS = Set.of("name", "version", "description", "schema", "key",
            "partitions", "replicationFactor", "config", "compatibility", "onViolation", "rules", "classifications",
            "grants", "slo");
    private static final Set<String> KEY_KEYS = Set.of("field", "format");
    private static final Set<String> RULE_KEYS = Set.of("name", "expression", "description");
    private static final Set<String> GRANT_KEYS = Set.of("domain", "clearance", "purpose");
    private static final Set<String> INPUT_KEYS = Set.of("port", "purpose");
    private static final Set<String> SLO_KEYS = Set.of("freshness");

    private final String source;
    private final Path baseDirectory;
    private final List<ValidationProblem> problems = new ArrayList<>();
    /** For each output port that could be read, its index in the file (ports that could not be read are skipped). */
    private final List<Integer> portIndexInFile = new ArrayList<>();

    private DescriptorReader(String source, Path baseDirectory) {
        this.source = source;
        this.baseDirectory = baseDirectory;
    }

    public static DataProduct read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidDataProductException(file.toString(), List.of(new ValidationProblem(file.toString(), "",
                    "the file does not exist.", "check the path; the working directory is "
                    + Path.of("").toAbsolutePath() + ".")));
        } catch (IOException e) {
            throw new InvalidDataProductException(file.toString(), List.of(new ValidationProblem(file.toString(), "",
                    "the file cannot be read: " + e.getMessage() + ".", "check its permissions.")));
        }
        Path parent = file.toAbsolutePath().getParent();
        return read(text, parent == null ? Path.of("") : parent, file.toString());
    }

    public static DataProduct read(String yaml, Path baseDirectory, String source) {
        return new DescriptorReader(source, baseDirectory).product(yaml);
    }

    /** Reads a descriptor whose schemas are inline (JSON objects rather than file names), as the catalog stores it. */
    public static DataProduct readInline(String json, String source) {
        return new DescriptorReader(source, Path.of("")).product(json);
    }

    private DataProduct product(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new InvalidDataProductException(source, List.of(new ValidationProblem(source, "",
                    "the file is not valid YAML" + where + ": " + e.getOriginalMessage() + ".",
                    "fix the YAML syntax (indentation, quotes, colons).")));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidDataProductException(source, List.of(new ValidationProblem(source, "",
                    "the file is not a YAML mapping.", "start from an example data-product.yaml.")));
        }
        knownKeys(root, PRODUCT_KEYS, "");
        String apiVersion = text(root, "apiVersion", "", false);
        if (apiVersion != null && !apiVersion.equals(DataProductDescriptor.API_VERSION)) {
            problem("apiVersion", "apiVersion is '" + apiVersion + "'.",
                    "this library reads apiVersion: " + DataProductDescriptor.API_VERSION + ".");
        }
        String kind = text(root, "kind", "", false);
        if (kind != null && !kind.equals(DataProductDescriptor.KIND)) {
            problem("kind", "kind is '" + kind + "'.", "a data product descriptor has kind: " + DataProductDescriptor.KIND + ".");
        }
        String domain = text(root, "domain", "", true);
        String name = text(root, "name", "", true);
        DataProduct.Builder builder = DataProduct.builder(domain == null ? "" : domain, name == null ? "" : name);
        String owner = text(root, "owner", "", true);
        if (owner != null) {
            builder.owner(owner);
        }
        String description = text(root, "description", "", false);
        if (description != null) {
            builder.description(description);
        }
        each(root, "tags", "", (node, path) -> {
            if (node.isValueNode()) {
                builder.tag(node.asText());
            } else {
                problem(path, "a tag is not text.", "write tags as a list of words: tags: [sales, orders].");
            }
        });
        each(root, "outputPorts", "", (node, path) -> outputPort(node, path).ifPresent(port -> {
            portIndexInFile.add(Integer.parseInt(path.substring(path.indexOf('[') + 1, path.indexOf(']'))));
            builder.outputPort(port);
        }));
        each(root, "inputPorts", "", (node, path) -> inputPort(node, path).ifPresent(builder::inputPort));

        if (domain == null || name == null || !problems.isEmpty()) {
            // Report reading problems together with what validation finds in the parts that could be read.
            addValidationProblems(builder, domain, name);
            throw new InvalidDataProductException(productId(domain, name), problems);
        }
        try {
            return builder.build();
        } catch (InvalidDataProductException e) {
            List<ValidationProblem> all = new ArrayList<>(problems);
            e.problems().forEach(p -> all.add(new ValidationProblem(source, inFile(p.path()), p.message(), p.fix())));
            throw new InvalidDataProductException(e.productId(), all);
        }
    }

    private void addValidationProblems(DataProduct.Builder builder, @Nullable String domain, @Nullable String name) {
        try {
            builder.build();
        } catch (InvalidDataProductException e) {
            boolean portsMissing = problems.stream().anyMatch(p -> p.path().startsWith("outputPorts"));
            e.problems().stream()
                    // The reader already reported missing names and unreadable ports; validation would repeat them.
                    .filter(p -> !(domain == null && p.path().equals("domain")) && !(name == null && p.path().equals("name"))
                            && !(portsMissing && p.path().equals("outputPorts")))
                    .forEach(p -> problems.add(new ValidationProblem(source, inFile(p.path()), p.message(), p.fix())));
        }
    }

    /** Maps {@code outputPorts[k]} of the product built from readable ports back to the port's index in the file. */
    private String inFile(String path) {
        if (!path.startsWith("outputPorts[")) {
            return path;
        }
        int close = path.indexOf(']');
        int built = Integer.parseInt(path.substring("outputPorts[".length(), close));
        return built < portIndexInFile.size() ? "outputPorts[" + portIndexInFile.get(built) + path.substring(close) : path;
    }

    private String productId(@Nullable String domain, @Nullable String name) {
        return domain != null && name != null ? domain + "." + name : source;
    }

    private java.util.Optional<OutputPort> outputPort(JsonNode node, String path) {
        if (!node.isObject()) {
            problem(path, "an output port is not a mapping.", "write each port as name:, version:, schema:, key: ...");
            return java.util.Optional.empty();
        }
        knownKeys(node, PORT_KEYS, path);
        String name = text(node, "name", path, true);
        Integer version = integer(node, "version", path, true);
        Schema schema = schema(node, path);
        if (name == null || version == null || schema == null) {
            return java.util.Optional.empty();
        }
        OutputPort.Builder port;
        try {
            port = OutputPort.builder(name, version).valueSchema(schema);
        } catch (RuntimeException e) {
            problem(path, e.getMessage() + ".", "");
            return java.util.Optional.empty();
        }
        String description = text(node, "description", path, false);
        if (description != null) {
            port.description(description);
        }
        KeyDefinition key = key(node, path);
        if (key == null) {
            return java.util.Optional.empty();
        }
        port.key(key);
        Integer partitions = integer(node, "partitions", path, false);
        if (partitions != null) {
            port.partitions(partitions);
        }
        Integer replication = integer(node, "replicationFactor", path, false);
        if (replication != null) {
            if (replication > Short.MAX_VALUE || replication < Short.MIN_VALUE) {
                problem(path + ".replicationFactor", "replicationFactor " + replication + " is out of range.",
                        "give a small positive number such as 3.");
            } else {
                port.replicationFactor(replication.shortValue());
            }
        }
        mapping(node, "config", path, (key2, value, p) -> {
            if (value.isValueNode()) {
                port.topicConfig(key2, value.asText());
            } else {
                problem(p, "the value of topic config '" + key2 + "' is not a single value.",
                        "write it as text, e.g. retention.ms: \"604800000\".");
            }
        });
        String compatibility = text(node, "compatibility", path, false);
        if (compatibility != null) {
            CompatibilityLevel.parse(compatibility).ifPresentOrElse(port::compatibility, () -> problem(
                    path + ".compatibility", "'" + compatibility + "' is not a compatibility level.",
                    "use one of " + CompatibilityLevel.validNames() + "."));
        }
        String onViolation = text(node, "onViolation", path, false);
        if (onViolation != null) {
            enumValue(OnViolation.class, onViolation).ifPresentOrElse(port::onViolation, () -> problem(
                    path + ".onViolation", "'" + onViolation + "' is not a violation policy.",
                    "use one of " + names(OnViolation.values()) + "."));
        }
        each(node, "rules", path, (rule, p) -> {
            if (!rule.isObject()) {
                problem(p, "a rule is not a mapping.", "write each rule as name: and expression:.");
                return;
            }
            knownKeys(rule, RULE_KEYS, p);
            String ruleName = text(rule, "name", p, true);
            String expression = text(rule, "expression", p, true);
            if (ruleName != null && expression != null) {
                port.rule(new Rule(ruleName, expression, text(rule, "description", p, false)));
            }
        });
        mapping(node, "classifications", path, (field, level, p) -> {
            if (level.isTextual()) {
                port.classify(field, level.asText());
            } else {
                problem(p, "the classification of '" + field + "' is not text.", "write e.g. email: PII.");
            }
        });
        each(node, "grants", path, (grant, p) -> {
            if (!grant.isObject()) {
                problem(p, "a grant is not a mapping.", "write each grant as domain:, clearance:, purpose:.");
                return;
            }
            knownKeys(grant, GRANT_KEYS, p);
            String domain = text(grant, "domain", p, true);
            String clearance = text(grant, "clearance", p, true);
            String purpose = text(grant, "purpose", p, true);
            if (domain != null && clearance != null && purpose != null) {
                port.grant(new Grant(domain, clearance, purpose));
            }
        });
        JsonNode slo = node.get("slo");
        if (slo != null) {
            if (!slo.isObject()) {
                problem(path + ".slo", "slo is not a mapping.", "write slo: { freshness: PT5M }.");
            } else {
                knownKeys(slo, SLO_KEYS, path + ".slo");
                String freshness = text(slo, "freshness", path + ".slo", false);
                if (freshness != null) {
                    try {
                        port.freshness(Duration.parse(freshness));
                    } catch (DateTimeParseException e) {
                        problem(path + ".slo.freshness", "'" + freshness + "' is not an ISO-8601 duration.",
                                "write e.g. PT5M for five minutes or PT1H for an hour.");
                    }
                }
            }
        }
        return java.util.Optional.of(port.build());
    }

    private @Nullable Schema schema(JsonNode port, String path) {
        JsonNode inline = port.get("schema");
        if (inline != null && (inline.isObject() || inline.isArray())) {
            try {
                return new Schema.Parser().parse(inline.toString());
            } catch (SchemaParseException | IllegalArgumentException e) {
                problem(path + ".schema", "the inline schema is not a valid Avro schema: " + e.getMessage() + ".",
                        "fix the schema; see https://avro.apache.org/docs/current/specification/.");
                return null;
            }
        }
        String file = text(port, "schema", path, true);
        if (file == null) {
            return null;
        }
        Path schemaFile = baseDirectory.resolve(file).normalize();
        String text;
        try {
            text = Files.readString(schemaFile);
        } catch (NoSuchFileException e) {
            problem(path + ".schema", "the schema file '" + file + "' does not exist (looked for " + schemaFile + ").",
                    "give the path of the .avsc file relative to the descriptor.");
            return null;
        } catch (IOException e) {
            problem(path + ".schema", "the schema file '" + file + "' cannot be read: " + e.getMessage() + ".",
                    "check its permissions.");
            return null;
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | IllegalArgumentException e) {
            problem(path + ".schema", "'" + file + "' is not a valid Avro schema: " + e.getMessage() + ".",
                    "fix the schema; see https://avro.apache.org/docs/current/specification/.");
            return null;
        }
    }

    private @Nullable KeyDefinition key(JsonNode port, String path) {
        JsonNode key = port.get("key");
        if (key == null || key.isNull()) {
            problem(path + ".key", "the port has no key.", "add key: { field: <a field of the value> }.");
            return null;
        }
        if (key.isTextual()) {
            return KeyDefinition.field(key.asText());
        }
        if (!key.isObject()) {
            problem(path + ".key", "key is not a mapping.", "write key: { field: orderId }.");
            return null;
        }
        knownKeys(key, KEY_KEYS, path + ".key");
        String field = text(key, "field", path + ".key", true);
        String format = text(key, "format", path + ".key", false);
        if (field == null) {
            return null;
        }
        KeyDefinition definition = KeyDefinition.field(field);
        if (format != null) {
            var parsed = enumValue(KeyDefinition.Format.class, format);
            if (parsed.isEmpty()) {
                problem(path + ".key.format", "'" + format + "' is not a key format.",
                        "use one of " + names(KeyDefinition.Format.values()) + ".");
            } else {
                definition = definition.withFormat(parsed.get());
            }
        }
        return definition;
    }

    private java.util.Optional<InputPort> inputPort(JsonNode node, String path) {
        if (node.isTextual()) {
            return address(node.asText(), path).map(a -> InputPort.of(a, null));
        }
        if (!node.isObject()) {
            problem(path, "an input port is not a mapping.", "write - port: domain.product.port.v1.");
            return java.util.Optional.empty();
        }
        knownKeys(node, INPUT_KEYS, path);
        String port = text(node, "port", path, true);
        String purpose = text(node, "purpose", path, false);
        return port == null ? java.util.Optional.empty() : address(port, path + ".port").map(a -> InputPort.of(a, purpose));
    }

    private java.util.Optional<PortAddress> address(String text, String path) {
        try {
            return java.util.Optional.of(PortAddress.parse(text));
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage() + ".", "write the port's address, e.g. customers.customer-profiles.profiles.v1.");
            return java.util.Optional.empty();
        }
    }

    private void knownKeys(JsonNode node, Set<String> allowed, String path) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problem(join(path, name), "'" + name + "' is not a known key here.",
                        Names.closest(name, allowed).map(c -> "did you mean '" + c + "'?")
                                .orElse("the keys here are: " + allowed.stream().sorted().collect(Collectors.joining(", ")) + "."));
            }
        }
    }

    private @Nullable String text(JsonNode node, String key, String path, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                problem(join(path, key), "'" + key + "' is missing.", "add " + key + ":.");
            }
            return null;
        }
        if (!value.isValueNode()) {
            problem(join(path, key), "'" + key + "' is not a single value.", "write " + key + ": <text>.");
            return null;
        }
        return value.asText();
    }

    private @Nullable Integer integer(JsonNode node, String key, String path, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                problem(join(path, key), "'" + key + "' is missing.", "add " + key + ": <a whole number>.");
            }
            return null;
        }
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            return value.intValue();
        }
        if (value.isTextual()) {
            try {
                return Integer.parseInt(value.asText().trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        problem(join(path, key), "'" + key + "' is '" + value.asText() + "', not a whole number.",
                "write " + key + ": 3 or a similar number.");
        return null;
    }

    private void each(JsonNode node, String key, String path, ElementReader reader) {
        JsonNode list = node.get(key);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            problem(join(path, key), "'" + key + "' is not a list.", "write each entry on a line starting with '- '.");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            reader.read(list.get(i), join(path, key) + "[" + i + "]");
        }
    }

    private void mapping(JsonNode node, String key, String path, EntryReader reader) {
        JsonNode map = node.get(key);
        if (map == null || map.isNull()) {
            return;
        }
        if (!map.isObject()) {
            problem(join(path, key), "'" + key + "' is not a mapping.", "write it as key: value lines.");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            reader.read(entry.getKey(), entry.getValue(), join(path, key) + "." + entry.getKey());
        }
    }

    private void problem(String path, String message, String fix) {
        problems.add(new ValidationProblem(source, path, message, fix));
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static <E extends Enum<E>> java.util.Optional<E> enumValue(Class<E> type, String text) {
        return Arrays.stream(type.getEnumConstants())
                .filter(e -> e.name().equals(text.trim().toUpperCase(Locale.ROOT)))
                .findFirst();
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
    }

    @FunctionalInterface
    private interface ElementReader {
        void read(JsonNode node, String path);
    }

    @FunctionalInterface
    private interface EntryReader {
        void read(String key, JsonNode value, String path);
    }

}

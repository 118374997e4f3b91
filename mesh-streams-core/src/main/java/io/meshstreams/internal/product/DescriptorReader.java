package io.meshstreams.internal.product;

import io.meshstreams.contract.Rule;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.DataProductDescriptor;
import io.meshstreams.product.DescriptorOptions;
import io.meshstreams.product.Grant;
import io.meshstreams.product.InputPort;
import io.meshstreams.product.InvalidDataProductException;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OnViolation;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.product.ValidationProblem;
import io.meshstreams.registry.CompatibilityLevel;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a {@code data-product.yaml} tree key by key, so that every problem in the file is found in one pass, with
 * its path; then validates the product as a whole with {@link DataProductValidation}, and only then builds it.
 *
 * <p>A descriptor is untrusted input (CI validates pull requests): files are read by {@link DescriptorFiles}
 * (regular files inside the schema root, bounded), text is parsed by {@link DescriptorParser} (bounded, no aliases,
 * no duplicate keys), and no message quotes a file that is not a descriptor or schema. Whatever goes wrong, the
 * reader throws {@link InvalidDataProductException} and nothing else.
 */
public final class DescriptorReader {
    /** The longest catalog entry read (schemas inline). */
    static final int MAX_INLINE_CHARS = 64 * 1024 * 1024;
    /** Problems reported for one file before the reader stops looking: a hostile file could have millions. */
    static final int MAX_PROBLEMS = 100;

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
    /** The top-level {@code type}s of an Avro schema; JSON without one is not a schema, and is not quoted. */
    private static final Set<String> AVRO_TYPES = Set.of("record", "error", "enum", "fixed", "array", "map", "null",
            "boolean", "int", "long", "float", "double", "bytes", "string");

    private final String source;
    private final Path baseDirectory;
    private final Path schemaRoot;
    private final boolean schemaRootGiven;
    private final DescriptorOptions options;
    /** Catalog entries carry their schemas inline and may name no file. */
    private final boolean inline;
    private final List<ValidationProblem> problems = new ArrayList<>();
    /** For each output port that could be read, its index in the file (ports that could not be read are skipped). */
    private final List<Integer> portIndexInFile = new ArrayList<>();

    private DescriptorReader(String source, Path baseDirectory, DescriptorOptions options, boolean inline) {
        this.source = source;
        this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
        this.schemaRoot = options.schemaRoot().orElse(this.baseDirectory);
        this.schemaRootGiven = options.schemaRoot().isPresent();
        this.options = options;
        this.inline = inline;
    }

    public static DataProduct read(Path file) {
        return read(file, DescriptorOptions.defaults());
    }

    public static DataProduct read(Path file, DescriptorOptions options) {
        String source = file.toString();
        DescriptorFiles.Text text = DescriptorFiles.readDescriptor(file, options.maxDescriptorBytes());
        if (!text.ok()) {
            throw single(source, "", text.message(), text.fix());
        }
        Path parent = file.toAbsolutePath().getParent();
        return new DescriptorReader(source, parent == null ? Path.of("") : parent, options, false)
                .product(text.text());
    }

    public static DataProduct read(String yaml, Path baseDirectory, String source) {
        return read(yaml, baseDirectory, source, DescriptorOptions.defaults());
    }

    public static DataProduct read(String yaml, Path baseDirectory, String source, DescriptorOptions options) {
        if (yaml.length() > options.maxDescriptorBytes()) {
            throw single(source, "", "the descriptor is longer than " + DescriptorFiles.size(options.maxDescriptorBytes())
                    + ", the limit for a descriptor.", "keep the descriptor small: Avro schemas belong in .avsc files"
                    + " beside it.");
        }
        return new DescriptorReader(source, baseDirectory, options, false).product(yaml);
    }

    /** Reads a descriptor whose schemas are inline (JSON objects rather than file names), as the catalog stores it. */
    public static DataProduct readInline(String json, String source) {
        return new DescriptorReader(source, Path.of(""), DescriptorOptions.defaults(), true).product(json);
    }

    private static InvalidDataProductException single(String source, String path, String message, String fix) {
        return new InvalidDataProductException(source, List.of(ValidationProblem.of(source, path, message, fix)));
    }

    private DataProduct product(String text) {
        try {
            return readProduct(text);
        } catch (TooManyProblems e) {
            List<ValidationProblem> first = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
            first.add(ValidationProblem.of(source, "", "there are more problems; these are the first "
                    + MAX_PROBLEMS + ".", "fix these first."));
            throw new InvalidDataProductException(source, first);
        } catch (InvalidDataProductException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // Not a message: it could quote what the file holds.
            throw single(source, "", "the file could not be checked: " + e.getClass().getSimpleName()
                    + " while reading it.", "simplify the file; if it is a valid descriptor, report this as a bug"
                    + " of mesh-streams.");
        }
    }

    private DataProduct readProduct(String text) {
        DescriptorParser.Parsed parsed = inline
                ? DescriptorParser.json(text, MAX_INLINE_CHARS)
                : DescriptorParser.yaml(text, options.maxDescriptorBytes());
        if (!parsed.ok()) {
            throw single(source, parsed.path(), parsed.message(), parsed.fix());
        }
        JsonNode root = parsed.tree();
        if (root == null || !root.isObject()) {
            throw single(source, "", "the file is not a YAML mapping.", "start from an example data-product.yaml.");
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
        String owner = text(root, "owner", "", true);
        String description = text(root, "description", "", false);
        List<String> tags = new ArrayList<>();
        each(root, "tags", "", (node, path) -> {
            if (node.isTextual()) {
                tags.add(node.asText());
            } else {
                problem(path, "a tag is " + describe(node) + ", not text.",
                        "write tags as a list of words: tags: [sales, orders].");
            }
        });
        List<PortDraft> ports = new ArrayList<>();
        each(root, "outputPorts", "", (node, path) -> outputPort(node, path).ifPresent(port -> {
            portIndexInFile.add(Integer.parseInt(path.substring(path.indexOf('[') + 1, path.indexOf(']'))));
            ports.add(port);
        }));
        List<InputPort> inputs = new ArrayList<>();
        each(root, "inputPorts", "", (node, path) -> inputPort(node, path).ifPresent(inputs::add));

        ProductDraft draft = new ProductDraft(domain == null ? "" : domain, name == null ? "" : name,
                owner == null ? "" : owner, description == null ? "" : description, tags, ports, inputs);
        boolean portsMissing = problems.stream().anyMatch(p -> p.path().startsWith("outputPorts"));
        for (ValidationProblem p : DataProductValidation.product(draft, source, true)) {
            // The reader already reported missing names, owner and unreadable ports; validation would repeat them.
            boolean repeated = (domain == null && p.path().equals("domain")) || (name == null && p.path().equals("name"))
                    || (owner == null && p.path().equals("owner")) || (portsMissing && p.path().equals("outputPorts"));
            if (!repeated) {
                problem(inFile(p.path()), p.message(), p.fix());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidDataProductException(productId(domain, name), problems);
        }
        return build(draft);
    }

    /** Builds the product, which the checks above found valid, through the same public path as code does. */
    private DataProduct build(ProductDraft draft) {
        try {
            DataProduct.Builder product = DataProduct.builder(draft.domain(), draft.name())
                    .owner(draft.owner()).description(draft.description());
            draft.tags().forEach(product::tag);
            for (PortDraft port : draft.outputPorts()) {
                OutputPort.Builder builder = OutputPort.builder(port.name(), port.majorVersion())
                        .description(port.description())
                        .partitions(port.partitions())
                        .compatibility(port.compatibility())
                        .onViolation(port.onViolation());
                if (port.valueSchema() != null) {
                    builder.valueSchema(port.valueSchema());
                }
                if (port.key() != null) {
                    builder.key(port.key());
                }
                port.replicationFactor().ifPresent(builder::replicationFactor);
                port.freshness().ifPresent(builder::freshness);
                port.topicConfigs().forEach(builder::topicConfig);
                port.rules().forEach(builder::rule);
                port.classifications().forEach(builder::classify);
                port.grants().forEach(builder::grant);
                product.outputPort(builder.build());
            }
            draft.inputPorts().forEach(product::inputPort);
            return product.build();
        } catch (InvalidDataProductException e) {
            List<ValidationProblem> all = new ArrayList<>();
            e.problems().forEach(p -> all.add(ValidationProblem.of(source, inFile(p.path()), p.message(), p.fix())));
            throw new InvalidDataProductException(productId(draft.domain(), draft.name()), all);
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

    private Optional<PortDraft> outputPort(JsonNode node, String path) {
        if (!node.isObject()) {
            problem(path, "an output port is not a mapping.", "write each port as name:, version:, schema:, key: ...");
            return Optional.empty();
        }
        knownKeys(node, PORT_KEYS, path);
        String name = text(node, "name", path, true);
        Integer version = integer(node, "version", path, true);
        Schema schema = schema(node, path);
        String description = text(node, "description", path, false);
        KeyDefinition key = key(node, path);
        Integer partitions = integer(node, "partitions", path, false);
        Integer replication = integer(node, "replicationFactor", path, false);
        Optional<Short> replicationFactor = Optional.empty();
        if (replication != null) {
            if (replication > Short.MAX_VALUE || replication < Short.MIN_VALUE) {
                problem(path + ".replicationFactor", "replicationFactor " + replication + " is out of range.",
                        "give a small positive number such as 3.");
            } else {
                replicationFactor = Optional.of(replication.shortValue());
            }
        }
        Map<String, String> topicConfigs = new LinkedHashMap<>();
        mapping(node, "config", path, (configKey, value, p) -> {
            if (value.isValueNode() && !value.isNull()) {
                topicConfigs.put(configKey, value.asText());
            } else {
                problem(p, "the value of topic config '" + configKey + "' is not a single value.",
                        "write it as text, e.g. retention.ms: \"604800000\".");
            }
        });
        CompatibilityLevel compatibility = CompatibilityLevel.FULL_TRANSITIVE;
        String compatibilityText = text(node, "compatibility", path, false);
        if (compatibilityText != null) {
            Optional<CompatibilityLevel> parsed = CompatibilityLevel.parse(compatibilityText);
            if (parsed.isPresent()) {
                compatibility = parsed.get();
            } else {
                problem(path + ".compatibility", "'" + compatibilityText + "' is not a compatibility level.",
                        "use one of " + CompatibilityLevel.validNames() + ".");
            }
        }
        OnViolation onViolation = OnViolation.QUARANTINE;
        String onViolationText = text(node, "onViolation", path, false);
        if (onViolationText != null) {
            Optional<OnViolation> parsed = enumValue(OnViolation.class, onViolationText);
            if (parsed.isPresent()) {
                onViolation = parsed.get();
            } else {
                problem(path + ".onViolation", "'" + onViolationText + "' is not a violation policy.",
                        "use one of " + names(OnViolation.values()) + ".");
            }
        }
        List<Rule> rules = new ArrayList<>();
        each(node, "rules", path, (rule, p) -> {
            if (!rule.isObject()) {
                problem(p, "a rule is not a mapping.", "write each rule as name: and expression:.");
                return;
            }
            knownKeys(rule, RULE_KEYS, p);
            String ruleName = text(rule, "name", p, true);
            String expression = text(rule, "expression", p, true);
            String ruleDescription = text(rule, "description", p, false);
            if (ruleName != null && expression != null) {
                rules.add(new Rule(ruleName, expression, ruleDescription));
            }
        });
        Map<String, String> classifications = new LinkedHashMap<>();
        mapping(node, "classifications", path, (field, level, p) -> {
            if (level.isTextual()) {
                classifications.put(field, level.asText());
            } else {
                problem(p, "the classification of '" + field + "' is " + describe(level) + ", not text.",
                        "write e.g. email: PII.");
            }
        });
        List<Grant> grants = new ArrayList<>();
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
                List<ValidationProblem> found = DataProductValidation.grant(domain, clearance, purpose, source);
                found.forEach(problem -> problem(DataProductValidation.at(problem, source, p)));
                if (found.isEmpty()) {
                    grants.add(Grant.of(domain, clearance, purpose));
                }
            }
        });
        Optional<Duration> freshness = Optional.empty();
        JsonNode slo = node.get("slo");
        if (slo != null && !slo.isNull()) {
            if (!slo.isObject()) {
                problem(path + ".slo", "slo is not a mapping.", "write slo: { freshness: PT5M }.");
            } else {
                knownKeys(slo, SLO_KEYS, path + ".slo");
                String freshnessText = text(slo, "freshness", path + ".slo", false);
                if (freshnessText != null) {
                    try {
                        freshness = Optional.of(Duration.parse(freshnessText));
                    } catch (DateTimeParseException e) {
                        problem(path + ".slo.freshness", "'" + freshnessText + "' is not an ISO-8601 duration.",
                                "write e.g. PT5M for five minutes or PT1H for an hour.");
                    }
                }
            }
        }
        if (name == null || version == null) {
            return Optional.empty();
        }
        return Optional.of(new PortDraft(name, version, description == null ? "" : description, schema, key,
                partitions == null ? OutputPort.DEFAULT_PARTITIONS : partitions, replicationFactor, topicConfigs,
                compatibility, rules, classifications, grants, onViolation, freshness));
    }

    private @Nullable Schema schema(JsonNode port, String path) {
        JsonNode inlineSchema = port.get("schema");
        if (inlineSchema != null && (inlineSchema.isObject() || inlineSchema.isArray())) {
            // The descriptor's own text: a message may quote it.
            return avro(inlineSchema, path, "the inline schema");
        }
        if (inlineSchema != null && inline && inlineSchema.isTextual()) {
            problem(path + ".schema", "the schema is a file name, but this descriptor's schemas are inline.",
                    "give the Avro schema itself as a JSON object.");
            return null;
        }
        String reference = text(port, "schema", path, true);
        if (reference == null) {
            return null;
        }
        if (inline) {
            return null;
        }
        DescriptorFiles.Text text = DescriptorFiles.readSchema(baseDirectory, schemaRoot, schemaRootGiven, reference,
                options.maxSchemaBytes());
        if (!text.ok()) {
            problem(path + ".schema", text.message(), text.fix());
            return null;
        }
        String shown = "'" + DescriptorFiles.printable(reference) + "'";
        DescriptorParser.Parsed json = DescriptorParser.json(text.text(), options.maxSchemaBytes());
        if (!json.ok()) {
            String message = json.message().startsWith("the file ") ? json.message().substring("the file ".length())
                    : json.message();
            problem(path + ".schema", shown + " " + message + (json.path().isEmpty() ? "" : " (at " + json.path() + ")"),
                    "an Avro schema (.avsc) is JSON; " + json.fix());
            return null;
        }
        JsonNode tree = json.tree();
        if (tree == null || !looksLikeAvro(tree)) {
            problem(path + ".schema", shown + " is JSON but not an Avro schema: it has no Avro \"type\" at its top"
                    + " level.", "point schema: at an Avro schema such as {\"type\": \"record\", \"name\": \"Order\","
                    + " \"fields\": [...]}.");
            return null;
        }
        return avro(tree, path, shown);
    }

    /** A JSON object with an Avro type, a union (array) or a primitive type's name: a schema, perhaps a wrong one. */
    private static boolean looksLikeAvro(JsonNode tree) {
        if (tree.isArray()) {
            return true;
        }
        if (tree.isTextual()) {
            return AVRO_TYPES.contains(tree.asText());
        }
        JsonNode type = tree.get("type");
        return tree.isObject() && type != null && (type.isObject() || type.isArray()
                || (type.isTextual() && AVRO_TYPES.contains(type.asText())));
    }

    /** Avro's message may quote the schema: only called for the descriptor's own text or JSON that is a schema. */
    private @Nullable Schema avro(JsonNode tree, String path, String what) {
        try {
            return new Schema.Parser().parse(tree.toString());
        } catch (AvroRuntimeException | IllegalArgumentException | NullPointerException | ClassCastException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (detail.length() > 300) {
                detail = detail.substring(0, 300) + "...";
            }
            problem(path + ".schema", what + " is not a valid Avro schema: "
                    + DescriptorFiles.printable(detail) + ".",
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
        if (!key.isObject()) {
            String example = key.isTextual() && Names.FIELD_PATH.matcher(key.asText()).matches() ? key.asText() : "orderId";
            problem(path + ".key", "key is " + describe(key) + "; it must be a mapping.",
                    "write key: { field: " + example + " } (and format: AVRO for Avro keys).");
            return null;
        }
        knownKeys(key, KEY_KEYS, path + ".key");
        String field = text(key, "field", path + ".key", true);
        String format = text(key, "format", path + ".key", false);
        if (field == null) {
            return null;
        }
        KeyDefinition.Format parsedFormat = KeyDefinition.Format.STRING;
        if (format != null) {
            Optional<KeyDefinition.Format> parsed = enumValue(KeyDefinition.Format.class, format);
            if (parsed.isEmpty()) {
                problem(path + ".key.format", "'" + format + "' is not a key format.",
                        "use one of " + names(KeyDefinition.Format.values()) + ".");
            } else {
                parsedFormat = parsed.get();
            }
        }
        List<ValidationProblem> found = DataProductValidation.key(field, source);
        if (!found.isEmpty()) {
            found.forEach(p -> problem(DataProductValidation.at(p, source, path + ".key")));
            return null;
        }
        return KeyDefinition.of(field, parsedFormat);
    }

    private Optional<InputPort> inputPort(JsonNode node, String path) {
        if (node.isTextual()) {
            return address(node.asText(), path).map(a -> InputPort.of(a, null));
        }
        if (!node.isObject()) {
            problem(path, "an input port is not a mapping.", "write - port: domain.product.port.v1.");
            return Optional.empty();
        }
        knownKeys(node, INPUT_KEYS, path);
        String port = text(node, "port", path, true);
        String purpose = text(node, "purpose", path, false);
        return port == null ? Optional.empty() : address(port, path + ".port").map(a -> InputPort.of(a, purpose));
    }

    private Optional<PortAddress> address(String text, String path) {
        try {
            return Optional.of(PortAddress.parse(text));
        } catch (IllegalArgumentException e) {
            problem(path, "'" + DescriptorFiles.printable(text) + "' is not a port address; expected"
                    + " domain.product.port.vMAJOR.", "write the port's address, e.g."
                    + " customers.customer-profiles.profiles.v1.");
            return Optional.empty();
        }
    }

    private void knownKeys(JsonNode node, Set<String> allowed, String path) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problem(join(path, DescriptorFiles.printable(name)), "'" + DescriptorFiles.printable(name)
                        + "' is not a known key here.", Names.closest(name, allowed).map(c -> "did you mean '" + c + "'?")
                        .orElse("the keys here are: " + allowed.stream().sorted().collect(Collectors.joining(", ")) + "."));
            }
        }
    }

    /** A text value: a YAML string. A number or boolean (owner: true) is refused, not turned into text. */
    private @Nullable String text(JsonNode node, String key, String path, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                problem(join(path, key), "'" + key + "' is missing.", "add " + key + ":.");
            }
            return null;
        }
        if (!value.isTextual()) {
            problem(join(path, key), "'" + key + "' is " + describe(value) + ", not text.",
                    "write " + key + ": <text>" + (value.isValueNode() ? "; quote it if it is meant as text, e.g. "
                            + key + ": \"" + DescriptorFiles.printable(value.asText()) + "\"." : "."));
            return null;
        }
        return value.asText();
    }

    /** What a value is, in words, for a message: never the value itself unless it is a number or boolean. */
    private static String describe(JsonNode value) {
        if (value.isBoolean()) {
            return "a boolean (" + value.asText() + ")";
        }
        if (value.isNumber()) {
            return "a number (" + DescriptorFiles.printable(value.asText()) + ")";
        }
        if (value.isTextual()) {
            return "a single value ('" + DescriptorFiles.printable(value.asText()) + "')";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        return "not a plain value";
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
        problem(join(path, key), "'" + key + "' is " + describe(value) + ", not a whole number.",
                "write " + key + ": 3 or a similar number.");
        return null;
    }

    private void each(JsonNode node, String key, String path, ElementReader reader) {
        JsonNode list = node.get(key);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            problem(join(path, key), "'" + key + "' is " + describe(list) + ", not a list.",
                    "write each entry on a line starting with '- '.");
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
            problem(join(path, key), "'" + key + "' is " + describe(map) + ", not a mapping.",
                    "write it as key: value lines.");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            reader.read(entry.getKey(), entry.getValue(), join(path, key) + "." + DescriptorFiles.printable(entry.getKey()));
        }
    }

    private void problem(String path, String message, String fix) {
        problem(ValidationProblem.of(source, path, message, fix));
    }

    private void problem(ValidationProblem problem) {
        problems.add(problem);
        if (problems.size() > MAX_PROBLEMS) {
            throw new TooManyProblems();
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static <E extends Enum<E>> Optional<E> enumValue(Class<E> type, String text) {
        return Arrays.stream(type.getEnumConstants())
                .filter(e -> e.name().equals(text.trim().toUpperCase(Locale.ROOT)))
                .findFirst();
    }

    private static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** Stops reading a file once {@link #MAX_PROBLEMS} problems are found. */
    private static final class TooManyProblems extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyProblems() {
            super(null, null, false, false);
        }
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

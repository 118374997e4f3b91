package io.meshstreams.internal.product;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses descriptors (YAML) and schemas and catalog entries (JSON) from untrusted text into trees, with limits on
 * length, nesting and names, refusing duplicate keys (YAML and JSON would keep one silently), YAML aliases (Jackson
 * would read {@code *name} as the text "name"; expanded, they make alias bombs) and more than one YAML document.
 * What goes wrong is told in our own words with line and column: never the parser's own message, which quotes the
 * text.
 */
public final class DescriptorParser {
    /** How deep a descriptor nests: its own structure needs 6 levels, an inline Avro schema 3 per nested record. */
    static final int MAX_YAML_DEPTH = 64;
    /** How deep a schema or catalog entry nests. */
    static final int MAX_JSON_DEPTH = 128;
    static final int MAX_NAME_LENGTH = 1_000;
    static final int MAX_NUMBER_LENGTH = 100;

    private static final Map<Integer, ObjectMapper> YAML_MAPPERS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<Integer, ObjectMapper> JSON_MAPPERS = new java.util.concurrent.ConcurrentHashMap<>();

    private DescriptorParser() {
    }

    /** The tree, or what is wrong: exactly one of {@code tree} and {@code message} is set. */
    public record Parsed(@Nullable JsonNode tree, String path, @Nullable String message, String fix) {
        static Parsed of(@Nullable JsonNode tree) {
            return new Parsed(tree, "", null, "");
        }

        public boolean ok() {
            return message == null;
        }
    }

    /** Parses a YAML descriptor of at most {@code maxChars} characters. */
    public static Parsed yaml(String text, int maxChars) {
        ObjectMapper mapper = YAML_MAPPERS.computeIfAbsent(maxChars, DescriptorParser::yamlMapper);
        return parse(mapper, text, true, "YAML", "fix the YAML there (indentation with spaces, quotes, colons).");
    }

    /** Parses JSON of at most {@code maxChars} characters (a schema file, a catalog entry). */
    public static Parsed json(String text, int maxChars) {
        ObjectMapper mapper = JSON_MAPPERS.computeIfAbsent(maxChars, DescriptorParser::jsonMapper);
        return parse(mapper, text, false, "JSON", "fix the JSON there.");
    }

    private static StreamReadConstraints constraints(int maxChars, int maxDepth) {
        return StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(Math.max(1, maxChars))
                .maxNameLength(MAX_NAME_LENGTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxDocumentLength(Math.max(1, maxChars))
                .build();
    }

    private static ObjectMapper yamlMapper(int maxChars) {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(Math.max(1, maxChars));
        loader.setNestingDepthLimit(MAX_YAML_DEPTH);
        loader.setMaxAliasesForCollections(0);
        // Duplicate keys stay allowed here: Jackson would refuse them with a message naming neither path nor lines;
        // Guarded refuses them with both.
        loader.setAllowRecursiveKeys(false);
        return new ObjectMapper(YAMLFactory.builder()
                .loaderOptions(loader)
                .streamReadConstraints(constraints(maxChars, MAX_YAML_DEPTH))
                .build());
    }

    private static ObjectMapper jsonMapper(int maxChars) {
        return new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(constraints(maxChars, MAX_JSON_DEPTH))
                .build());
    }

    private static Parsed parse(ObjectMapper mapper, String text, boolean yaml, String language, String fix) {
        try (JsonParser raw = mapper.createParser(text); Guarded parser = new Guarded(raw, language)) {
            JsonNode tree = mapper.readTree(parser);
            if (tree != null && parser.nextToken() != null) {
                return problem(parser.currentTokenLocation(), "", "the file holds more than one "
                        + (yaml ? "YAML document (a second one starts here)" : "JSON value"),
                        yaml ? "keep one document: remove the '---' line and what follows, or split the file."
                                : "keep one JSON value in the file.");
            }
            return Parsed.of(tree);
        } catch (Refused e) {
            return new Parsed(null, e.path, e.getMessage(), e.fix);
        } catch (StreamConstraintsException e) {
            return problem(e.getLocation(), "", "the file " + limitBroken(e, yaml), "simplify the file.");
        } catch (JsonProcessingException e) {
            Refused refused = refusedIn(e);
            if (refused != null) {
                return new Parsed(null, refused.path, refused.getMessage(), refused.fix);
            }
            if (e.getCause() instanceof MarkedYAMLException marked) {
                Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
                String where = mark == null ? locate(e.getLocation())
                        : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
                return new Parsed(null, "", "the file is not valid YAML" + where + ": " + yamlProblem(marked) + ".",
                        fix);
            }
            if (e.getMessage() != null && e.getMessage().contains("exceeds the limit")) {
                return problem(e.getLocation(), "", "the file is longer than the limit", "simplify the file.");
            }
            return new Parsed(null, "", "the file is not valid " + language + locate(e.getLocation()) + ": "
                    + (yaml ? "expected a mapping of text keys to values" : jsonProblem(e)) + ".", fix);
        } catch (IOException | RuntimeException e) {
            Refused refused = refusedIn(e);
            if (refused != null) {
                return new Parsed(null, refused.path, refused.getMessage(), refused.fix);
            }
            return new Parsed(null, "", "the file could not be parsed as " + language + " ("
                    + e.getClass().getSimpleName() + ").", fix);
        } catch (StackOverflowError e) {
            return new Parsed(null, "", "the file nests too deeply to be parsed as " + language + ".",
                    "simplify the file.");
        }
    }

    /** Jackson's tree reading wraps what a parser throws (in some positions): our refusal, found again. */
    private static @Nullable Refused refusedIn(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof Refused refused) {
                return refused;
            }
        }
        return null;
    }

    private static Parsed problem(@Nullable JsonLocation location, String path, String message, String fix) {
        return new Parsed(null, path, message + locate(location) + ".", fix);
    }

    private static String locate(@Nullable JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** Which limit a file broke, from the kind of limit; Jackson's message names no content, but we use our words. */
    private static String limitBroken(StreamConstraintsException e, boolean yaml) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("nesting depth")) {
            return "nests deeper than " + (yaml ? MAX_YAML_DEPTH : MAX_JSON_DEPTH) + " levels";
        }
        if (message.contains("name")) {
            return "has a key longer than " + MAX_NAME_LENGTH + " characters";
        }
        if (message.contains("number")) {
            return "has a number longer than " + MAX_NUMBER_LENGTH + " digits";
        }
        return "is longer than the limit";
    }

    /** SnakeYAML's context says what it was reading; its problem may quote the text, so it is only classified. */
    private static String yamlProblem(MarkedYAMLException e) {
        String context = e.getContext() == null ? "" : e.getContext();
        String problem = e.getProblem() == null ? "" : e.getProblem();
        if (context.contains("quoted scalar")) {
            return "a quoted value is not closed or has an invalid escape (expected a closing quote)";
        }
        if (context.contains("flow sequence")) {
            return "a list in brackets is not closed, or its items are not separated by commas (expected ',' or ']')";
        }
        if (context.contains("flow mapping")) {
            return "a mapping in braces is not closed, or its entries are not separated by commas (expected ',' or '}')";
        }
        if (context.contains("block mapping")) {
            return "a line is indented differently from the other keys of its mapping (expected the next key at the"
                    + " same indentation)";
        }
        if (context.contains("block collection") || context.contains("indentless sequence")) {
            return "a list item is indented differently from the others (expected '- ' at the same indentation)";
        }
        if (context.contains("simple key")) {
            return "a key has no ':' after it (expected 'key: value')";
        }
        if (problem.startsWith("mapping values are not allowed")) {
            return "a ':' follows a value on the same line (expected one 'key: value' per line; quote a value that"
                    + " contains ': ')";
        }
        if (problem.contains("(TAB)")) {
            return "a tab character where YAML expects spaces (indent with spaces only)";
        }
        if (context.contains("alias") || context.contains("anchor")) {
            return "an anchor or alias is malformed";
        }
        if (context.contains("block scalar")) {
            return "a block of text (| or >) is malformed";
        }
        if (context.contains("directive") || context.contains("tag")) {
            return "a % directive or ! tag is malformed";
        }
        if (context.contains("next token")) {
            return "a character that cannot start a YAML value";
        }
        return "the structure breaks here";
    }

    private static String jsonProblem(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "the file ends before the JSON is complete (an object, array or string is not closed)";
        }
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.startsWith("Unexpected end-of-input")) {
            return "the file ends before the JSON is complete (an object, array or string is not closed)";
        }
        if (message.startsWith("Unexpected character") || message.startsWith("Unrecognized token")) {
            return "expected a JSON value here (an object {...}, an array [...], a string in double quotes, a number,"
                    + " true, false or null), or a comma or closing bracket after the previous one";
        }
        if (message.startsWith("Illegal unquoted character") || message.contains("control character")) {
            return "a control character inside a string (escape it, e.g. \\n)";
        }
        return "the JSON syntax breaks here";
    }

    /** A refusal in our words, thrown out of Jackson's reading. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String path;
        final String fix;

        Refused(String path, String message, String fix) {
            super(message, null, false, false);
            this.path = path;
            this.fix = fix;
        }
    }

    /** Refuses YAML aliases and duplicate keys as the tokens go by. */
    private static final class Guarded extends JsonParserDelegate {
        private final String language;
        private final Deque<Map<String, Integer>> keys = new ArrayDeque<>();

        Guarded(JsonParser parser, String language) {
            super(parser);
            this.language = language;
        }

        @Override
        public @Nullable JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == null) {
                return null;
            }
            if (delegate instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                throw new Refused(path(delegate.getParsingContext()), "the file uses a YAML alias (*name)"
                        + locate(delegate.currentTokenLocation()) + "; descriptors do not expand anchors and aliases.",
                        "write the value out in full where it is used.");
            }
            switch (token) {
                case START_OBJECT -> keys.push(new HashMap<>());
                case END_OBJECT -> keys.poll();
                case FIELD_NAME -> {
                    Map<String, Integer> seen = keys.peek();
                    String name = delegate.currentName();
                    int line = delegate.currentTokenLocation().getLineNr();
                    if (seen != null && name != null) {
                        Integer first = seen.putIfAbsent(name, line);
                        if (first != null) {
                            throw new Refused(path(delegate.getParsingContext()), "the key '"
                                    + DescriptorFiles.printable(name) + "' is given twice in one mapping ("
                                    + (first == line ? "line " + line : "lines " + first + " and " + line) + "); " + language + " would keep only one of them.",
                                    "remove one of them.");
                        }
                    }
                }
                default -> {
                    // values need no check
                }
            }
            return token;
        }

        // Jackson's delegate forwards these to the parser it wraps, past the checks above.
        @Override
        public @Nullable JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken current = currentToken();
            if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY) {
                return this;
            }
            int open = 1;
            while (open > 0) {
                JsonToken token = nextToken();
                if (token == null) {
                    break;
                }
                if (token.isStructStart()) {
                    open++;
                } else if (token.isStructEnd()) {
                    open--;
                }
            }
            return this;
        }
    }

    /** {@code outputPorts[0].key.field} for the parser's position. */
    static String path(@Nullable JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.add(0, "." + DescriptorFiles.printable(c.getCurrentName()));
            } else if (c.inArray()) {
                parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }
}

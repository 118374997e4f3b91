package io.meshstreams.examples;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where an example app finds its mesh and its options. Every setting has a key and can be given three ways; the
 * first found wins:
 * <ol>
 *   <li>a flag: the key with dashes, {@code --bootstrap-servers host:9092} or {@code --bootstrap-servers=host:9092};</li>
 *   <li>an environment variable: the key in upper case with underscores, {@code BOOTSTRAP_SERVERS};</li>
 *   <li>a line of a properties file, {@code bootstrap.servers=host:9092}, the file named by {@code --config FILE} or
 *       {@code MESH_CONFIG}. Any other key in the file (Kafka's {@code security.protocol}, {@code sasl.*}, the
 *       registry's {@code basic.auth.user.info}, ...) is passed to the clients as it is.</li>
 * </ol>
 * <p>The mesh's keys are Kafka's and Confluent's own: {@code bootstrap.servers}, {@code schema.registry.url}, and
 * {@code mesh.masking.hash.key} (flag {@code --mesh-masking-hash-key}, variable {@code MESH_MASKING_HASH_KEY}).
 */
public final class MeshSettings {
    /** A setting an app reads: its key, its default (null: none) and what it means, for {@code --help}. */
    public record Option(String key, @Nullable String defaultValue, String description) {
        public Option {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(description, "description");
        }

        public String flag() {
            return "--" + key.replace('.', '-');
        }

        public String environmentVariable() {
            return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    public static final Option BOOTSTRAP_SERVERS = new Option("bootstrap.servers", "localhost:9092",
            "Kafka's bootstrap servers, host:port,...");
    public static final Option SCHEMA_REGISTRY_URL = new Option("schema.registry.url", "http://localhost:8081",
            "the schema registry's URL (Confluent's REST API)");
    public static final Option MASKING_HASH_KEY = new Option("mesh.masking.hash.key", null,
            "the mesh's secret for hashing PII (32+ bytes, the same in every service)");
    /** The properties file; not itself passed on. */
    public static final Option CONFIG = new Option("config", null,
            "a properties file with any of these keys and further client settings (env: MESH_CONFIG)");

    private static final String CONFIG_VARIABLE = "MESH_CONFIG";
    /** The mesh's settings every app reads. */
    public static final List<Option> MESH_OPTIONS = List.of(BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL, MASKING_HASH_KEY);

    private final List<Option> options;
    private final Map<String, String> values;
    private final Map<String, String> passThrough;

    private MeshSettings(List<Option> options, Map<String, String> values, Map<String, String> passThrough) {
        this.options = options;
        this.values = values;
        this.passThrough = passThrough;
    }

    /**
     * Reads the settings from flags, the environment and the properties file.
     *
     * @param appOptions the app's own options, besides the mesh's
     * @throws IllegalArgumentException for an unknown flag, a flag without a value, or an unreadable file, saying
     *                                  which flags there are
     */
    public static MeshSettings load(String[] args, Map<String, String> environment, List<Option> appOptions) {
        List<Option> options = Stream.concat(MESH_OPTIONS.stream(), appOptions.stream()).toList();
        Map<String, String> flags = flags(args, Stream.concat(options.stream(), Stream.of(CONFIG)).toList());
        String configFile = flags.getOrDefault(CONFIG.key(), environment.get(CONFIG_VARIABLE));
        Map<String, String> file = configFile == null ? Map.of() : readProperties(Path.of(configFile));

        Map<String, String> values = new LinkedHashMap<>();
        for (Option option : options) {
            String value = flags.get(option.key());
            if (value == null) {
                value = environment.get(option.environmentVariable());
            }
            if (value == null) {
                value = file.get(option.key());
            }
            if (value == null) {
                value = option.defaultValue();
            }
            if (value != null) {
                values.put(option.key(), value);
            }
        }
        Map<String, String> passThrough = new LinkedHashMap<>(file);
        options.forEach(option -> passThrough.remove(option.key()));
        return new MeshSettings(options, values, passThrough);
    }

    /**
     * {@link #load} for a {@code main}: prints the usage and exits 0 on {@code --help}, prints the problem and the
     * usage and exits 2 on a bad flag.
     */
    public static MeshSettings fromCommandLine(String command, String description, String[] args,
                                               List<Option> appOptions) {
        List<Option> all = Stream.concat(Stream.concat(MESH_OPTIONS.stream(), appOptions.stream()), Stream.of(CONFIG))
                .toList();
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            usage(System.out, command, description, all);
            System.exit(0);
        }
        try {
            return load(args, System.getenv(), appOptions);
        } catch (IllegalArgumentException e) {
            System.err.println(command + ": " + e.getMessage());
            usage(System.err, command, description, all);
            System.exit(2);
            throw e; // not reached
        }
    }

    /** The value of an option: flag, environment, file or default; null if none of them has one. */
    public @Nullable String get(Option option) {
        return values.get(option.key());
    }

    /** The value of an option that has a default. */
    public String require(Option option) {
        String value = get(option);
        if (value == null) {
            throw new IllegalArgumentException("set " + option.flag() + " or " + option.environmentVariable());
        }
        return value;
    }

    /** An option as a number. */
    public double number(Option option) {
        String value = require(option);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option.flag() + " is '" + value + "', not a number");
        }
    }

    /**
     * The configuration of a {@code MeshClient} acting for {@code domain}: {@code mesh.domain}, the mesh's keys that
     * are set, and every other key of the properties file.
     */
    public Map<String, Object> clientConfig(String domain) {
        Map<String, Object> config = new HashMap<>(passThrough);
        for (Option option : MESH_OPTIONS) {
            String value = values.get(option.key());
            if (value != null) {
                config.put(option.key(), value);
            }
        }
        config.put("mesh.domain", domain);
        return config;
    }

    /** The settings for a log line: each option's value, the hash key hidden. */
    public String describe() {
        return options.stream()
                .filter(option -> values.containsKey(option.key()))
                .map(option -> option.key() + "=" + (option.equals(MASKING_HASH_KEY) ? "[hidden]" : values.get(option.key())))
                .collect(Collectors.joining(", "));
    }

    private static Map<String, String> flags(String[] args, List<Option> options) {
        Map<String, Option> byFlag = new HashMap<>();
        options.forEach(option -> byFlag.put(option.flag(), option));
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String flag = equals > 0 ? arg.substring(0, equals) : arg;
            Option option = byFlag.get(flag);
            if (option == null) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; the options are "
                        + options.stream().map(Option::flag).collect(Collectors.joining(", ")));
            }
            String value;
            if (equals > 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            flags.put(option.key(), value);
        }
        return flags;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the properties file " + file.toAbsolutePath() + ": " + e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(key -> map.put(key, properties.getProperty(key)));
        return map;
    }

    private static void usage(PrintStream out, String command, String description, List<Option> options) {
        out.println("Usage: " + command + " [OPTIONS]");
        out.println(description);
        out.println();
        List<String[]> rows = new ArrayList<>();
        for (Option option : options) {
            String variable = option.equals(CONFIG) ? CONFIG_VARIABLE : option.environmentVariable();
            rows.add(new String[] {option.flag() + " VALUE", variable,
                    option.description() + (option.defaultValue() == null ? "" : " (default: " + option.defaultValue() + ")")});
        }
        int flagWidth = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int variableWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        out.printf("  %-" + flagWidth + "s  %-" + variableWidth + "s  %s%n", "flag", "environment", "meaning");
        rows.forEach(r -> out.printf("  %-" + flagWidth + "s  %-" + variableWidth + "s  %s%n", r[0], r[1], r[2]));
        out.println();
        out.println("A flag wins over the environment, which wins over the properties file.");
    }
}

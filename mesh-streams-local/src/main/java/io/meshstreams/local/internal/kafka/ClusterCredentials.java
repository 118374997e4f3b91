package io.meshstreams.local.internal.kafka;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The passwords of a secured embedded cluster's own users: {@code platform} (the mesh's provisioning principal),
 * {@code registry} (the embedded schema registry's Kafka clients) and {@code broker} (brokers and controllers among
 * themselves). All three are super users.
 *
 * <ol>
 *   <li>Passwords are 32 random bytes from {@link SecureRandom}, Base64url without padding: no character that JAAS,
 *       a properties file, Kafka's {@code --add-scram} syntax or an HTTP basic header would need to escape.</li>
 *   <li>With a kept data directory they live in {@value #FILE} in it, created owner-only ({@code rw-------}), and a
 *       later start reads them back; for a temporary cluster they live only in memory.</li>
 *   <li>Nothing here logs or prints a password; {@link #toString()} shows the user names only.</li>
 * </ol>
 */
public final class ClusterCredentials {
    public static final String PLATFORM = "platform";
    public static final String REGISTRY = "registry";
    public static final String BROKER = "broker";
    /** The file, in the cluster's data directory, that holds the passwords of a kept secured cluster. */
    public static final String FILE = "credentials.properties";
    /** The name of the client listener of a secured cluster (the unsecured one keeps {@code PLAINTEXT}). */
    public static final String CLIENT_LISTENER = "CLIENT";
    private static final List<String> USERS = List.of(PLATFORM, REGISTRY, BROKER);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> passwords;

    private ClusterCredentials(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    /** True if {@code root} holds the credentials file of a secured cluster. */
    public static boolean existIn(Path root) {
        return Files.exists(root.resolve(FILE));
    }

    /** New random credentials kept in memory only. */
    public static ClusterCredentials generate() {
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String user : USERS) {
            passwords.put(user, randomPassword());
        }
        return new ClusterCredentials(passwords);
    }

    /** Reads the credentials kept in {@code root}, or creates them there (owner-only) if there are none yet. */
    public static ClusterCredentials loadOrCreate(Path root) {
        Path file = root.resolve(FILE);
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            ClusterCredentials created = generate();
            created.write(file);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the secured cluster's credentials in " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static ClusterCredentials load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String user : USERS) {
            String password = properties.getProperty(user + ".password");
            if (password == null || password.isBlank()) {
                throw new IllegalStateException(file + " has no password for the user '" + user + "'; it was edited or"
                        + " truncated. Restore it from a backup, or start on a new data directory");
            }
            passwords.put(user, password);
        }
        return new ClusterCredentials(passwords);
    }

    private void write(Path file) throws IOException {
        writeOwnerOnly(file, properties(), "Passwords of the secured mesh's own Kafka users (all super users). Keep"
                + " this file private.");
    }

    private Properties properties() {
        Properties properties = new Properties();
        passwords.forEach((user, password) -> properties.setProperty(user + ".password", password));
        return properties;
    }

    /** Writes properties to a new file readable and writable by its owner alone (where the file system can say so). */
    public static void writeOwnerOnly(Path file, Properties properties, @Nullable String comment) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        if (directory != null) {
            Files.createDirectories(directory);
        }
        Path temporary = directory == null ? Path.of(file + ".tmp") : directory.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(ownerOnly));
        } else {
            Files.createFile(temporary);
        }
        try (OutputStream out = Files.newOutputStream(temporary)) {
            properties.store(out, comment);
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("No built-in user '" + user + "'; the built-in users are " + USERS);
        }
        return password;
    }

    /** Kafka's {@code --add-scram} arguments that create {@code platform}, {@code registry} and {@code broker}. */
    public List<String> scramArguments() {
        return USERS.stream()
                .map(user -> SaslSettings.MECHANISM + "=[name=" + user + ",password=" + passwords.get(user) + "]")
                .toList();
    }

    /**
     * The settings that secure every node (broker, controller or both) of the cluster:
     * <ol>
     *   <li>the client listener {@value #CLIENT_LISTENER} is SASL_PLAINTEXT with SCRAM-SHA-512 only, and brokers
     *       replicate over it as {@code broker};</li>
     *   <li>the controller listener is SASL_PLAINTEXT with PLAIN, whose only user is {@code broker} (SCRAM
     *       credentials live in the metadata the controller serves, so the controller cannot check them for its own
     *       peers);</li>
     *   <li>every JAAS text is scoped to its listener ({@code listener.name.<l>.<mechanism>.sasl.jaas.config}), never
     *       the JVM-wide {@code java.security.auth.login.config}, so clusters of either kind share a JVM;</li>
     *   <li>the {@code StandardAuthorizer} runs on brokers and controllers, with
     *       {@code allow.everyone.if.no.acl.found=false} and super users {@code platform}, {@code registry} and
     *       {@code broker}.</li>
     * </ol>
     */
    public Map<String, Object> nodeConfig() {
        String brokerPassword = passwords.get(BROKER);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        config.put("sasl.enabled.mechanisms", SaslSettings.MECHANISM);
        config.put("sasl.mechanism.inter.broker.protocol", SaslSettings.MECHANISM);
        config.put("listener.name.client.sasl.enabled.mechanisms", SaslSettings.MECHANISM);
        config.put("listener.name.client.scram-sha-512.sasl.jaas.config", SaslSettings.scramJaas(BROKER, brokerPassword));
        config.put("sasl.mechanism.controller.protocol", "PLAIN");
        config.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        config.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username="
                        + SaslSettings.quote(BROKER) + " password=" + SaslSettings.quote(brokerPassword)
                        + " user_" + BROKER + "=" + SaslSettings.quote(brokerPassword) + ";");
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("allow.everyone.if.no.acl.found", false);
        config.put("super.users", "User:" + PLATFORM + ";User:" + REGISTRY + ";User:" + BROKER);
        return config;
    }

    /** A random password of the same kind as the built-in users' (32 random bytes, Base64url). */
    public static String randomPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "ClusterCredentials" + USERS;
    }
}

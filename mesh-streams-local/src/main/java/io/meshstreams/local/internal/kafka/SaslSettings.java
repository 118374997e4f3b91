package io.meshstreams.local.internal.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The client side of the secured embedded cluster: SASL_PLAINTEXT with SCRAM-SHA-512, the JAAS text of one user, and
 * the checks that keep a user name or password from changing the meaning of that text.
 */
public final class SaslSettings {
    /** The mechanism clients use on the client listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The protocol of the client listener. */
    public static final String PROTOCOL = SecurityProtocol.SASL_PLAINTEXT.name;
    /** Names a secured mesh accepts as users (and so as {@code User:<name>} principals). */
    private static final String USER_NAME_PATTERN = "[A-Za-z0-9._-]{1,128}";

    private SaslSettings() {
    }

    /** {@code security.protocol} and {@code sasl.mechanism} without credentials. */
    public static Map<String, Object> connection() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, PROTOCOL);
        config.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        return config;
    }

    /** {@link #connection()} plus {@code sasl.jaas.config} for one user. */
    public static Map<String, Object> forUser(String user, String password) {
        Map<String, Object> config = connection();
        config.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user, password));
        return config;
    }

    /** {@code ScramLoginModule required username="..." password="...";} with both values quoted for JAAS. */
    public static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=" + quote(requireUserName(user))
                + " password=" + quote(password) + ";";
    }

    /** True if the name can be a user of a secured mesh: letters, digits, {@code .}, {@code _}, {@code -}, at most 128. */
    public static boolean isValidUserName(String user) {
        return user.matches(USER_NAME_PATTERN);
    }

    public static String requireUserName(String user) {
        if (!isValidUserName(user)) {
            throw new IllegalArgumentException("'" + user + "' cannot be a user of a secured mesh: a user name (and"
                    + " the domain it stands for) is 1 to 128 letters, digits, '.', '_' or '-'");
        }
        return user;
    }

    /**
     * A JAAS option value in double quotes. Kafka parses JAAS text with a {@code StreamTokenizer}, which reads
     * {@code \\} and {@code \"} inside quotes as the escaped character, so these two are escaped and nothing else is
     * needed; line breaks and other control characters are refused, since they have no place in a password that a
     * properties file or an HTTP header carries.
     */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("a user name or password must not contain control characters");
            }
            if (c == '\\' || c == '"') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }
}

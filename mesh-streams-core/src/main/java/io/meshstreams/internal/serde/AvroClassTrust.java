package io.meshstreams.internal.serde;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Adds packages to Avro's list of classes it may load by name. Avro 1.12 checks every class it loads
 * by name (generated SpecificRecord classes among them) against a JVM-wide predicate and throws
 * {@code SecurityException: Forbidden ... not trusted} for the rest; only the JVM flag
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} widens it out of the box. This installs, once, a
 * predicate that trusts what Avro trusted before or any class in a package added here (sub-packages
 * included).
 */
public final class AvroClassTrust {
    private static final Set<String> PACKAGES = ConcurrentHashMap.newKeySet();
    private static volatile boolean installed;

    private AvroClassTrust() {
    }

    /** Trusts the classes in {@code packages} and their sub-packages, for the whole JVM. Idempotent. */
    public static void trustPackages(Collection<String> packages) {
        for (String pkg : packages) {
            String trimmed = pkg.trim();
            if (!trimmed.isEmpty()) {
                PACKAGES.add(trimmed);
            }
        }
        install();
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, AvroClassTrust::inTrustedPackage));
        installed = true;
    }

    private static boolean inTrustedPackage(Class<?> type) {
        String pkg = type.getPackageName();
        for (String trusted : PACKAGES) {
            if (pkg.equals(trusted) || pkg.startsWith(trusted) && pkg.charAt(trusted.length()) == '.') {
                return true;
            }
        }
        return false;
    }
}

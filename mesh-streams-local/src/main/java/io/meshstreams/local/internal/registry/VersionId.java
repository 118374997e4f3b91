package io.meshstreams.local.internal.registry;

/** A version path segment: {@code 1..2^31-1}, {@code latest} (any case) or {@code -1}. */
final class VersionId {
    static final int LATEST = -1;

    private VersionId() {
    }

    /** @throws RegistryException 42202 with the valid values when the text is none of them */
    static int parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("latest")) {
            return LATEST;
        }
        int version;
        try {
            version = Integer.parseInt(trimmed);
        } catch (NumberFormatException e) {
            throw RegistryException.invalidVersion(text);
        }
        if (version <= 0 && version != LATEST) {
            throw RegistryException.invalidVersion(text);
        }
        return version;
    }
}

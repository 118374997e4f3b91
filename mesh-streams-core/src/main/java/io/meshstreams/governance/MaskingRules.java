package io.meshstreams.governance;

import io.meshstreams.internal.masking.KeyedHash;

import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.HexFormat;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How a mesh masks classified fields for consumers not cleared for them: the classification scheme, a
 * {@link MaskingPolicy} per level, and the hash key. Immutable; each {@code withX} returns a copy.
 *
 * <pre>{@code
 * MaskingRules rules = MaskingRules.defaults()
 *         .withHashKey(meshHashKey)                          // 32+ secret bytes, the same in the whole mesh
 *         .withPolicy("CONFIDENTIAL", MaskingPolicy.HASH);
 * FieldMasker masker = FieldMasker.create(port, grant.clearance(), rules);
 * }</pre>
 *
 * <ol>
 *   <li><b>Policies.</b> {@link #defaults()}: {@code CONFIDENTIAL -> REDACT}, {@code PII -> HASH},
 *       {@code RESTRICTED -> DROP}. A level above a consumer's clearance that has no policy, and a classification
 *       the scheme does not know, get the {@link #fallbackPolicy() fallback policy}, {@code DROP} unless changed:
 *       masking fails closed.</li>
 *   <li><b>Hash key.</b> {@code HASH} is HMAC-SHA256 under a secret key of at least {@value #MIN_HASH_KEY_BYTES}
 *       bytes. Configure the same key in every service of the mesh: then a value hashes to the same text in every
 *       consumer and on every port, and hashed keys still join; with another key nothing matches. Rules without a
 *       key mask what needs no hash; a {@link FieldMasker} that would hash fails to be created, with a message that
 *       says how to configure the key. Keep the key out of source control: whoever has it can test guesses of a
 *       hashed value (an email address, say) by hashing them.</li>
 *   <li><b>Development.</b> {@link #insecureForDevelopment()} uses a fixed key printed in this library's source, so
 *       that a laptop mesh needs no secret; its hashes protect nothing.</li>
 * </ol>
 */
public final class MaskingRules {
    /** The shortest hash key accepted: 32 bytes, the size of an HMAC-SHA256 output. */
    public static final int MIN_HASH_KEY_BYTES = 32;

    private static final byte[] INSECURE_DEVELOPMENT_KEY =
            "mesh-streams INSECURE development hash key: never use it in production".getBytes(StandardCharsets.UTF_8);
    private static final MaskingPolicy DEFAULT_FALLBACK = MaskingPolicy.DROP;

    private final ClassificationScheme scheme;
    private final Map<String, MaskingPolicy> policies;
    private final MaskingPolicy fallbackPolicy;
    private final byte @Nullable [] hashKey;
    private final @Nullable KeyedHash hash;
    private final boolean insecureKey;

    private MaskingRules(ClassificationScheme scheme, Map<String, MaskingPolicy> policies, MaskingPolicy fallbackPolicy,
                         byte @Nullable [] hashKey, boolean insecureKey) {
        this.scheme = scheme;
        this.policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        this.fallbackPolicy = fallbackPolicy;
        this.hashKey = hashKey;
        this.hash = hashKey == null ? null : new KeyedHash(hashKey);
        this.insecureKey = insecureKey;
    }

    /**
     * The default scheme ({@link ClassificationScheme#DEFAULT}) and policies ({@code CONFIDENTIAL -> REDACT},
     * {@code PII -> HASH}, {@code RESTRICTED -> DROP}, anything else above clearance {@code DROP}), and no hash key
     * yet: add the mesh's with {@link #withHashKey(byte[])}.
     */
    public static MaskingRules defaults() {
        return forScheme(ClassificationScheme.DEFAULT);
    }

    /**
     * Rules for a scheme of the mesh's own levels: of the default policies, those whose level the scheme has
     * ({@code CONFIDENTIAL -> REDACT}, {@code PII -> HASH}, {@code RESTRICTED -> DROP}); every other level above a
     * clearance gets the fallback, {@code DROP}. No hash key yet.
     */
    public static MaskingRules forScheme(ClassificationScheme scheme) {
        Objects.requireNonNull(scheme, "scheme");
        Map<String, MaskingPolicy> policies = new LinkedHashMap<>();
        Map.of("CONFIDENTIAL", MaskingPolicy.REDACT, "PII", MaskingPolicy.HASH, "RESTRICTED", MaskingPolicy.DROP)
                .forEach((level, policy) -> {
                    if (scheme.contains(level)) {
                        policies.put(level, policy);
                    }
                });
        return new MaskingRules(scheme, ordered(scheme, policies), DEFAULT_FALLBACK, null, false);
    }

    /**
     * The {@link #defaults()} with a fixed, public hash key, for development meshes that have no secret. Hashes under
     * it protect nothing: anyone can compute them. {@link #usesInsecureDevelopmentKey()} says so, and creating a
     * {@link FieldMasker} with it logs a warning.
     */
    public static MaskingRules insecureForDevelopment() {
        return new MaskingRules(ClassificationScheme.DEFAULT, defaults().policies, DEFAULT_FALLBACK,
                INSECURE_DEVELOPMENT_KEY.clone(), true);
    }

    /**
     * These rules with the mesh's hash key: secret, random, at least {@value #MIN_HASH_KEY_BYTES} bytes, the same
     * for every service of the mesh. The array is copied. Configuration and the command line give the key as
     * hexadecimal text ({@code mesh.masking.hash.key}, from {@code openssl rand -hex 32}); turn such text into these
     * bytes with {@link #parseHashKey(String)}, never with {@code getBytes()}: the same secret given as text bytes,
     * Base64 or hex is three different keys, and hashes made with them never match.
     *
     * @throws IllegalArgumentException if the key is shorter than {@value #MIN_HASH_KEY_BYTES} bytes
     */
    public MaskingRules withHashKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_HASH_KEY_BYTES) {
            throw new IllegalArgumentException("The masking hash key has " + key.length + " bytes; it needs at least "
                    + MIN_HASH_KEY_BYTES + ". Generate one with `openssl rand -hex 32`, keep it as a secret of the mesh,"
                    + " and give every service the same hex text (mesh.masking.hash.key), or these bytes from"
                    + " MaskingRules.parseHashKey(hex)");
        }
        return new MaskingRules(scheme, policies, fallbackPolicy, key.clone(), false);
    }

    /**
     * The bytes of a hash key written as hexadecimal text, the one text form a hash key has
     * ({@code openssl rand -hex 32} prints one): an even number of digits {@code 0-9 a-f} (either case), at least
     * {@value #MIN_HASH_KEY_BYTES} bytes' worth ({@code 2 * MIN_HASH_KEY_BYTES} digits); surrounding whitespace is
     * ignored. Messages never show the text.
     *
     * @throws IllegalArgumentException saying what is wrong with the text (length, a character that is not a hex
     *                                  digit, which is what Base64 or a passphrase has) and how to make a key
     */
    public static byte[] parseHashKey(String hex) {
        Objects.requireNonNull(hex, "hex");
        String digits = hex.strip();
        String advice = " Generate a key with `openssl rand -hex 32` and give every service of the mesh the same text.";
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("The masking hash key must be hexadecimal (digits 0-9 and a-f), but"
                        + " character " + (i + 1) + " of " + digits.length() + " is not a hex digit: a Base64 or"
                        + " plain-text secret is not accepted, because the same secret in another encoding would be"
                        + " another key." + advice);
            }
        }
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("The masking hash key has an odd number of hex digits ("
                    + digits.length() + "); two digits make one byte." + advice);
        }
        if (digits.length() < 2 * MIN_HASH_KEY_BYTES) {
            throw new IllegalArgumentException("The masking hash key has " + digits.length() / 2 + " bytes ("
                    + digits.length() + " hex digits); it needs at least " + MIN_HASH_KEY_BYTES + " ("
                    + 2 * MIN_HASH_KEY_BYTES + " digits)." + advice);
        }
        return HexFormat.of().parseHex(digits.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * These rules with another policy for a level of the scheme.
     *
     * @throws IllegalArgumentException if the scheme has no such level
     */
    public MaskingRules withPolicy(String level, MaskingPolicy policy) {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(policy, "policy");
        String known = scheme.rank(level).map(rank -> scheme.levels().get(rank))
                .orElseThrow(() -> new IllegalArgumentException("Cannot set a masking policy for level '" + level
                        + "': the classification scheme's levels are " + scheme.describe()));
        Map<String, MaskingPolicy> copy = new LinkedHashMap<>(policies);
        copy.put(known, policy);
        return new MaskingRules(scheme, ordered(scheme, copy), fallbackPolicy, hashKey, insecureKey);
    }

    /**
     * These rules with another policy for levels above a clearance that have no policy of their own, and for
     * classifications the scheme does not know.
     */
    public MaskingRules withFallbackPolicy(MaskingPolicy policy) {
        return new MaskingRules(scheme, policies, Objects.requireNonNull(policy, "policy"), hashKey, insecureKey);
    }

    /** The classification levels. */
    public ClassificationScheme scheme() {
        return scheme;
    }

    /** The policy of each level that has one, lowest level first. */
    public Map<String, MaskingPolicy> policies() {
        return policies;
    }

    /** The policy for levels without one and for unknown classifications; {@code DROP} unless changed. */
    public MaskingPolicy fallbackPolicy() {
        return fallbackPolicy;
    }

    /** The policy that masks a field of this classification (when a consumer's clearance does not clear it). */
    public MaskingPolicy policyFor(String classification) {
        return scheme.rank(classification)
                .map(rank -> policies.getOrDefault(scheme.levels().get(rank), fallbackPolicy))
                .orElse(fallbackPolicy);
    }

    /** True if a hash key is configured (possibly the insecure development key). */
    public boolean hasHashKey() {
        return hash != null;
    }

    /** True if the hash key is the public development key of {@link #insecureForDevelopment()}. */
    public boolean usesInsecureDevelopmentKey() {
        return insecureKey;
    }

    /** The keyed hash, for {@link FieldMasker}; null without a key. */
    @Nullable KeyedHash hash() {
        return hash;
    }

    /** How to configure a key, for the error of a masker that needs one. */
    static String missingHashKeyAdvice() {
        return "Configure the mesh's hash key (a secret of " + MIN_HASH_KEY_BYTES + "+ bytes, the same in every "
                + "service, so hashed values and keys match across consumers): set mesh.masking.hash.key in the client's "
                + "configuration to hex text (e.g. from `openssl rand -hex 32`), or call MaskingRules.withHashKey(bytes); "
                + "for a development mesh, MaskingRules.insecureForDevelopment(); or choose REDACT or DROP for the "
                + "level with withPolicy(level, policy)";
    }

    private static Map<String, MaskingPolicy> ordered(ClassificationScheme scheme, Map<String, MaskingPolicy> policies) {
        return scheme.levels().stream().filter(policies::containsKey)
                .collect(Collectors.toMap(level -> level, policies::get, (a, b) -> a, LinkedHashMap::new));
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof MaskingRules that
                && scheme.equals(that.scheme)
                && policies.equals(that.policies)
                && fallbackPolicy == that.fallbackPolicy
                && insecureKey == that.insecureKey
                && (hashKey == null ? that.hashKey == null
                        : that.hashKey != null && MessageDigest.isEqual(hashKey, that.hashKey));
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, policies, fallbackPolicy, hashKey == null, insecureKey); // nothing of the key
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        String key = hash == null ? "none" : insecureKey ? "INSECURE development key" : "set";
        return "MaskingRules[scheme=" + scheme.describe() + ", policies=" + policies + ", fallback=" + fallbackPolicy
                + ", hashKey=" + key + "]";
    }
}

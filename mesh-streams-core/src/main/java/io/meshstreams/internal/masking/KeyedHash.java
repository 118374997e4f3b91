package io.meshstreams.internal.masking;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under one secret key, rendered as 64 lower-case hex characters.
 *
 * <p>Thread-safe: a {@link Mac} is not, so each thread keeps its own, initialised once with the key (a
 * {@link ThreadLocal}; {@code FieldMaskerThroughputTest} measures it on par with or faster than cloning a prototype
 * {@code Mac} per hash, and about twice as fast as a new {@code Mac} per hash). The key never leaves this object: no
 * accessor returns it and {@link #toString()} does not print it.
 */
public final class KeyedHash {
    public static final String ALGORITHM = "HmacSHA256";
    /** Length of every hash: 32 bytes as hex. */
    public static final int HEX_LENGTH = 64;

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    /** A hash under this key; the array is copied. */
    public KeyedHash(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        newMac(); // fail now, not on the first record, if the JVM lacks HmacSHA256
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("This JVM cannot compute " + ALGORITHM + ", which every Java SE runtime "
                    + "must provide; check the security providers configured in java.security", e);
        }
    }

    /** The keyed hash of the bytes. */
    public String hex(byte[] bytes) {
        return hex(bytes, 0, bytes.length);
    }

    /** The keyed hash of {@code length} bytes from {@code offset}. */
    public String hex(byte[] bytes, int offset, int length) {
        Mac mac = macs.get();
        mac.update(bytes, offset, length);
        return toHex(mac.doFinal()); // doFinal also resets the Mac for the thread's next call
    }

    /** A new {@link Mac} with this key, for callers that hash outside the hot path (and for measurements). */
    public Mac mac() {
        return newMac();
    }

    /** Lower-case hex of the bytes. */
    public static String toHex(byte[] bytes) {
        byte[] chars = new byte[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            chars[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xf];
            chars[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xf];
        }
        return new String(chars, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "KeyedHash[" + ALGORITHM + ", key of " + key.getEncoded().length + " bytes]";
    }
}

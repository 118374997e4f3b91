package io.meshstreams.internal.product;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files a descriptor names as untrusted input: only regular files, only inside a root directory (real
 * paths compared, so a symbolic link cannot lead out), never more than a limit, and only UTF-8 text. What goes wrong
 * is returned as a message and a fix that never quote the file's contents.
 */
public final class DescriptorFiles {
    private DescriptorFiles() {
    }

    /** A file's text, or what is wrong with it: exactly one of {@code text} and {@code message} is set. */
    public record Text(@Nullable String text, @Nullable String message, String fix) {
        static Text of(String text) {
            return new Text(text, null, "");
        }

        static Text problem(String message, String fix) {
            return new Text(null, message, fix);
        }

        public boolean ok() {
            return text != null;
        }
    }

    /** Reads a descriptor given by the caller (it may lie anywhere; what it names may not). */
    public static Text readDescriptor(Path file, int maxBytes) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Text.problem("the file does not exist.", "check the path; the working directory is "
                    + Path.of("").toAbsolutePath() + ".");
        } catch (IOException e) {
            return about("the file", unreadable(e));
        }
        if (!attributes.isRegularFile()) {
            return Text.problem("the file is " + kind(attributes) + ", not a regular file.",
                    "give the path of a data-product.yaml file.");
        }
        return about("the file", read(file, maxBytes, "a descriptor", "keep the descriptor small: Avro schemas"
                + " belong in .avsc files beside it (schema: schemas/order-placed.avsc)."));
    }

    /**
     * Reads a schema file named by a descriptor.
     *
     * @param baseDirectory the descriptor's directory, against which {@code reference} is resolved
     * @param root          the directory the file must lie in
     * @param rootGiven     whether the root was configured (the fix says so) or is the descriptor's directory
     * @param reference     the path as the descriptor gives it
     */
    public static Text readSchema(Path baseDirectory, Path root, boolean rootGiven, String reference, int maxBytes) {
        String subject = "the schema file '" + printable(reference) + "'";
        String inside = rootGiven ? "the schema root " + root : "the descriptor's directory " + root;
        String keepInside = rootGiven
                ? "keep schema files inside the schema root " + root + "."
                : "keep schema files in the descriptor's directory or below it (e.g. schemas/order-placed.avsc), or"
                        + " name a directory that holds both as the schema root (mesh validate --schema-root DIR,"
                        + " DescriptorOptions.withSchemaRoot).";
        Path relative;
        try {
            // the descriptor's own file system: it may be read from a jar
            relative = baseDirectory.getFileSystem().getPath(reference);
        } catch (InvalidPathException e) {
            return Text.problem(subject + " is not a file path.",
                    "give the path of the .avsc file relative to the descriptor.");
        }
        if (relative.isAbsolute() || relative.getRoot() != null) {
            return Text.problem(subject + " is an absolute path; schema files are read only from inside " + inside
                    + ".", "give the path relative to the descriptor, e.g. schemas/order-placed.avsc; " + keepInside);
        }
        Path absoluteRoot = root.toAbsolutePath().normalize();
        Path file = baseDirectory.toAbsolutePath().resolve(relative).normalize();
        if (!file.startsWith(absoluteRoot)) {
            return Text.problem(subject + " lies outside " + inside + ".", keepInside);
        }
        Path realRoot;
        try {
            realRoot = absoluteRoot.toRealPath();
        } catch (IOException e) {
            return Text.problem("the schema root " + absoluteRoot + " does not exist or cannot be read.",
                    "name an existing directory as the schema root.");
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Text.problem(subject + " does not exist (looked for " + file + ").",
                    "give the path of the .avsc file relative to the descriptor.");
        } catch (IOException e) {
            return about(subject, unreadable(e));
        }
        if (!real.startsWith(realRoot)) {
            return Text.problem(subject + " is a symbolic link, or lies under one, whose target is outside " + inside
                    + ".", "copy the schema into the directory, or link to a file inside it; " + keepInside);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            return about(subject, unreadable(e));
        }
        if (!attributes.isRegularFile()) {
            return Text.problem(subject + " is " + kind(attributes) + ", not a regular file.",
                    "point schema: at an Avro schema file (.avsc).");
        }
        return about(subject, read(real, maxBytes, "a schema file", "split the schema, or raise the limit"
                + " (DescriptorOptions.withMaxSchemaBytes)."));
    }

    /** A problem phrased as what the subject does ("is larger than ...") made a sentence about the subject. */
    private static Text about(String subject, Text text) {
        return text.ok() ? text : Text.problem(subject + " " + text.message(), text.fix());
    }

    /** Reads at most {@code maxBytes + 1} bytes, so that neither a lying size (/proc, /dev) nor a huge file costs. */
    private static Text read(Path file, int maxBytes, String what, String fixWhenLarge) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            return unreadable(e);
        }
        if (bytes.length > maxBytes) {
            return Text.problem("is larger than " + size(maxBytes) + ", the limit for " + what + ".", fixWhenLarge);
        }
        return decode(bytes);
    }

    /** Strict UTF-8 (an optional byte order mark dropped); a file with NUL bytes or invalid UTF-8 is binary. */
    static Text decode(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return binary("byte " + (i + 1) + " is a NUL byte");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, start, bytes.length - start));
            return Text.of(chars.toString());
        } catch (CharacterCodingException e) {
            return binary("it is not valid UTF-8");
        }
    }

    private static Text binary(String why) {
        return Text.problem("is not text (" + why + "): it looks like a binary file.",
                "descriptors and Avro schemas are UTF-8 text files; point at the right file.");
    }

    private static Text unreadable(IOException e) {
        String why = e instanceof AccessDeniedException ? "access is denied"
                : e.getClass().getSimpleName().replaceAll("Exception$", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                        .toLowerCase(java.util.Locale.ROOT);
        return Text.problem("cannot be read: " + why + ".", "check that it exists and that this user may read it.");
    }

    private static String kind(BasicFileAttributes attributes) {
        return attributes.isDirectory() ? "a directory" : "a device, pipe or socket";
    }

    /** {@code 512 KiB (524288 bytes)}. */
    static String size(int bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB (" + bytes + " bytes)";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB (" + bytes + " bytes)" : bytes + " bytes";
    }

    /** A path as given, with control characters shown as {@code ?} so that it cannot forge lines of output. */
    static String printable(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}

package io.meshstreams.product;

import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link DataProductDescriptor} reads descriptor and schema files, which may come from strangers (a pull
 * request that CI validates).
 *
 * <pre>{@code
 * DataProductDescriptor.load(file, DescriptorOptions.defaults().withSchemaRoot(Path.of("domains")));
 * }</pre>
 *
 * <ol>
 *   <li>Schema files are resolved relative to the descriptor and must lie inside the schema root: the descriptor's
 *       own directory unless {@link #withSchemaRoot(Path)} names another. Absolute paths, paths that climb out with
 *       {@code ..}, and symbolic links whose target lies outside (real paths are compared) are refused without
 *       reading the file.</li>
 *   <li>Only regular files are read (no directories, devices, pipes or sockets), and at most the limit: a bigger
 *       file is refused after reading one byte more than the limit, whatever size the file system reports.</li>
 *   <li>Immutable; {@code withX} returns a copy with every other setting kept.</li>
 * </ol>
 */
public final class DescriptorOptions {
    /** The largest descriptor read by default: 512 KiB, a hundred times a large real one. */
    public static final int DEFAULT_MAX_DESCRIPTOR_BYTES = 512 * 1024;
    /** The largest schema file read by default: 1 MiB. */
    public static final int DEFAULT_MAX_SCHEMA_BYTES = 1024 * 1024;

    private static final DescriptorOptions DEFAULTS =
            new DescriptorOptions(null, DEFAULT_MAX_DESCRIPTOR_BYTES, DEFAULT_MAX_SCHEMA_BYTES);

    private final @Nullable Path schemaRoot;
    private final int maxDescriptorBytes;
    private final int maxSchemaBytes;

    private DescriptorOptions(@Nullable Path schemaRoot, int maxDescriptorBytes, int maxSchemaBytes) {
        this.schemaRoot = schemaRoot;
        this.maxDescriptorBytes = maxDescriptorBytes;
        this.maxSchemaBytes = maxSchemaBytes;
    }

    /** Schema files inside the descriptor's directory; the default limits. */
    public static DescriptorOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Schema files may lie anywhere inside this directory (and below it) rather than only inside the descriptor's
     * own directory: for a repository whose descriptors share schemas, e.g. {@code ../common/money.avsc}.
     */
    public DescriptorOptions withSchemaRoot(Path schemaRoot) {
        return new DescriptorOptions(Objects.requireNonNull(schemaRoot, "schemaRoot").toAbsolutePath().normalize(),
                maxDescriptorBytes, maxSchemaBytes);
    }

    /**
     * The largest descriptor read, in bytes.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public DescriptorOptions withMaxDescriptorBytes(int maxDescriptorBytes) {
        return new DescriptorOptions(schemaRoot, positive("maxDescriptorBytes", maxDescriptorBytes), maxSchemaBytes);
    }

    /**
     * The largest schema file read, in bytes.
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public DescriptorOptions withMaxSchemaBytes(int maxSchemaBytes) {
        return new DescriptorOptions(schemaRoot, maxDescriptorBytes, positive("maxSchemaBytes", maxSchemaBytes));
    }

    private static int positive(String name, int value) {
        if (value < 1 || value == Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 and " + (Integer.MAX_VALUE - 1)
                    + " bytes, got " + value);
        }
        return value;
    }

    /** The directory schema files must lie in, or empty for each descriptor's own directory. */
    public Optional<Path> schemaRoot() {
        return Optional.ofNullable(schemaRoot);
    }

    /** The largest descriptor read, in bytes. */
    public int maxDescriptorBytes() {
        return maxDescriptorBytes;
    }

    /** The largest schema file read, in bytes. */
    public int maxSchemaBytes() {
        return maxSchemaBytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DescriptorOptions that && Objects.equals(schemaRoot, that.schemaRoot)
                && maxDescriptorBytes == that.maxDescriptorBytes && maxSchemaBytes == that.maxSchemaBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(schemaRoot, maxDescriptorBytes, maxSchemaBytes);
    }

    @Override
    public String toString() {
        return "DescriptorOptions[schemaRoot=" + (schemaRoot == null ? "the descriptor's directory" : schemaRoot)
                + ", maxDescriptorBytes=" + maxDescriptorBytes + ", maxSchemaBytes=" + maxSchemaBytes + "]";
    }
}

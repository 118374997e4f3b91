package io.meshstreams.examples;

import io.meshstreams.product.DataProduct;
import io.meshstreams.product.DataProductDescriptor;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a domain's {@code data-product.yaml} (with the {@code .avsc} files beside it) from a file, or from the
 * classpath, where the examples keep theirs: {@code src/main/resources/domains/<domain>/data-product.yaml}.
 */
public final class ProductDescriptors {
    /** The option that points an app at a descriptor file instead of the one it carries. */
    public static final MeshSettings.Option DESCRIPTOR = new MeshSettings.Option("descriptor", null,
            "a data-product.yaml to use instead of the app's own (schemas relative to it)");

    private ProductDescriptors() {
    }

    /**
     * The descriptor at {@code file} if given, else the domain's own from the classpath.
     *
     * @throws io.meshstreams.product.InvalidDataProductException listing every problem of the descriptor
     */
    public static DataProduct load(String domain, @Nullable String file) {
        return file != null ? DataProductDescriptor.load(Path.of(file))
                : fromClasspath(ProductDescriptors.class.getClassLoader(), "domains/" + domain + "/data-product.yaml");
    }

    /**
     * A descriptor on the classpath, in a directory or a jar; schema files are resolved beside it.
     *
     * @param resource the resource's name, e.g. {@code domains/orders/data-product.yaml}
     */
    public static synchronized DataProduct fromClasspath(ClassLoader loader, String resource) {
        URL url = loader.getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("no " + resource + " on the classpath");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot read " + url + ": " + e.getMessage(), e);
        }
        try {
            return DataProductDescriptor.load(Path.of(uri));
        } catch (FileSystemNotFoundException inJar) {
            // jar:file:/...jar!/domains/orders/data-product.yaml: open the jar as a file system while reading it
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                return DataProductDescriptor.load(jar.provider().getPath(uri));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + uri, e);
            }
        }
    }
}

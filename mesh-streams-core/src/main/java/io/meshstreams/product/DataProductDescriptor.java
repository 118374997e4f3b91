package io.meshstreams.product;

import io.meshstreams.internal.product.DescriptorReader;

import java.nio.file.Path;

/**
 * Reads a data product from a {@code data-product.yaml}, with Avro schemas in {@code .avsc} files referenced
 * relative to it.
 *
 * <pre>{@code
 * apiVersion: mesh-streams/v1
 * kind: DataProduct
 * domain: orders
 * name: order-events
 * owner: team-orders@example.com
 * description: Orders as customers place them.
 * tags: [sales]
 * outputPorts:
 *   - name: placed
 *     version: 1                      # the major version; part of the topic name
 *     schema: schemas/order-placed.avsc
 *     key: { field: orderId }         # format: STRING (default) or AVRO
 *     partitions: 6
 *     config: { retention.ms: "604800000" }
 *     compatibility: FULL_TRANSITIVE  # the default
 *     onViolation: QUARANTINE         # or REJECT
 *     rules:
 *       - name: positive-amount
 *         expression: message.amount > 0
 *     classifications: { customerEmail: PII }
 *     grants:
 *       - { domain: analytics, clearance: INTERNAL, purpose: revenue reporting }
 *     slo: { freshness: PT5M }
 * inputPorts:
 *   - port: customers.customer-profiles.profiles.v1
 *     purpose: enrich orders
 * }</pre>
 *
 * <p>A descriptor is treated as input from strangers (CI validates pull requests with it): schema files must lie
 * inside the descriptor's directory or a configured {@linkplain DescriptorOptions#withSchemaRoot(Path) schema root}
 * (symbolic links included); only regular files are read, and no more than a limit; YAML aliases, duplicate keys,
 * deep nesting and values of the wrong type (a boolean where text is expected) are refused; and no problem quotes
 * a file that is not a descriptor or an Avro schema. See {@link DescriptorOptions}.
 *
 * <p>The field names follow the Open Data Product Standard and the Open Data Contract Standard where they have
 * one. Every problem in the file (unknown keys, wrong types, missing schema files, invalid Avro, bad names, rules
 * that do not compile, classifications of fields that do not exist, grants to unknown clearances) is reported at
 * once, each with the file, the path inside it and the fix.
 */
public final class DataProductDescriptor {
    /** The {@code apiVersion} this version of the library reads. */
    public static final String API_VERSION = "mesh-streams/v1";
    /** The {@code kind} of a data product descriptor. */
    public static final String KIND = "DataProduct";

    private DataProductDescriptor() {
    }

    /**
     * Reads and validates a descriptor file.
     *
     * @throws InvalidDataProductException listing every problem in the file
     */
    public static DataProduct load(Path file) {
        return DescriptorReader.read(file);
    }

    /**
     * Reads and validates a descriptor file, with schema files resolved and limited as the options say.
     *
     * @throws InvalidDataProductException listing every problem in the file
     */
    public static DataProduct load(Path file, DescriptorOptions options) {
        return DescriptorReader.read(file, options);
    }

    /**
     * Reads and validates a descriptor from text; schema files are resolved against {@code baseDirectory}.
     *
     * @param sourceName the name to report problems under, e.g. a file name
     */
    public static DataProduct parse(String yaml, Path baseDirectory, String sourceName) {
        return DescriptorReader.read(yaml, baseDirectory, sourceName);
    }

    /**
     * Reads and validates a descriptor from text, with schema files resolved against {@code baseDirectory} and
     * limited as the options say.
     *
     * @param sourceName the name to report problems under, e.g. a file name
     */
    public static DataProduct parse(String yaml, Path baseDirectory, String sourceName, DescriptorOptions options) {
        return DescriptorReader.read(yaml, baseDirectory, sourceName, options);
    }
}

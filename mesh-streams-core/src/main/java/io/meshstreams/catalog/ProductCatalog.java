package io.meshstreams.catalog;

import io.meshstreams.internal.catalog.KafkaProductCatalog;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The products of the mesh, as their domains provisioned them. Provisioning publishes each product here; subscribers
 * and governed joins read grants and schemas from here; a catalog UI can show ports and lineage from here.
 *
 * <p>The Kafka-backed catalog keeps one record per product (key: {@code domain.name}; value: the product's
 * descriptor as JSON with schemas inline) in the compacted topic {@value #DEFAULT_TOPIC}.
 *
 * <ol>
 *   <li>Reads see every product published before the read began (each read catches up to the topic's end).</li>
 *   <li>Thread-safe. The creator closes it.</li>
 * </ol>
 */
public interface ProductCatalog extends AutoCloseable {
    /** The catalog topic unless {@value #TOPIC_CONFIG} says otherwise. */
    String DEFAULT_TOPIC = "_mesh-catalog";
    /** The client configuration key that names the catalog topic. */
    String TOPIC_CONFIG = "mesh.catalog.topic";

    /**
     * A catalog on the cluster that {@code bootstrap.servers} in the configuration names; other client settings
     * (security) are passed on to its consumer and producer.
     */
    static ProductCatalog create(Map<String, ?> clientConfig) {
        return new KafkaProductCatalog(clientConfig);
    }

    /** Every product in the catalog, sorted by id. */
    List<DataProduct> products();

    /** The product with this id ({@code domain.name}). */
    Optional<DataProduct> product(String productId);

    /** The product that owns the port and the port itself, if both are in the catalog. */
    default Optional<CatalogPort> port(PortAddress address) {
        return product(address.productId())
                .flatMap(product -> product.outputPort(address).map(port -> new CatalogPort(product, port)));
    }

    /** Adds or replaces a product. Provisioning calls this; it returns once the catalog topic has the record. */
    void publish(DataProduct product);

    /** Records where an output port's data comes from (a governed topology does this when it starts). */
    void publishLineage(Lineage lineage);

    /** Where an output port's data comes from, if a governed topology recorded it. */
    Optional<Lineage> lineage(PortAddress output);

    /** The topic this catalog lives in. */
    String topic();

    @Override
    void close();

    /**
     * The lineage of one output port: the ports its records are derived from, and the application that derives them.
     *
     * @param output      the output port
     * @param inputs      the ports read to produce it
     * @param application the application id of the topology that produces it
     */
    record Lineage(PortAddress output, List<PortAddress> inputs, String application) {
        public Lineage {
            inputs = List.copyOf(inputs);
        }
    }

    /** An output port with the product that publishes it. */
    record CatalogPort(DataProduct product, OutputPort port) {
        public PortAddress address() {
            return product.address(port);
        }
    }
}

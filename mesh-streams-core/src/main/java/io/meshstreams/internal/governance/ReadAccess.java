package io.meshstreams.internal.governance;

import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.governance.AccessDeniedException;
import io.meshstreams.governance.ClassificationScheme;
import io.meshstreams.product.Grant;
import io.meshstreams.product.PortAddress;

import java.util.List;

/** Who may read a port, and with which clearance: the rule every subscriber and governed topology goes through. */
public final class ReadAccess {
    private ReadAccess() {
    }

    /**
     * The port with its product, from the catalog.
     *
     * @throws MeshException naming the product's provisioned ports if the catalog does not have it
     */
    public static ProductCatalog.CatalogPort find(ProductCatalog catalog, PortAddress address) {
        return catalog.port(address).orElseThrow(() -> new MeshException("Port " + address + " is not in the catalog ("
                + catalog.topic() + "): domain '" + address.domain() + "' has not provisioned it, or the address is"
                + " wrong. Provisioned ports of " + address.productId() + ": "
                + catalog.product(address.productId()).map(p -> p.outputPorts().stream()
                        .map(port -> p.address(port).topic()).toList().toString()).orElse("none")));
    }

    /**
     * The clearance with which {@code domain} reads the port: its grant's, or the highest level for the owning domain.
     *
     * @throws AccessDeniedException if the domain holds no grant, saying how to ask for one
     */
    public static String clearance(String domain, ProductCatalog.CatalogPort port, ClassificationScheme scheme) {
        if (port.product().domain().equals(domain)) {
            List<String> levels = scheme.levels();
            return levels.get(levels.size() - 1);
        }
        return port.port().grantFor(domain).map(Grant::clearance).orElseThrow(() -> {
            PortAddress address = port.address();
            return new AccessDeniedException(domain, address, "Domain '" + domain + "' holds no grant on " + address
                    + ". Ask its owner (" + port.product().owner() + ", domain '" + port.product().domain()
                    + "') to add one to the port in their data-product.yaml and provision it:\n"
                    + "    grants:\n      - { domain: " + domain + ", clearance: <the classification you need>,"
                    + " purpose: <why you read it> }\n"
                    + "Domains granted today: " + port.port().grants().stream().map(Grant::domain).toList());
        });
    }
}

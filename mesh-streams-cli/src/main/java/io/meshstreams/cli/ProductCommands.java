package io.meshstreams.cli;

import io.meshstreams.MeshClient;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.DataProductDescriptor;
import io.meshstreams.product.DescriptorOptions;
import io.meshstreams.product.InvalidDataProductException;
import io.meshstreams.product.OutputPort;
import io.meshstreams.provision.PlannedChange;
import io.meshstreams.provision.ProvisioningPlan;
import io.meshstreams.provision.ProvisioningRefusedException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The commands a CI job runs on data products: {@code validate} (offline), {@code plan} and {@code apply} (against a
 * cluster and registry), and {@code catalog} (what the mesh has). Exit codes: 0 fine, 1 invalid or failed, 2 the plan
 * is refused or (with {@code --fail-on-drift}) drifted.
 */
final class ProductCommands {
    private ProductCommands() {
    }

    /** Where the cluster and registry are. */
    static final class Servers {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", required = true,
                defaultValue = "${env:BOOTSTRAP_SERVERS:-localhost:9092}",
                description = "Kafka (default: $BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(names = "--schema-registry-url", paramLabel = "URL", required = true,
                defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://localhost:8081}",
                description = "The schema registry (default: $SCHEMA_REGISTRY_URL or ${DEFAULT-VALUE}).")
        String schemaRegistryUrl;

        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "More client settings (security, ...).")
        Map<String, String> extra = new HashMap<>();

        Map<String, Object> config(String domain) {
            Map<String, Object> config = new HashMap<>(extra);
            config.put("bootstrap.servers", bootstrapServers);
            config.put("schema.registry.url", schemaRegistryUrl);
            config.put("mesh.domain", domain);
            return config;
        }
    }

    /** How descriptor files are read: they may come from a pull request, so what they name is confined. */
    static final class Reading {
        @Option(names = "--schema-root", paramLabel = "DIR",
                description = "Schema files may lie anywhere inside DIR (default: each descriptor's own directory)."
                        + " Paths outside it, absolute paths and symbolic links leading out are refused.")
        Path schemaRoot;

        DescriptorOptions options() {
            return schemaRoot == null ? DescriptorOptions.defaults() : DescriptorOptions.defaults().withSchemaRoot(schemaRoot);
        }
    }

    /** Something done with one product through a client of its own domain; returns an exit code. */
    @FunctionalInterface
    interface ProductAction {
        int run(DataProduct product, MeshClient client);
    }

    /** Loads the files (exit 1 if any is invalid), then runs the action on each product; the worst exit code wins. */
    static int forEachProduct(List<Path> files, DescriptorOptions options, Servers servers, PrintWriter err,
                              ProductAction action) {
        List<DataProduct> products = load(files, options, err);
        if (products == null) {
            return 1;
        }
        int exit = 0;
        for (DataProduct product : products) {
            try (MeshClient client = MeshClient.create(servers.config(product.domain()))) {
                exit = Math.max(exit, action.run(product, client));
            }
        }
        return exit;
    }

    /** Loads descriptors, printing every problem of every file; null if any is invalid. */
    static List<DataProduct> load(List<Path> files, DescriptorOptions options, PrintWriter err) {
        List<DataProduct> products = new ArrayList<>();
        boolean valid = true;
        for (Path file : files) {
            try {
                products.add(DataProductDescriptor.load(file, options));
            } catch (InvalidDataProductException e) {
                err.println(e.getMessage());
                valid = false;
            } catch (RuntimeException e) {
                // The reader reports every problem as InvalidDataProductException; anything else is a bug, and its
                // message could quote the file.
                err.println(file + ": could not be checked (" + e.getClass().getSimpleName() + "); this is a bug of"
                        + " mesh-streams, please report it.");
                valid = false;
            }
        }
        return valid ? products : null;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks data-product.yaml files offline: names, schemas, keys, rules (compiled), "
                    + "classifications, grants. Prints every problem with its path and fix; exit code 1 if any.")
    static final class Validate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Reading reading;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "data-product.yaml files")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<DataProduct> products = load(files, reading.options(), spec.commandLine().getErr());
            if (products == null) {
                return 1;
            }
            for (DataProduct product : products) {
                out.println(product.id() + ": valid (" + product.outputPorts().size() + " output port(s): "
                        + product.outputPorts().stream().map(p -> product.address(p).topic()).toList() + ")");
            }
            return 0;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Shows what provisioning data-product.yaml files would change on a cluster; changes nothing. "
                    + "Exit code 2 if the plan is refused (e.g. an incompatible schema) or, with --fail-on-drift, drifted.")
    static final class Plan implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Servers servers;

        @Option(names = "--fail-on-drift", description = "Exit with 2 when the cluster has drifted from a product.")
        boolean failOnDrift;

        @Mixin
        Reading reading;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "data-product.yaml files")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return forEachProduct(files, reading.options(), servers, spec.commandLine().getErr(), (product, client) -> {
                ProvisioningPlan plan = client.plan(product);
                out.println(plan.describe());
                boolean drifted = !plan.changes(PlannedChange.Action.DRIFT).isEmpty();
                return plan.isRefused() || (failOnDrift && drifted) ? 2 : 0;
            });
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Provisions data-product.yaml files: topics, quarantine topics, schemas, compatibility, "
                    + "catalog entries. Idempotent; refuses incompatible schema changes (exit code 2) and changes nothing then.")
    static final class Apply implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Servers servers;

        @Mixin
        Reading reading;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "data-product.yaml files")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return forEachProduct(files, reading.options(), servers, err, (product, client) -> {
                try {
                    out.println(client.provision(product).describe());
                    return 0;
                } catch (ProvisioningRefusedException e) {
                    err.println(e.getMessage());
                    return 2;
                }
            });
        }
    }

    @Command(name = "catalog", mixinStandardHelpOptions = true,
            description = "Lists the mesh's data products: ports, owners, grants and lineage.")
    static final class Catalog implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Servers servers;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (ProductCatalog catalog = ProductCatalog.create(servers.config("catalog"))) {
                List<DataProduct> products = catalog.products();
                if (products.isEmpty()) {
                    out.println("The catalog (" + catalog.topic() + ") has no products yet.");
                }
                for (DataProduct product : products) {
                    out.println(product.id() + "  (owner: " + product.owner() + ")");
                    for (OutputPort port : product.outputPorts()) {
                        var address = product.address(port);
                        out.println("  " + address.topic() + "  " + port.valueSchema().getFullName()
                                + (port.grants().isEmpty() ? "" : "  grants: " + port.grants().stream()
                                .map(g -> g.domain() + " (" + g.clearance() + ")").toList())
                                + catalog.lineage(address).map(l -> "  from: " + l.inputs()).orElse(""));
                    }
                }
            }
            return 0;
        }
    }
}

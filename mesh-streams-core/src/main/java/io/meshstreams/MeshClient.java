package io.meshstreams;

import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.governance.AccessDeniedException;
import io.meshstreams.governance.FieldMasker;
import io.meshstreams.governance.MaskedField;
import io.meshstreams.governance.MaskingRules;
import io.meshstreams.internal.governance.MaskingDeserializer;
import io.meshstreams.internal.governance.PortKeyDeserializer;
import io.meshstreams.internal.governance.ReadAccess;
import io.meshstreams.internal.client.ClientConfigs;
import io.meshstreams.internal.client.MeshClientInternals;
import io.meshstreams.internal.product.Names;
import io.meshstreams.internal.publish.KafkaPortPublisher;
import io.meshstreams.internal.serde.PortKeys;
import io.meshstreams.internal.subscribe.KafkaPortSubscriber;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.KeyTypeMismatchException;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.provision.Provisioner;
import io.meshstreams.provision.ProvisioningPlan;
import io.meshstreams.publish.PortPublisher;
import io.meshstreams.publish.PublisherOptions;
import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.registry.SchemaRegistryClient;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.serde.AvroSerdeConfig;
import io.meshstreams.subscribe.OnUndecodable;
import io.meshstreams.subscribe.PortSubscriber;
import io.meshstreams.subscribe.SubscriberOptions;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A domain's connection to the mesh: provisions its products, publishes on its ports with the contract enforced, and
 * reads other domains' ports under its grants.
 *
 * <pre>{@code
 * try (MeshClient orders = MeshClient.create(Map.of(
 *         "mesh.domain", "orders",
 *         "bootstrap.servers", "localhost:9092",
 *         "schema.registry.url", "http://localhost:8081"))) {
 *     DataProduct product = DataProductDescriptor.load(Path.of("data-product.yaml"));
 *     orders.provision(product);
 *     try (PortPublisher<String, GenericRecord> placed = orders.publisher("orders.order-events.placed.v1")) {
 *         placed.publish(order);
 *     }
 * }
 * }</pre>
 *
 * <ol>
 *   <li>Thread-safe. Publishers and subscribers it creates are the caller's to close; closing the client closes its
 *       own clients (admin, registry client, catalog), not them.</li>
 *   <li>Every setting besides {@code mesh.*} is passed on: Kafka's to producers, consumers and the admin client, the
 *       registry's to the registry client.</li>
 * </ol>
 */
public final class MeshClient implements AutoCloseable {
    private static final long TIMEOUT_MS = 15_000;

    static {
        MeshClientInternals.install(client -> new HashMap<>(client.config));
    }

    private final String domain;
    private final Map<String, Object> config;
    private final Map<String, Object> kafkaConfig;
    private final SchemaRegistryClient registry;
    private final ProductCatalog catalog;
    private final Admin admin;
    private final Provisioner provisioner;
    private final MeterRegistry meters;
    private final MaskingRules maskingRules;

    private MeshClient(Map<String, ?> config, MeterRegistry meters) {
        MeshClientConfig parsed = MeshClientConfig.parse(config);
        this.domain = parsed.domain();
        this.maskingRules = parsed.maskingRules();
        Names.segmentProblem("domain", domain).ifPresent(problem -> {
            throw new InvalidConfigException(MeshClientConfig.DOMAIN_CONFIG, problem + "; use e.g. '"
                    + Names.suggestion(domain) + "'");
        });
        this.config = new HashMap<>(config);
        this.kafkaConfig = ClientConfigs.kafkaOnly(config);
        this.meters = meters;
        // Each client opens connections and threads: if a later one cannot be created, close the earlier ones.
        SchemaRegistryClient registryClient = SchemaRegistryClient.create(config);
        ProductCatalog productCatalog = null;
        try {
            productCatalog = ProductCatalog.create(config);
            this.admin = createAdmin(kafkaConfig);
        } catch (RuntimeException | Error e) {
            closeQuietly(productCatalog, e);
            closeQuietly(registryClient, e);
            throw e;
        }
        this.registry = registryClient;
        this.catalog = productCatalog;
        this.provisioner = Provisioner.create(admin, registry, catalog);
    }

    private static Admin createAdmin(Map<String, Object> kafkaConfig) {
        try {
            return Admin.create(kafkaConfig);
        } catch (org.apache.kafka.common.KafkaException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new InvalidConfigException(null, "Kafka's clients cannot be created from this configuration: "
                    + cause.getMessage() + ". Check bootstrap.servers and the security settings (security.protocol,"
                    + " sasl.*, ssl.*).");
        }
    }

    private static void closeQuietly(@org.jspecify.annotations.Nullable AutoCloseable resource, Throwable failure) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception | Error closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }

    /** A client for the domain {@code mesh.domain}, recording metrics in Micrometer's global registry. */
    public static MeshClient create(Map<String, ?> config) {
        return new MeshClient(config, Metrics.globalRegistry);
    }

    /** A client that records its metrics in the given registry. */
    public static MeshClient create(Map<String, ?> config, MeterRegistry meters) {
        return new MeshClient(config, meters);
    }

    /** The domain this client acts for. */
    public String domain() {
        return domain;
    }

    /** The registry client this client and everything it creates share. */
    public SchemaRegistryClient registry() {
        return registry;
    }

    /** How classified fields are masked for readers without the clearance ({@code mesh.masking.hash.key}). */
    public MaskingRules maskingRules() {
        return maskingRules;
    }

    /** The registry that publishers and subscribers record their metrics in. */
    public MeterRegistry meterRegistry() {
        return meters;
    }

    /** The mesh's product catalog. */
    public ProductCatalog catalog() {
        return catalog;
    }

    // ---------------------------------------------------------------- provisioning

    /** What provisioning one of this domain's products would do; changes nothing. */
    public ProvisioningPlan plan(DataProduct product) {
        requireOwn(product, "provision");
        return provisioner.plan(product);
    }

    /** Provisions one of this domain's products: plans, applies, returns the plan applied. */
    public ProvisioningPlan provision(DataProduct product) {
        requireOwn(product, "provision");
        return provisioner.provision(product);
    }

    // ---------------------------------------------------------------- publishing

    /**
     * A publisher of generic records on one of this domain's ports whose keys are {@code String}s (a {@code string}
     * key field), with default options, holding each record to the port's contract as the catalog has it (the contract
     * that consumers see).
     *
     * @throws AccessDeniedException    if the port belongs to another domain
     * @throws KeyTypeMismatchException if the port's key field is not a {@code string}: the message names the typed form
     *                                  to call, {@link #publisher(PortAddress, Class, Class)}
     * @throws MeshException            if the port is not provisioned (not in the catalog, schemas or topics missing)
     */
    public PortPublisher<String, GenericRecord> publisher(PortAddress port) {
        return publisher(port, String.class, GenericRecord.class);
    }

    /** {@link #publisher(PortAddress)} for an address written out, {@code orders.order-events.placed.v1}. */
    public PortPublisher<String, GenericRecord> publisher(String port) {
        return publisher(PortAddress.parse(port));
    }

    /**
     * A publisher of generated records (a class generated from the port's schema) on one of this domain's ports whose
     * keys are {@code String}s.
     */
    public <V extends SpecificRecord> PortPublisher<String, V> publisher(PortAddress port, Class<V> valueType) {
        return publisher(port, String.class, valueType);
    }

    /** A publisher on one of this domain's ports whose keys are {@code String}s. */
    public <V> PortPublisher<String, V> publisher(PortAddress port, Class<V> valueType, PublisherOptions options) {
        return publisher(port, String.class, valueType, options);
    }

    /** {@link #publisher(PortAddress, Class, Class, PublisherOptions)} with default options. */
    public <K, V> PortPublisher<K, V> publisher(PortAddress port, Class<K> keyType, Class<V> valueType) {
        return publisher(port, keyType, valueType, PublisherOptions.named(domain + "." + port.port()));
    }

    /**
     * A publisher on one of this domain's ports.
     *
     * @param keyType   the Java type of the port's keys, its key field's: {@code String.class} ({@code string}),
     *                  {@code Integer.class} ({@code int}) or {@code Long.class} ({@code long}). A key the caller gives
     *                  must equal the key field's value; the key is written as the port's key format says (its text in
     *                  UTF-8 for {@code STRING}, the field's Avro encoding with the port's key schema for {@code AVRO}).
     * @param valueType {@code GenericRecord.class}, or a generated {@code SpecificRecord} class of the port's schema
     * @throws AccessDeniedException    if the port belongs to another domain
     * @throws KeyTypeMismatchException if {@code keyType} is not the key field's type, naming the right one
     * @throws MeshException            if the port is not provisioned (not in the catalog, schemas or topics missing)
     */
    public <K, V> PortPublisher<K, V> publisher(PortAddress port, Class<K> keyType, Class<V> valueType,
                                                PublisherOptions options) {
        requireOwnPort(port, "publish on");
        ProductCatalog.CatalogPort found = ReadAccess.find(catalog, port);
        return createPublisher(found.product(), found.port(), keyType, valueType, options);
    }

    private <K, V> PortPublisher<K, V> createPublisher(DataProduct product, OutputPort port, Class<K> keyType,
                                                       Class<V> valueType, PublisherOptions options) {
        PortAddress address = product.address(port);
        requireOwnPort(address, "publish on");
        PortKeys<K> keys = PortKeys.of(registry, address, port).requireType(keyType, right -> "Fix: client.publisher("
                + "PortAddress.parse(\"" + address + "\"), " + right.getSimpleName() + ".class, "
                + valueType.getSimpleName() + ".class).");
        RegisteredSchema registered = provisionedSchema(address, port);
        if (keys.format() == KeyDefinition.Format.AVRO) {
            keys.schemaId(); // not provisioned: fails here, naming the key subject, rather than on every record
        }
        requireTopics(address, address.topic(), address.quarantineTopic());

        Map<String, Object> producerConfig = new HashMap<>(kafkaConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, options.name());
        producerConfig.putAll(options.producerConfig());
        options.transactionalIdIfAny().ifPresent(id -> producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
        try {
            if (options.transactionalId() != null) {
                producer.initTransactions();
            }
            Serializer<Object> keySerializer = null;
            if (port.key().format() == KeyDefinition.Format.AVRO) {
                keySerializer = keys.fieldValueSerializer(); // the canonical key schema's id, looked up above
            }
            return new KafkaPortPublisher<>(new KafkaPortPublisher.Setup(address, port, domain, registered.id(),
                    registered.version(), producer, options.transactionalId() != null, keySerializer, meters,
                    options));
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- subscribing

    /**
     * A subscriber of generic records, decoded with the port's contract schema, on a port whose keys this domain sees
     * as {@code String}s: a {@code string} key field, or a key it sees hashed.
     *
     * @throws KeyTypeMismatchException if the port's keys are of another type: the message names the typed form to
     *                                  call, {@link #subscriber(PortAddress, SubscriberOptions, Class, Class)}
     */
    public PortSubscriber<String, GenericRecord> subscriber(PortAddress address, SubscriberOptions options) {
        return subscriber(address, options, String.class, GenericRecord.class);
    }

    /** {@link #subscriber(PortAddress, SubscriberOptions)} for an address written out. */
    public PortSubscriber<String, GenericRecord> subscriber(String address, SubscriberOptions options) {
        return subscriber(PortAddress.parse(address), options);
    }

    /**
     * A subscriber of generated records (the class must be generated from the port's schema or a compatible one), on a
     * port whose keys are {@code String}s.
     */
    public <V extends SpecificRecord> PortSubscriber<String, V> subscriber(PortAddress address, SubscriberOptions options,
                                                                           Class<V> valueType) {
        return subscriber(address, options, String.class, valueType);
    }

    /**
     * A subscriber of a port.
     *
     * @param keyType   the Java type of the keys as this domain sees them: the key field's ({@code String.class},
     *                  {@code Integer.class}, {@code Long.class}), or {@code String.class} for a key it sees hashed
     * @param valueType {@code GenericRecord.class} (records of the port's schema, masked where the clearance says), or
     *                  a generated {@code SpecificRecord} class (only where nothing is masked)
     * @throws KeyTypeMismatchException if {@code keyType} is not the type this domain sees, naming the right one
     * @throws AccessDeniedException    without a grant, or for a generated class where fields are masked
     */
    public <K, V> PortSubscriber<K, V> subscriber(PortAddress address, SubscriberOptions options, Class<K> keyType,
                                                  Class<V> valueType) {
        if (valueType != GenericRecord.class && !SpecificRecord.class.isAssignableFrom(valueType)) {
            throw new IllegalArgumentException("A subscriber reads GenericRecord or a generated SpecificRecord class,"
                    + " not " + valueType.getName());
        }
        return createSubscriber(address, options, keyType, valueType == GenericRecord.class ? null : valueType);
    }

    @SuppressWarnings("unchecked")
    private <K, V> PortSubscriber<K, V> createSubscriber(PortAddress address, SubscriberOptions options, Class<K> keyType,
                                                         @org.jspecify.annotations.Nullable Class<?> valueType) {
        ProductCatalog.CatalogPort found = ReadAccess.find(catalog, address);
        String clearance = ReadAccess.clearance(domain, found, maskingRules.scheme());
        FieldMasker masker = FieldMasker.create(found.port(), clearance, maskingRules);
        PortKeyDeserializer<K> keys = PortKeyDeserializer.of(registry, address, found.port(), masker)
                .requireType(keyType, domain, right -> "Fix: client.subscriber(PortAddress.parse(\"" + address
                        + "\"), options, " + right.getSimpleName() + ".class, "
                        + (valueType == null ? "GenericRecord" : valueType.getSimpleName()) + ".class).");
        if (valueType != null && !masker.masksNothing()) {
            throw new AccessDeniedException(domain, address, "Domain '" + domain + "' reads " + address + " with clearance "
                    + clearance + ", so these fields are masked: " + masker.maskedFields().stream()
                    .map(MaskedField::label).toList() + ". Masked records do not fit the generated class "
                    + valueType.getName() + ": read generic records (their schema is " + masker.maskedSchema().getFullName()
                    + "), or ask the owner for a grant with the clearance these fields need.");
        }
        String deadLetterTopic = options.onUndecodable() == OnUndecodable.DEAD_LETTER
                ? (options.deadLetterTopic() != null ? options.deadLetterTopic() : domain + ".dead-letter")
                : null;
        if (deadLetterTopic != null) {
            ensureTopic(deadLetterTopic);
        }

        Map<String, Object> consumerConfig = new HashMap<>(kafkaConfig);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, domain + "." + options.name());
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, domain + "." + options.name());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.putAll(options.consumerConfig());
        Deserializer<V> values = valueType == null
                ? (Deserializer<V>) new MaskingDeserializer(address.topic(),
                        new AvroDeserializer<GenericRecord>(registry, found.port().valueSchema()), null, masker)
                : new AvroDeserializer<>(registry, Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true,
                AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG, valueType.getName()), false);
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            Map<String, Object> deadLetterConfig = new HashMap<>(kafkaConfig);
            deadLetterConfig.put(ProducerConfig.CLIENT_ID_CONFIG, domain + "." + options.name() + ".dead-letter");
            return new KafkaPortSubscriber<>(new KafkaPortSubscriber.Setup<>(address, domain, options.name(), consumer,
                    values, keys, options.onUndecodable(), deadLetterTopic,
                    () -> new KafkaProducer<>(deadLetterConfig, new ByteArraySerializer(), new ByteArraySerializer()),
                    !masker.masksNothing(), meters, options.registryRetryBackoff(), options.registryRetryBackoffMax()));
        } catch (RuntimeException | Error e) {
            // Half made: close what exists (the dead-letter producer is made only when first needed).
            closeQuietly(consumer, e);
            closeQuietly(values, e);
            closeQuietly(keys, e);
            throw e;
        }
    }

    // ---------------------------------------------------------------- helpers

    private void requireOwnPort(PortAddress address, String action) {
        if (!address.domain().equals(domain)) {
            throw new AccessDeniedException(domain, address, "Domain '" + domain + "' cannot " + action + " " + address
                    + ": the port belongs to domain '" + address.domain() + "'. A domain publishes only its own ports;"
                    + " to build on this one, declare it as an input port of a product of '" + domain
                    + "' and publish the result on that product's port.");
        }
    }

    private void requireOwn(DataProduct product, String action) {
        if (!product.domain().equals(domain)) {
            throw new AccessDeniedException(domain, product.address(product.outputPorts().get(0)), "Domain '" + domain
                    + "' cannot " + action + " data product " + product.id() + ": it belongs to domain '"
                    + product.domain() + "'. Each domain provisions its own products; create the MeshClient with "
                    + MeshClientConfig.DOMAIN_CONFIG + "=" + product.domain() + " in that domain's service.");
        }
    }

    private RegisteredSchema provisionedSchema(PortAddress address, OutputPort port) {
        try {
            return registry.lookUp(address.valueSubject(), SchemaDefinition.avro(port.valueSchema()));
        } catch (RegistryNotFoundException e) {
            throw new MeshException("Port " + address + " is not provisioned: its schema "
                    + port.valueSchema().getFullName() + " is not registered under subject " + address.valueSubject()
                    + " (" + e.getMessage() + "). Provision the product first: client.provision(product), or"
                    + " `mesh apply` in CI.", e);
        }
    }

    private void requireTopics(PortAddress address, String... topics) {
        try {
            Map<String, TopicDescription> found = admin.describeTopics(List.of(topics)).allTopicNames()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (found.size() != topics.length) {
                throw new MeshException("Port " + address + " is not fully provisioned: missing topics");
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new MeshException("Port " + address + " is not provisioned: topic " + List.of(topics)
                        + " does not exist. Provision the product first: client.provision(product).", e.getCause());
            }
            throw new MeshException("Cannot check the topics of port " + address + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while checking the topics of port " + address, e);
        } catch (TimeoutException e) {
            throw new MeshException("Kafka did not answer within " + TIMEOUT_MS / 1000 + " s while checking the topics"
                    + " of port " + address + "; check bootstrap.servers=" + kafkaConfig.get("bootstrap.servers"), e);
        }
    }

    private void ensureTopic(String topic) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
                    .all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new MeshException("Cannot create dead-letter topic " + topic + ": " + e.getCause()
                        + ". Create it, or choose SubscriberOptions.withOnUndecodable(SKIP).", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while creating dead-letter topic " + topic, e);
        } catch (TimeoutException e) {
            throw new MeshException("Kafka did not answer while creating dead-letter topic " + topic, e);
        }
    }

    /** Closes the client's own admin client, registry client and catalog. */
    @Override
    public void close() {
        try {
            catalog.close();
        } finally {
            try {
                admin.close();
            } finally {
                registry.close();
            }
        }
    }

    /**
     * The configuration this client was created with (a copy), for showing: secrets ({@code sasl.jaas.config},
     * passwords, {@code basic.auth.user.info}, tokens, {@code mesh.masking.hash.key}, ...) read
     * {@value io.meshstreams.internal.client.ClientConfigs#HIDDEN}.
     */
    public Map<String, Object> config() {
        return ClientConfigs.redacted(config);
    }
}

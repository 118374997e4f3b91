package io.meshstreams.streams;

import io.meshstreams.MeshClient;
import io.meshstreams.MeshException;
import io.meshstreams.catalog.ProductCatalog;
import io.meshstreams.governance.AccessDeniedException;
import io.meshstreams.governance.FieldMasker;
import io.meshstreams.internal.client.MeshClientInternals;
import io.meshstreams.internal.governance.MaskingDeserializer;
import io.meshstreams.internal.governance.PortKeyDeserializer;
import io.meshstreams.internal.governance.ReadAccess;
import io.meshstreams.internal.streams.ContractEnforcingProcessor;
import io.meshstreams.internal.streams.GlobalCopyCatchUp;
import io.meshstreams.internal.streams.TopologyChecks;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.KeyDefinition;
import io.meshstreams.product.OutputPort;
import io.meshstreams.product.PortAddress;
import io.meshstreams.registry.RegisteredSchema;
import io.meshstreams.registry.RegistryNotFoundException;
import io.meshstreams.registry.SchemaDefinition;
import io.meshstreams.serde.AvroDeserializer;
import io.meshstreams.serde.AvroSerde;
import io.meshstreams.serde.AvroSerdeConfig;
import io.meshstreams.serde.AvroSerializer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.kstream.ValueJoiner;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Builds a Kafka Streams topology for one consuming domain that reads other domains' ports only under governance.
 *
 * <pre>{@code
 * GovernedStreamsBuilder builder = GovernedStreamsBuilder.create(analytics, "enrichment");
 * KStream<String, GenericRecord> orders = builder.stream("orders.order-events.placed.v1");
 * KTable<String, GenericRecord> customers = builder.table("customers.customer-profiles.profiles.v1");
 * KStream<String, GenericRecord> enriched = builder.join(orders, customers, OrderEnrichment::enrich,
 *         PortJoined.as("orders-with-customers").withRekeyByField("customerId"));
 * builder.to(enriched, "analytics.order-insights.enriched-orders.v1", PortProduced.as("publish-enriched"));
 * GovernedTopology topology = builder.build();   // co-partitioning and lineage checked here
 * try (KafkaStreams streams = topology.start()) {  // dead-letter topic prepared, lineage recorded
 *     ...
 * }
 * }</pre>
 *
 * <p>What governance means here:
 * <ol>
 *   <li>Ports are read by address, never by raw topic. A port the domain holds no grant on fails while the topology is
 *       being built ({@link AccessDeniedException}, naming the port, the missing grant and how to ask for it).</li>
 *   <li>Every field classified above the grant's clearance is masked in the deserializer, before the record enters
 *       the topology (its stores, changelogs, repartition topics and your code): hashed, redacted or dropped per
 *       {@link io.meshstreams.governance.MaskingRules}. {@link #schema(String)} is the schema the topology sees.</li>
 *   <li>Joins check co-partitioning from the topics' real partition counts while building, and repartition (or
 *       refuse, per {@link PortJoined#coPartitioning()}) when the counts differ. {@link #build()} checks every join
 *       again on the finished topology, including those written with plain Kafka Streams operators.</li>
 *   <li>{@link #to} publishes on an output port of this domain with the same contract enforcement as a publisher:
 *       schema, rules and quarantine, inside the topology. The output port's lineage (the ports it is derived from)
 *       must be declared as the product's input ports, and is recorded in the catalog when the topology starts.</li>
 *   <li>Processing is {@code exactly_once_v2}; records that cannot be decoded or that fail in a processor go to the
 *       domain's dead-letter topic ({@code <domain>.dead-letter}) and processing continues.</li>
 * </ol>
 * <p>Plain Kafka Streams operators stay usable on everything this builder returns, and {@link #streamsBuilder()} is
 * the underlying {@code StreamsBuilder} (for this domain's own topics: {@link #build()} refuses another domain's port
 * read through it). Not thread-safe; build on one thread.
 */
public final class GovernedStreamsBuilder {
    private static final long TIMEOUT_MS = 15_000;

    /**
     * A port this topology reads, as it entered. With {@code hashedKeys}, its keys are hashes while its records sit
     * in partitions chosen by the clear keys: a join that repartitions the other side must repartition this one too.
     */
    record Source(PortAddress port, int partitions, FieldMasker masker, PortKeyDeserializer keys) {
        boolean hashedKeys() {
            return keys.hashesKeys();
        }
    }

    /** An output port this topology publishes on, and the processor that guards it. */
    record Output(PortAddress port, String processorName) {
    }

    private final MeshClient client;
    private final String applicationName;
    private final String applicationId;
    private final StreamsBuilder streams = new StreamsBuilder();
    private final Map<Object, Source> sourceOf = new IdentityHashMap<>();
    private final Map<PortAddress, Source> sources = new LinkedHashMap<>();
    private final List<Output> outputs = new ArrayList<>();
    private final Map<String, GlobalTableCopy> globalCopies = new LinkedHashMap<>();
    /** How to bring each global table's copy up to date before a start, with the name of the sink that writes it. */
    private final List<CopyFeed> copyFeeds = new ArrayList<>();

    private record CopyFeed(GlobalCopyCatchUp.Copy copy, String sinkName) {
    }
    private final Set<String> joinNames = new LinkedHashSet<>();
    private final Serde<GenericRecord> internalValueSerde;

    private GovernedStreamsBuilder(MeshClient client, String applicationName) {
        this.client = client;
        this.applicationName = Objects.requireNonNull(applicationName, "applicationName");
        this.applicationId = client.domain() + "." + applicationName;
        // Repartition topics and changelogs hold masked records: their schemas are registered under the internal
        // topics' own subjects.
        this.internalValueSerde = AvroSerde.generic(client.registry());
    }

    /**
     * A builder for a topology of the client's domain. The application id (consumer group, internal topics, state
     * directory) is {@code <domain>.<applicationName>}. A subscriber's consumer group is {@code <domain>.<name>} too:
     * give applications and subscribers different names, or they share (and split) one group.
     */
    public static GovernedStreamsBuilder create(MeshClient client, String applicationName) {
        return new GovernedStreamsBuilder(client, applicationName);
    }

    /** The underlying builder, for plain Kafka Streams sources and operators. */
    public StreamsBuilder streamsBuilder() {
        return streams;
    }

    /** {@code <domain>.<applicationName>}. */
    public String applicationId() {
        return applicationId;
    }

    // ---------------------------------------------------------------- sources

    /** A port as a stream of masked records, named after the port. */
    public KStream<String, GenericRecord> stream(String portAddress) {
        PortAddress port = PortAddress.parse(portAddress);
        return stream(port, PortConsumed.as(defaultName(port)));
    }

    /** A port as a stream of masked records. */
    public KStream<String, GenericRecord> stream(PortAddress port, PortConsumed consumed) {
        return source(admit(port), consumed.name());
    }

    /**
     * The one source of a port in this topology (Kafka Streams allows one source per topic): a stream of masked
     * records, from which the port's table and global table derive too.
     */
    private KStream<String, GenericRecord> source(Source source, String name) {
        KStream<String, GenericRecord> existing = streamOf.get(source.port());
        if (existing != null) {
            return existing;
        }
        KStream<String, GenericRecord> stream = streams.stream(source.port().topic(),
                Consumed.with(keySerde(source), maskedSerde(source)).withName(name));
        sourceOf.put(stream, source);
        streamOf.put(source.port(), stream);
        return stream;
    }

    private final Map<PortAddress, KStream<String, GenericRecord>> streamOf = new LinkedHashMap<>();

    /** A port as a table of masked records, in a versioned store, named after the port. */
    public KTable<String, GenericRecord> table(String portAddress) {
        PortAddress port = PortAddress.parse(portAddress);
        return table(port, PortConsumed.as(defaultName(port)));
    }

    /**
     * A port as a table of masked records. By default the store is versioned, so that a stream-table join looks up
     * the table as it was at the stream record's time, and out-of-order records join with the right version.
     */
    public KTable<String, GenericRecord> table(PortAddress port, PortConsumed consumed) {
        Source source = admit(port);
        KTable<String, GenericRecord> table = source(source, consumed.name())
                .toTable(Named.as(consumed.name() + "-table"), tableStore(consumed, consumed.name() + "-store"));
        sourceOf.put(table, source);
        consumedOf.put(table, consumed);
        return table;
    }

    private final Map<Object, PortConsumed> consumedOf = new IdentityHashMap<>();

    /** A table's store: versioned unless asked otherwise; it (and its changelog) holds masked records. */
    private Materialized<String, GenericRecord, KeyValueStore<Bytes, byte[]>> tableStore(PortConsumed consumed,
                                                                                         String storeName) {
        Materialized<String, GenericRecord, KeyValueStore<Bytes, byte[]>> store = consumed.versioned()
                ? Materialized.<String, GenericRecord>as(Stores.persistentVersionedKeyValueStore(
                        storeName, consumed.historyRetention()))
                : Materialized.<String, GenericRecord, KeyValueStore<Bytes, byte[]>>as(storeName);
        return store.withKeySerde(Serdes.String()).withValueSerde(internalValueSerde);
    }

    /** A port as a global table of masked records, named after the port. */
    public GlobalKTable<String, GenericRecord> globalTable(String portAddress) {
        PortAddress port = PortAddress.parse(portAddress);
        return globalTable(port, PortConsumed.as(defaultName(port)));
    }

    /**
     * A port as a global table (every instance holds all of it) of masked records. Kafka Streams restores a global
     * store from its source topic's raw bytes, so the port is first copied, masked, to a compacted topic of this
     * application ({@code <application id>-<name>-masked}), and the global table is built from that copy: no clear
     * classified value is ever stored by this application.
     *
     * <p>As in plain Kafka Streams, the global table holds every record published on the port before the application
     * starts when its first stream record is processed: {@link GovernedTopology#start} brings the copy up to date
     * first (from where the application left off). Not when the same topology also reads the port as a stream or a
     * table: then the copy fills while stream records are processed, and a stream record that arrives before its
     * match has been copied does not find it; use {@link #table} with a stream-table {@link #join} there.
     */
    public GlobalKTable<String, GenericRecord> globalTable(PortAddress port, PortConsumed consumed) {
        Source source = admit(port);
        String copyTopic = applicationId + "-" + consumed.name() + "-masked";
        source(source, consumed.name())
                .to(copyTopic, Produced.with(Serdes.String(), internalValueSerde).withName(consumed.name() + "-mask"));
        globalCopies.put(copyTopic, new GlobalTableCopy(copyTopic, source.partitions(), port));
        copyFeeds.add(new CopyFeed(new GlobalCopyCatchUp.Copy(port.topic(), copyTopic, source.keys(),
                maskedSerde(source).deserializer(), internalValueSerde.serializer()), consumed.name() + "-mask"));
        return streams.globalTable(copyTopic, Consumed.with(Serdes.String(), internalValueSerde)
                        .withName(consumed.name() + "-global"),
                Materialized.<String, GenericRecord, KeyValueStore<Bytes, byte[]>>as(consumed.name() + "-global-store")
                        .withKeySerde(Serdes.String()).withValueSerde(internalValueSerde));
    }

    /** The schema a port's records have in this topology: the port's schema with what this domain may not see masked. */
    public Schema schema(String portAddress) {
        return admit(PortAddress.parse(portAddress)).masker().maskedSchema();
    }

    private Source admit(PortAddress port) {
        Source known = sources.get(port);
        if (known != null) {
            return known;
        }
        ProductCatalog.CatalogPort found = ReadAccess.find(client.catalog(), port);
        String clearance = ReadAccess.clearance(client.domain(), found, client.maskingRules().scheme());
        FieldMasker masker = FieldMasker.create(found.port(), clearance, client.maskingRules());
        Source source = new Source(port, partitions(port.topic()), masker,
                PortKeyDeserializer.of(client.registry(), port.topic(), found.port(), masker));
        sources.put(port, source);
        return source;
    }

    private Serde<GenericRecord> maskedSerde(Source source) {
        // Kafka Streams gives a table's store the source's serde: records read back from the store's changelog are
        // already masked, and are decoded with their own schema.
        Deserializer<GenericRecord> decoder = new MaskingDeserializer(source.port().topic(),
                new AvroDeserializer<GenericRecord>(client.registry(), source.masker().portSchema()),
                new AvroDeserializer<GenericRecord>(client.registry()), source.masker());
        return Serdes.serdeFrom(new AvroSerializer<>(client.registry()), decoder);
    }

    private static Serde<String> keySerde(Source source) {
        return Serdes.serdeFrom(Serdes.String().serializer(), source.keys());
    }

    // ---------------------------------------------------------------- joins

    /**
     * Stream-table join: each stream record joins with the table's value for its key (at the record's time, for a
     * versioned table). With {@link PortJoined#withRekey}, the stream is re-keyed first and repartitioned to the
     * table's partition count; without, differing partition counts are repartitioned or refused.
     */
    public KStream<String, GenericRecord> join(KStream<String, GenericRecord> stream, KTable<String, GenericRecord> table,
                                               ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                               PortJoined joined) {
        return streamTableJoin(stream, table, joiner, joined, false);
    }

    /** Stream-table left join: stream records without a table value join with null. */
    public KStream<String, GenericRecord> leftJoin(KStream<String, GenericRecord> stream,
                                                   KTable<String, GenericRecord> table,
                                                   ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                                   PortJoined joined) {
        return streamTableJoin(stream, table, joiner, joined, true);
    }

    private KStream<String, GenericRecord> streamTableJoin(KStream<String, GenericRecord> stream,
                                                           KTable<String, GenericRecord> table,
                                                           ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                                           PortJoined joined, boolean left) {
        registerJoin(joined);
        Source tableSource = sourceOf.get(table);
        Aligned aligned = align(stream, tableSource, joined);
        KTable<String, GenericRecord> lookedUp = aligned.repartitioned()
                ? byHashedKeys(table, joined.name() + "-right") : table;
        Joined<String, GenericRecord, GenericRecord> spec = Joined.with(Serdes.String(), internalValueSerde,
                internalValueSerde, joined.name());
        return left ? aligned.stream().leftJoin(lookedUp, joiner, spec) : aligned.stream().join(lookedUp, joiner, spec);
    }

    /** Stream-stream join within a time window. The left stream is aligned to the right one's partitioning. */
    public KStream<String, GenericRecord> join(KStream<String, GenericRecord> left, KStream<String, GenericRecord> right,
                                               ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                               JoinWindows windows, PortJoined joined) {
        registerJoin(joined);
        Source rightSource = sourceOf.get(right);
        Aligned aligned = align(left, rightSource, joined);
        KStream<String, GenericRecord> other = aligned.repartitioned() && rightSource != null && rightSource.hashedKeys()
                ? right.repartition(repartitioned(joined.name() + "-right", rightSource.partitions()))
                : right;
        return aligned.stream().join(other, joiner, windows, StreamJoined.with(Serdes.String(), internalValueSerde,
                internalValueSerde).withName(joined.name()).withStoreName(joined.name() + "-store"));
    }

    /** Table-table join on the tables' keys; the left table is repartitioned if the partition counts differ. */
    public KTable<String, GenericRecord> join(KTable<String, GenericRecord> left, KTable<String, GenericRecord> right,
                                              ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                              PortJoined joined) {
        registerJoin(joined);
        Source leftSource = sourceOf.get(left);
        Source rightSource = sourceOf.get(right);
        KTable<String, GenericRecord> aligned = left;
        KTable<String, GenericRecord> other = right;
        if (leftSource != null && rightSource != null && leftSource.partitions() != rightSource.partitions()) {
            refuseIfAsked(joined, leftSource, rightSource);
            aligned = repartitionTable(left, joined.name() + "-left", rightSource.partitions());
            other = byHashedKeys(right, joined.name() + "-right");
        }
        return aligned.join(other, joiner, Named.as(joined.name()),
                Materialized.<String, GenericRecord, KeyValueStore<Bytes, byte[]>>as(joined.name() + "-store")
                        .withKeySerde(Serdes.String()).withValueSerde(internalValueSerde));
    }

    /**
     * Foreign-key table-table join: each left row joins with the right row whose key {@code foreignKey} extracts.
     * Kafka Streams routes the lookups itself, so the partition counts need not match.
     */
    public KTable<String, GenericRecord> join(KTable<String, GenericRecord> left, KTable<String, GenericRecord> right,
                                              Function<GenericRecord, String> foreignKey,
                                              ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                              PortJoined joined) {
        registerJoin(joined);
        // Kafka Streams routes lookups and answers by the keys' bytes: tables whose keys are hashes but whose
        // records are partitioned by the clear keys are repartitioned by the hashes first.
        return byHashedKeys(left, joined.name() + "-left").join(byHashedKeys(right, joined.name() + "-right"),
                foreignKey, joiner, TableJoined.as(joined.name()),
                Materialized.<String, GenericRecord, KeyValueStore<Bytes, byte[]>>as(joined.name() + "-store")
                        .withKeySerde(Serdes.String()).withValueSerde(internalValueSerde));
    }

    private void registerJoin(PortJoined joined) {
        if (!joinNames.add(joined.name())) {
            throw new IllegalArgumentException("Two joins are named '" + joined.name() + "'; join names name internal"
                    + " topics and stores, so each join needs its own");
        }
    }

    /** A stream made ready for a join, and whether that repartitioned it (by the keys the topology sees). */
    private record Aligned(KStream<String, GenericRecord> stream, boolean repartitioned) {
    }

    /** Re-keys and/or repartitions a stream so that it is co-partitioned with {@code other}. */
    private Aligned align(KStream<String, GenericRecord> stream, @Nullable Source other, PortJoined joined) {
        Source own = sourceOf.get(stream);
        KeyValueMapper<String, GenericRecord, String> rekey = joined.rekey();
        if (rekey != null) {
            KStream<String, GenericRecord> rekeyed = stream.selectKey(rekey, Named.as(joined.name() + "-rekey"));
            // Repartition explicitly, to the other side's count when known, so that the topic has a stable name.
            return new Aligned(rekeyed.repartition(other == null
                    ? Repartitioned.<String, GenericRecord>as(joined.name() + "-rekey")
                            .withKeySerde(Serdes.String()).withValueSerde(internalValueSerde)
                    : repartitioned(joined.name() + "-rekey", other.partitions())), true);
        }
        if (own != null && other != null && own.partitions() != other.partitions()) {
            refuseIfAsked(joined, own, other);
            return new Aligned(stream.repartition(repartitioned(joined.name() + "-left", other.partitions())), true);
        }
        return new Aligned(stream, false);
    }

    /**
     * The table partitioned by the keys the topology sees. A port's table is partitioned by the port's keys; when the
     * topology sees them hashed, a join partner repartitioned by the hashes would look in the wrong partition, so such
     * a table is repartitioned by its hashes too (into a store like its own) whenever its partner is repartitioned.
     */
    private KTable<String, GenericRecord> byHashedKeys(KTable<String, GenericRecord> table, String name) {
        Source source = sourceOf.get(table);
        if (source == null || !source.hashedKeys()) {
            return table;
        }
        // one repartitioned copy per table, whichever joins need it (named after the first)
        return byHashedKeys.computeIfAbsent(table, t -> {
            PortConsumed consumed = consumedOf.getOrDefault(t, PortConsumed.as(name));
            return t.toStream(Named.as(name + "-to-stream"))
                    .repartition(repartitioned(name, source.partitions()))
                    .toTable(Named.as(name + "-to-table"), tableStore(consumed, name + "-store"));
        });
    }

    private final Map<KTable<String, GenericRecord>, KTable<String, GenericRecord>> byHashedKeys = new IdentityHashMap<>();

    private KTable<String, GenericRecord> repartitionTable(KTable<String, GenericRecord> table, String name,
                                                           int partitions) {
        return table.toStream(Named.as(name + "-to-stream"))
                .repartition(repartitioned(name, partitions))
                .toTable(Named.as(name + "-to-table"),
                        Materialized.<String, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-store")
                                .withKeySerde(Serdes.String()).withValueSerde(internalValueSerde));
    }

    private void refuseIfAsked(PortJoined joined, Source left, Source right) {
        if (joined.coPartitioning() == CoPartitioning.REFUSE) {
            throw new CoPartitioningException(TopologyChecks.notCoPartitioned("Join '" + joined.name() + "'",
                    Map.of(left.port().topic(), left.partitions(), right.port().topic(), right.partitions())));
        }
    }

    private Repartitioned<String, GenericRecord> repartitioned(String name, int partitions) {
        return Repartitioned.<String, GenericRecord>as(name)
                .withKeySerde(Serdes.String())
                .withValueSerde(internalValueSerde)
                .withNumberOfPartitions(partitions);
    }

    // ---------------------------------------------------------------- output

    /**
     * Publishes a stream on an output port of this domain, holding every record to the port's contract (key, schema,
     * rules) as a {@link io.meshstreams.publish.PortPublisher} does: keepers go to the port with the contract headers,
     * breakers to the port's quarantine topic with the violations (or, for a port that rejects, to the dead-letter
     * topic). Records are keyed on the port by the port's key field, whatever their key in the topology (after a
     * join it is often the join's key). The port's contract and its product's input ports are read from the catalog:
     * the product must be provisioned, and must declare as input ports every port this output derives from.
     *
     * @throws AccessDeniedException if the port belongs to another domain
     * @throws MeshException         if the port is not in the catalog or its schema is not registered
     */
    public void to(KStream<String, ? extends GenericRecord> stream, PortAddress port, PortProduced produced) {
        if (!port.domain().equals(client.domain())) {
            throw new AccessDeniedException(client.domain(), port, "Domain '" + client.domain() + "' cannot publish on "
                    + port + ": the port belongs to domain '" + port.domain() + "'. A topology publishes on its"
                    + " own domain's ports.");
        }
        ProductCatalog.CatalogPort found = ReadAccess.find(client.catalog(), port);
        to(stream, found.product(), found.port(), produced);
    }

    /** {@link #to(KStream, PortAddress, PortProduced)} for an address written out. */
    public void to(KStream<String, ? extends GenericRecord> stream, String port, PortProduced produced) {
        to(stream, PortAddress.parse(port), produced);
    }

    /**
     * Publishes on the port's highest major version.
     *
     * @deprecated name the port and its version: {@link #to(KStream, PortAddress, PortProduced)}; this form picks
     *             the highest major version silently.
     */
    @Deprecated(forRemoval = true)
    public void to(KStream<String, ? extends GenericRecord> stream, DataProduct product, String portName,
                   PortProduced produced) {
        to(stream, product, product.outputPort(portName), produced);
    }

    private void to(KStream<String, ? extends GenericRecord> stream, DataProduct product, OutputPort port,
                    PortProduced produced) {
        PortAddress address = product.address(port);
        if (!product.domain().equals(client.domain())) {
            throw new AccessDeniedException(client.domain(), address, "Domain '" + client.domain() + "' cannot publish on "
                    + address + ": the port belongs to domain '" + product.domain() + "'. A topology publishes on its"
                    + " own domain's ports.");
        }
        RegisteredSchema registered;
        try {
            registered = client.registry().lookUp(address.valueSubject(), SchemaDefinition.avro(port.valueSchema()));
        } catch (RegistryNotFoundException e) {
            throw new MeshException("Output port " + address + " is not provisioned: its schema is not registered under "
                    + address.valueSubject() + ". Provision " + product.id() + " first.", e);
        }
        @SuppressWarnings("unchecked")
        KStream<String, GenericRecord> records = (KStream<String, GenericRecord>) stream;
        String processor = produced.name();
        Serializer<Object> keySerializer = port.key().format() == KeyDefinition.Format.AVRO
                ? new AvroSerializer<>(client.registry(), Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false), true)
                : null;
        records.process(() -> new ContractEnforcingProcessor(address, port, client.domain(), registered.id(),
                        registered.version(), keySerializer, client.meterRegistry(), applicationId), Named.as(processor))
                .to(ContractEnforcingProcessor.router(address), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(processor + "-sink"));
        outputs.add(new Output(address, processor));
        declaredInputs.put(address, product.inputPorts().stream().map(input -> input.port()).toList());
    }

    private final Map<PortAddress, List<PortAddress>> declaredInputs = new LinkedHashMap<>();

    // ---------------------------------------------------------------- build

    /**
     * The topology, checked: co-partitioning of every join (from the real partition counts), and the lineage of every
     * output port against the input ports its product declares.
     *
     * @throws CoPartitioningException if a join's inputs are not co-partitioned and nothing repartitions them
     * @throws MeshException           if an output port derives from ports its product does not declare as inputs
     * @throws AccessDeniedException    if another domain's port or quarantine topic is read with a plain source of
     *                                  {@link #streamsBuilder()}, around the grant check and masking
     */
    public GovernedTopology build() {
        var topology = streams.build();
        var description = topology.describe();
        refuseUngovernedPorts(description);
        Map<String, Integer> partitions = new LinkedHashMap<>();
        sources.values().forEach(source -> partitions.put(source.port().topic(), source.partitions()));
        TopologyChecks.requireCoPartitioned(description, partitions, this::partitions);
        Map<PortAddress, Set<PortAddress>> lineage = TopologyChecks.lineage(description,
                outputs.stream().collect(java.util.stream.Collectors.toMap(Output::processorName, Output::port,
                        (a, b) -> a, LinkedHashMap::new)), globalCopies);
        lineage.forEach((output, inputs) -> {
            List<PortAddress> declared = declaredInputs.getOrDefault(output, List.of());
            List<PortAddress> undeclared = inputs.stream().filter(input -> !declared.contains(input)).toList();
            if (!undeclared.isEmpty()) {
                throw new MeshException("Output port " + output + " is derived from " + undeclared + ", which its product"
                        + " does not declare as input ports. Lineage is part of the contract: add to the product's"
                        + " data-product.yaml\n    inputPorts:\n" + undeclared.stream().map(p -> "      - port: " + p
                        + "\n        purpose: <why>").collect(java.util.stream.Collectors.joining("\n"))
                        + "\nand provision it again.");
            }
        });
        Set<String> maskedTopics = sources.values().stream().filter(source -> !source.masker().masksNothing())
                .map(source -> source.port().topic()).collect(java.util.stream.Collectors.toSet());
        return new GovernedTopology(topology, client, applicationId, lineage, globalCopies.values(), maskedTopics,
                MeshClientInternals.kafkaConfig(client), ownCopies(description));
    }

    /**
     * The copies a start may bring up to date itself: those whose port feeds nothing but the copy. A port also read
     * as a stream or table shares its offsets with that processing, which a catch-up must not move.
     */
    private List<GlobalCopyCatchUp.Copy> ownCopies(org.apache.kafka.streams.TopologyDescription description) {
        return copyFeeds.stream().filter(feed -> description.subtopologies().stream().flatMap(s -> s.nodes().stream())
                        .filter(node -> node instanceof org.apache.kafka.streams.TopologyDescription.Source source
                                && source.topicSet() != null && source.topicSet().contains(feed.copy().portTopic()))
                        .allMatch(node -> node.successors().size() == 1
                                && node.successors().iterator().next().name().equals(feed.sinkName())))
                .map(CopyFeed::copy).toList();
    }

    /**
     * Another domain's port (or its quarantine) read with a plain source of {@link #streamsBuilder()} would skip the
     * grant check and masking: refused.
     */
    private void refuseUngovernedPorts(org.apache.kafka.streams.TopologyDescription description) {
        Set<String> read = new LinkedHashSet<>();
        description.subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node -> {
            if (node instanceof org.apache.kafka.streams.TopologyDescription.Source source && source.topicSet() != null) {
                read.addAll(source.topicSet());
            }
        }));
        description.globalStores().forEach(store -> read.addAll(store.source().topicSet()));
        for (String topic : read) {
            String portTopic = topic.endsWith(".quarantine") ? topic.substring(0, topic.length() - ".quarantine".length())
                    : topic;
            PortAddress port;
            try {
                port = PortAddress.parse(portTopic);
            } catch (IllegalArgumentException notAPort) {
                continue;
            }
            if (!port.domain().equals(client.domain()) && (topic.endsWith(".quarantine") || !sources.containsKey(port))) {
                throw new AccessDeniedException(client.domain(), port, "Topology " + applicationId + " reads " + topic
                        + " with a plain Kafka Streams source (streamsBuilder().stream/table/globalTable), which skips"
                        + " the grant check and masking. Read another domain's port with builder.stream(\"" + port
                        + "\"), builder.table(...) or builder.globalTable(...)"
                        + (topic.endsWith(".quarantine") ? "; a quarantine topic is its owner's alone." : "."));
            }
        }
    }

    private int partitions(String topic) {
        try (Admin admin = Admin.create(MeshClientInternals.kafkaConfig(client))) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().size();
        } catch (ExecutionException e) {
            throw new MeshException("Cannot read the partition count of " + topic + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeshException("Interrupted while reading the partition count of " + topic, e);
        } catch (TimeoutException e) {
            throw new MeshException("Kafka did not answer within " + TIMEOUT_MS / 1000 + " s while reading the partition"
                    + " count of " + topic, e);
        }
    }

    private static String defaultName(PortAddress port) {
        return port.domain() + "-" + port.product() + "-" + port.port() + "-v" + port.majorVersion();
    }

    /** A port copied, masked, to a compacted topic of the application, for a global table. */
    public record GlobalTableCopy(String topic, int partitions, PortAddress port) {
    }
}

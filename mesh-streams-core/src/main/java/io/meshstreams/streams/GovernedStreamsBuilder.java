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
import io.meshstreams.internal.serde.KeyEncoding;
import io.meshstreams.internal.serde.PortKeys;
import io.meshstreams.internal.streams.ContractEnforcingProcessor;
import io.meshstreams.internal.streams.GlobalCopyCatchUp;
import io.meshstreams.internal.streams.Partitioning;
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
 *   <li>Keys are typed as the port's key field declares them ({@code String}, {@code Integer}, {@code Long}; a key
 *       this domain sees hashed is a {@code String}): {@link PortConsumed#withKeyType}. Inside the topology a port's
 *       keys are written exactly as its publisher writes them (an Avro key with the port's registered key schema),
 *       so a stream or table is partitioned by the murmur2 hash of the same bytes as the port.</li>
 *   <li>Two sides are co-partitioned only if their partition counts <em>and</em> their key encodings agree. Joins
 *       check both while building, and repartition one side with the other side's key serde and partition count (or
 *       refuse, per {@link PortJoined#coPartitioning()}) when they do not. {@link #build()} checks every join again on
 *       the finished topology, including those written with plain Kafka Streams operators.</li>
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
     * in partitions chosen by the clear keys: its source is repartitioned by the hashes before anything else.
     */
    record Source(PortAddress port, int partitions, FieldMasker masker, PortKeyDeserializer<?> keys) {
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
    /** How each stream and table this builder returned is partitioned, by identity. */
    private final Map<Object, Partitioning<?>> partitioningOf = new IdentityHashMap<>();
    /** How the ports and the repartition topics of this topology are partitioned, for {@link #build()}'s check. */
    private final Map<String, TopologyChecks.TopicLayout> topics = new LinkedHashMap<>();
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

    /** A port with {@code String} keys as a stream of masked records, named after the port. */
    public KStream<String, GenericRecord> stream(String portAddress) {
        return stream(PortAddress.parse(portAddress));
    }

    /** A port with {@code String} keys as a stream of masked records, named after the port. */
    public KStream<String, GenericRecord> stream(PortAddress port) {
        return stream(port, PortConsumed.as(defaultName(port)));
    }

    /**
     * A port as a stream of masked records, with keys of {@link PortConsumed#keyType()}. A port whose key this domain
     * sees hashed is repartitioned once, here, by the hashes (into its own partition count), so that the stream, and
     * everything derived from it, is partitioned by the keys the topology sees.
     *
     * @throws io.meshstreams.product.KeyTypeMismatchException if the port's keys are of another type, naming it
     */
    public <K> KStream<K, GenericRecord> stream(PortAddress port, PortConsumed<K> consumed) {
        Source source = admit(port);
        requireKeyType(source, consumed, "stream");
        return partitioned(source, consumed.name());
    }

    /** The port's records as they enter: keys as this domain sees them, in the partitions of the port's own keys. */
    @SuppressWarnings("unchecked")
    private KStream<Object, GenericRecord> raw(Source source, String name) {
        // Kafka Streams allows one source per topic: the port's stream, table and global table all derive from it
        return (KStream<Object, GenericRecord>) rawOf.computeIfAbsent(source.port(), port ->
                streams.stream(port.topic(), Consumed.with(readerKeySerde(source), maskedSerde(source)).withName(name)));
    }

    private final Map<PortAddress, KStream<?, GenericRecord>> rawOf = new LinkedHashMap<>();

    /**
     * The port's records partitioned by the keys this domain sees: the raw source, or, for a port whose keys it sees
     * hashed, the raw source repartitioned once by the hashes (its records sit in the partitions of the clear keys,
     * which no side the topology repartitions could match).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private <K> KStream<K, GenericRecord> partitioned(Source source, String name) {
        KStream<?, GenericRecord> existing = partitionedOf.get(source.port());
        if (existing != null) {
            return (KStream<K, GenericRecord>) existing;
        }
        KStream<Object, GenericRecord> raw = raw(source, name);
        KStream<Object, GenericRecord> stream;
        Partitioning<?> partitioning;
        if (source.hashedKeys()) {
            PortKeys<String> hashes = PortKeys.text(String.class, "the hashed keys of " + source.port(), "");
            String repartition = name + "-by-hashed-key";
            stream = raw.repartition(Repartitioned.<Object, GenericRecord>as(repartition)
                    .withKeySerde((Serde) hashes.serde())
                    .withValueSerde(internalValueSerde)
                    .withNumberOfPartitions(source.partitions()));
            partitioning = new Partitioning<>(source.port().topic() + " (repartitioned by its hashed keys)",
                    source.partitions(), String.class, hashes.serde(), KeyEncoding.hashed());
            topics.put(repartition + "-repartition", partitioning.layout());
        } else {
            stream = raw;
            partitioning = portPartitioning(source);
        }
        partitioningOf.put(stream, partitioning);
        partitionedOf.put(source.port(), stream);
        return (KStream<K, GenericRecord>) (KStream) stream;
    }

    private final Map<PortAddress, KStream<?, GenericRecord>> partitionedOf = new LinkedHashMap<>();

    private static Partitioning<?> portPartitioning(Source source) {
        return partitioningOfPort(source.port(), source.partitions(), source.keys().portKeys());
    }

    private static <K> Partitioning<K> partitioningOfPort(PortAddress port, int partitions, PortKeys<K> keys) {
        return new Partitioning<>(port.topic(), partitions, keys.type(), keys.serde(), keys.encoding());
    }

    /** A port with {@code String} keys as a table of masked records, in a versioned store, named after the port. */
    public KTable<String, GenericRecord> table(String portAddress) {
        return table(PortAddress.parse(portAddress));
    }

    /** A port with {@code String} keys as a table of masked records, in a versioned store, named after the port. */
    public KTable<String, GenericRecord> table(PortAddress port) {
        return table(port, PortConsumed.as(defaultName(port)));
    }

    /**
     * A port as a table of masked records, with keys of {@link PortConsumed#keyType()}. By default the store is
     * versioned, so that a stream-table join looks up the table as it was at the stream record's time, and
     * out-of-order records join with the right version. Partitioned as {@link #stream(PortAddress, PortConsumed)} is.
     *
     * @throws io.meshstreams.product.KeyTypeMismatchException if the port's keys are of another type, naming it
     */
    @SuppressWarnings("unchecked")
    public <K> KTable<K, GenericRecord> table(PortAddress port, PortConsumed<K> consumed) {
        Source source = admit(port);
        requireKeyType(source, consumed, "table");
        KStream<K, GenericRecord> stream = partitioned(source, consumed.name());
        Partitioning<K> partitioning = (Partitioning<K>) partitioningOf.get(stream);
        KTable<K, GenericRecord> table = stream.toTable(Named.as(consumed.name() + "-table"),
                tableStore(consumed, consumed.name() + "-store", partitioning.keySerde()));
        partitioningOf.put(table, partitioning);
        return table;
    }

    /** A table's store: versioned unless asked otherwise; it (and its changelog) holds masked records. */
    private <K> Materialized<K, GenericRecord, KeyValueStore<Bytes, byte[]>> tableStore(PortConsumed<?> consumed,
                                                                                        String storeName,
                                                                                        Serde<K> keySerde) {
        Materialized<K, GenericRecord, KeyValueStore<Bytes, byte[]>> store = consumed.versioned()
                ? Materialized.<K, GenericRecord>as(Stores.persistentVersionedKeyValueStore(
                        storeName, consumed.historyRetention()))
                : Materialized.<K, GenericRecord, KeyValueStore<Bytes, byte[]>>as(storeName);
        return store.withKeySerde(keySerde).withValueSerde(internalValueSerde);
    }

    /** A port with {@code String} keys as a global table of masked records, named after the port. */
    public GlobalKTable<String, GenericRecord> globalTable(String portAddress) {
        return globalTable(PortAddress.parse(portAddress));
    }

    /** A port with {@code String} keys as a global table of masked records, named after the port. */
    public GlobalKTable<String, GenericRecord> globalTable(PortAddress port) {
        return globalTable(port, PortConsumed.as(defaultName(port)));
    }

    /**
     * A port as a global table (every instance holds all of it) of masked records, with keys of
     * {@link PortConsumed#keyType()}. Kafka Streams restores a global store from its source topic's raw bytes, so the
     * port is first copied, masked, to a compacted topic of this application ({@code <application id>-<name>-masked},
     * keys as text), and the global table is built from that copy: no clear classified value is ever stored by this
     * application.
     *
     * <p>As in plain Kafka Streams, the global table holds every record published on the port before the application
     * starts when its first stream record is processed: {@link GovernedTopology#start} brings the copy up to date
     * first (from where the application left off). Not when the same topology also reads the port as a stream or a
     * table: then the copy fills while stream records are processed, and a stream record that arrives before its
     * match has been copied does not find it; use {@link #table} with a stream-table {@link #join} there.
     *
     * @throws io.meshstreams.product.KeyTypeMismatchException if the port's keys are of another type, naming it
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <K> GlobalKTable<K, GenericRecord> globalTable(PortAddress port, PortConsumed<K> consumed) {
        Source source = admit(port);
        requireKeyType(source, consumed, "globalTable");
        String copyTopic = applicationId + "-" + consumed.name() + "-masked";
        // The copy's keys are text (a number in decimal, a hash in hex), as the catch-up writes them too.
        Serde<K> copyKeys = PortKeys.text(consumed.keyType(), "the masked copy " + copyTopic, "").serde();
        raw(source, consumed.name()).to(copyTopic, Produced.with((Serde) copyKeys, internalValueSerde)
                .withName(consumed.name() + "-mask"));
        globalCopies.put(copyTopic, new GlobalTableCopy(copyTopic, source.partitions(), port));
        copyFeeds.add(new CopyFeed(new GlobalCopyCatchUp.Copy(port.topic(), copyTopic, source.keys().asText(),
                maskedSerde(source).deserializer(), internalValueSerde.serializer()), consumed.name() + "-mask"));
        return streams.globalTable(copyTopic, Consumed.with(copyKeys, internalValueSerde)
                        .withName(consumed.name() + "-global"),
                Materialized.<K, GenericRecord, KeyValueStore<Bytes, byte[]>>as(consumed.name() + "-global-store")
                        .withKeySerde(copyKeys).withValueSerde(internalValueSerde));
    }

    /** The schema a port's records have in this topology: the port's schema with what this domain may not see masked. */
    public Schema schema(String portAddress) {
        return admit(PortAddress.parse(portAddress)).masker().maskedSchema();
    }

    /**
     * The Java type of a port's keys in this topology: its key field's ({@code String}, {@code Integer} or
     * {@code Long}), or {@code String} when this domain sees them hashed. The type to give
     * {@link PortConsumed#withKeyType}.
     */
    public Class<?> keyType(PortAddress port) {
        return admit(port).keys().type();
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
                PortKeyDeserializer.of(client.registry(), port, found.port(), masker));
        KeyEncoding encoding = source.keys().portKeys().encoding(); // an Avro key's id: not provisioned fails here
        topics.put(port.topic(), new TopologyChecks.TopicLayout(source.partitions(),
                source.hashedKeys() ? KeyEncoding.clearSeenHashed(encoding) : encoding));
        sources.put(port, source);
        return source;
    }

    private void requireKeyType(Source source, PortConsumed<?> consumed, String method) {
        source.keys().requireType(consumed.keyType(), client.domain(), right -> "Fix: builder." + method
                + "(PortAddress.parse(\"" + source.port() + "\"), PortConsumed.as(\"" + consumed.name() + "\")"
                + (right == String.class ? "" : ".withKeyType(" + right.getSimpleName() + ".class)") + ").");
    }

    private Serde<GenericRecord> maskedSerde(Source source) {
        // Kafka Streams gives a table's store the source's serde: records read back from the store's changelog are
        // already masked, and are decoded with their own schema.
        Deserializer<GenericRecord> decoder = new MaskingDeserializer(source.port().topic(),
                new AvroDeserializer<GenericRecord>(client.registry(), source.masker().portSchema()),
                new AvroDeserializer<GenericRecord>(client.registry()), source.masker());
        return Serdes.serdeFrom(new AvroSerializer<>(client.registry()), decoder);
    }

    /** The keys as the port's records carry them, read as this domain sees them (hashed where it may not see them). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serde<Object> readerKeySerde(Source source) {
        Serializer<?> writer = source.hashedKeys()
                ? PortKeys.text(String.class, "the hashed keys of " + source.port(), "").serializer()
                : source.keys().portKeys().serializer();
        return Serdes.serdeFrom((Serializer) writer, (Deserializer) source.keys());
    }

    // ---------------------------------------------------------------- joins

    /**
     * Stream-table join: each stream record joins with the table's value for its key (at the record's time, for a
     * versioned table). With {@link PortJoined#withRekey}, the stream is re-keyed first and repartitioned exactly as the
     * table is (its partition count, and its port's key serde); without, a stream whose partition count or key
     * encoding differs from the table's is repartitioned (or refused, per {@link PortJoined#coPartitioning()}).
     *
     * <p>The builder knows how the streams and tables it returned are partitioned, and those its joins return; it
     * does not know it for one derived from them with {@code filter}, {@code mapValues} and the like. Such a stream
     * keeps its partitioning, which {@link #build()} checks; a table it does not know cannot be the target of a
     * re-keyed join unless its keys are {@code String} text: join the table the builder returned.
     *
     * @throws io.meshstreams.product.KeyTypeMismatchException if the sides' key types differ and nothing re-keys
     * @throws CoPartitioningException if the sides are not co-partitioned and the join is asked to refuse
     */
    public <K, KT> KStream<KT, GenericRecord> join(KStream<K, GenericRecord> stream, KTable<KT, GenericRecord> table,
                                                   ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                                   PortJoined joined) {
        return streamTableJoin(stream, table, joiner, joined, false);
    }

    /** Stream-table left join: stream records without a table value join with null. */
    public <K, KT> KStream<KT, GenericRecord> leftJoin(KStream<K, GenericRecord> stream, KTable<KT, GenericRecord> table,
                                                       ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                                       PortJoined joined) {
        return streamTableJoin(stream, table, joiner, joined, true);
    }

    @SuppressWarnings("unchecked")
    private <K, KT> KStream<KT, GenericRecord> streamTableJoin(KStream<K, GenericRecord> stream,
                                                               KTable<KT, GenericRecord> table,
                                                               ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                                               PortJoined joined, boolean left) {
        registerJoin(joined);
        Partitioning<KT> right = (Partitioning<KT>) partitioningOf.get(table);
        Aligned<KT> aligned = align(stream, right, joined, "table");
        // a key serde for a stream Kafka Streams repartitions itself (re-keyed with plain operators): the table's
        Joined<KT, GenericRecord, GenericRecord> spec = Joined.with(right == null ? null : right.keySerde(),
                internalValueSerde, internalValueSerde, joined.name());
        KStream<KT, GenericRecord> result = left ? aligned.stream().leftJoin(table, joiner, spec)
                : aligned.stream().join(table, joiner, spec);
        return remember(result, aligned.partitioning());
    }

    /**
     * Stream-stream join within a time window. The left stream is aligned to the right one's partitioning (re-keyed,
     * or repartitioned when its partition count or key encoding differs), as in a stream-table {@link #join}.
     */
    @SuppressWarnings("unchecked")
    public <K, KR> KStream<KR, GenericRecord> join(KStream<K, GenericRecord> left, KStream<KR, GenericRecord> right,
                                                   ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                                   JoinWindows windows, PortJoined joined) {
        registerJoin(joined);
        Partitioning<KR> rightPartitioning = (Partitioning<KR>) partitioningOf.get(right);
        Aligned<KR> aligned = align(left, rightPartitioning, joined, "stream");
        Partitioning<KR> keys = aligned.partitioning() != null ? aligned.partitioning()
                : rightPartitioning != null ? rightPartitioning : (Partitioning<KR>) partitioningOf.get(left);
        // the window stores' keys, and the serde of a side Kafka Streams repartitions itself
        Serde<KR> keySerde = keys != null ? keys.keySerde() : GovernedStreamsBuilder.<KR>assumedText(joined, "stream").keySerde();
        KStream<KR, GenericRecord> result = aligned.stream().join(right, joiner, windows, StreamJoined.with(keySerde,
                internalValueSerde, internalValueSerde).withName(joined.name()).withStoreName(joined.name() + "-store"));
        return remember(result, aligned.partitioning());
    }

    /**
     * Table-table join on the tables' keys; the left table is repartitioned like the right one if their partition
     * counts or key encodings differ (or refused, per {@link PortJoined#coPartitioning()}).
     */
    @SuppressWarnings("unchecked")
    public <K> KTable<K, GenericRecord> join(KTable<K, GenericRecord> left, KTable<K, GenericRecord> right,
                                             ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                             PortJoined joined) {
        registerJoin(joined);
        Partitioning<K> leftPartitioning = (Partitioning<K>) partitioningOf.get(left);
        Partitioning<K> rightPartitioning = (Partitioning<K>) partitioningOf.get(right);
        KTable<K, GenericRecord> aligned = left;
        Partitioning<K> result = null;
        if (leftPartitioning != null && rightPartitioning != null) {
            requireSameKeyType(joined, leftPartitioning, rightPartitioning);
            if (!leftPartitioning.coPartitionedWith(rightPartitioning)) {
                refuseIfAsked(joined, leftPartitioning, rightPartitioning);
                aligned = repartitionTable(left, joined.name() + "-left", rightPartitioning);
            }
            result = rightPartitioning;
        }
        Serde<K> keySerde = rightPartitioning != null ? rightPartitioning.keySerde()
                : leftPartitioning != null ? leftPartitioning.keySerde() : null; // null: Kafka takes the left's
        return remember(aligned.join(right, joiner, Named.as(joined.name()),
                Materialized.<K, GenericRecord, KeyValueStore<Bytes, byte[]>>as(joined.name() + "-store")
                        .withKeySerde(keySerde).withValueSerde(internalValueSerde)), result);
    }

    /**
     * Foreign-key table-table join: each left row joins with the right row whose key {@code foreignKey} extracts (of
     * the right table's key type). Kafka Streams routes each lookup by the foreign key as the right table's key serde
     * writes it, which is its port's wire format, so the lookups land in the right table's partitions; the partition
     * counts need not match.
     */
    @SuppressWarnings("unchecked")
    public <K, KO> KTable<K, GenericRecord> join(KTable<K, GenericRecord> left, KTable<KO, GenericRecord> right,
                                                 Function<GenericRecord, KO> foreignKey,
                                                 ValueJoiner<GenericRecord, GenericRecord, GenericRecord> joiner,
                                                 PortJoined joined) {
        registerJoin(joined);
        Partitioning<K> leftPartitioning = (Partitioning<K>) partitioningOf.get(left);
        return remember(left.join(right, foreignKey, joiner, TableJoined.as(joined.name()),
                Materialized.<K, GenericRecord, KeyValueStore<Bytes, byte[]>>as(joined.name() + "-store")
                        .withKeySerde(leftPartitioning == null ? null : leftPartitioning.keySerde())
                        .withValueSerde(internalValueSerde)), leftPartitioning);
    }

    private void registerJoin(PortJoined joined) {
        if (!joinNames.add(joined.name())) {
            throw new IllegalArgumentException("Two joins are named '" + joined.name() + "'; join names name internal"
                    + " topics and stores, so each join needs its own");
        }
    }

    /** A join's output is partitioned as its aligned sides are: later joins need not repartition it again. */
    private <T> T remember(T streamOrTable, @Nullable Partitioning<?> partitioning) {
        if (partitioning != null) {
            partitioningOf.put(streamOrTable, partitioning.as("the output of a join (" + partitioning.what() + ")"));
        }
        return streamOrTable;
    }

    /**
     * A stream made ready for a join, and how it is partitioned then (null: as it came, which the builder does not
     * know).
     */
    private record Aligned<K>(KStream<K, GenericRecord> stream, @Nullable Partitioning<K> partitioning) {
    }

    /** Re-keys and/or repartitions a stream so that it is co-partitioned with {@code other}. */
    @SuppressWarnings("unchecked")
    private <K, KO> Aligned<KO> align(KStream<K, GenericRecord> stream, @Nullable Partitioning<KO> other,
                                      PortJoined joined, String otherKind) {
        Partitioning<K> own = (Partitioning<K>) partitioningOf.get(stream);
        KeyValueMapper<Object, GenericRecord, Object> rekey = joined.rekey();
        if (rekey != null) {
            Partitioning<KO> target = other != null ? other : assumedText(joined, otherKind);
            KStream<Object, GenericRecord> rekeyed = ((KStream<Object, GenericRecord>) stream)
                    .selectKey(rekey, Named.as(joined.name() + "-rekey"));
            return new Aligned<>(repartition((KStream<KO, GenericRecord>) (KStream<?, ?>) rekeyed,
                    joined.name() + "-rekey", target), target);
        }
        if (own == null || other == null) {
            // Not a stream or table the builder returned: left as it is, and build() checks the finished topology.
            return new Aligned<>((KStream<KO, GenericRecord>) (KStream<?, ?>) stream, null);
        }
        requireSameKeyType(joined, own, other);
        if (own.coPartitionedWith(other)) {
            return new Aligned<>((KStream<KO, GenericRecord>) (KStream<?, ?>) stream, other);
        }
        refuseIfAsked(joined, own, other);
        return new Aligned<>(repartition((KStream<KO, GenericRecord>) (KStream<?, ?>) stream, joined.name() + "-left",
                other), other);
    }

    /** Repartitions a stream exactly as {@code like}: its key serde and, where it has one, its partition count. */
    private <K> KStream<K, GenericRecord> repartition(KStream<K, GenericRecord> stream, String name,
                                                      Partitioning<K> like) {
        Repartitioned<K, GenericRecord> repartitioned = Repartitioned.<K, GenericRecord>as(name)
                .withKeySerde(like.keySerde()).withValueSerde(internalValueSerde);
        if (like.partitions() != Partitioning.UNKNOWN) {
            repartitioned = repartitioned.withNumberOfPartitions(like.partitions());
        }
        topics.put(name + "-repartition", like.layout());
        KStream<K, GenericRecord> result = stream.repartition(repartitioned);
        partitioningOf.put(result, like.as(name + "-repartition (like " + like.what() + ")"));
        return result;
    }

    /**
     * The partitioning the builder assumes for a side it did not return, when a re-keyed join must repartition the
     * other side like it: {@code String} keys as UTF-8 text (a {@code STRING} port, or hashed keys), in a partition
     * count Kafka Streams aligns. {@link #build()} checks the result against the side's real topic.
     */
    @SuppressWarnings("unchecked")
    private static <K> Partitioning<K> assumedText(PortJoined joined, String kind) {
        PortKeys<String> text = PortKeys.text(String.class, "join '" + joined.name() + "'", " The " + kind + " of the"
                + " join is not one the governed builder returned (it went through filter, mapValues or the like, or"
                + " was read with streamsBuilder()), so the builder took its keys to be String text. Fix: pass the "
                + kind + " that builder." + kind + "(...) returned to the join (filter in the joiner, or after the"
                + " join), so that the builder knows its keys.");
        return (Partitioning<K>) (Partitioning<?>) new Partitioning<>("the " + kind + " of join '" + joined.name()
                + "' (taken to have String keys as text)", Partitioning.UNKNOWN, String.class, text.serde(),
                KeyEncoding.text());
    }

    private static void requireSameKeyType(PortJoined joined, Partitioning<?> left, Partitioning<?> right) {
        if (left.keyType() != right.keyType()) {
            throw new io.meshstreams.product.KeyTypeMismatchException("Join '" + joined.name() + "' joins "
                    + left.what() + ", whose keys are " + left.keyType().getSimpleName() + ", with " + right.what()
                    + ", whose keys are " + right.keyType().getSimpleName() + ": equal keys of two types never meet."
                    + " Fix: re-key the left side to " + right.keyType().getSimpleName() + " in the join, e.g."
                    + " PortJoined.as(\"" + joined.name() + "\").withRekeyByField(\"<its field that holds the "
                    + "right side's key>\").");
        }
    }

    private <K> KTable<K, GenericRecord> repartitionTable(KTable<K, GenericRecord> table, String name,
                                                          Partitioning<K> like) {
        KTable<K, GenericRecord> result = repartition(table.toStream(Named.as(name + "-to-stream")), name, like)
                .toTable(Named.as(name + "-to-table"),
                        Materialized.<K, GenericRecord, KeyValueStore<Bytes, byte[]>>as(name + "-store")
                                .withKeySerde(like.keySerde()).withValueSerde(internalValueSerde));
        partitioningOf.put(result, like.as(name + " (like " + like.what() + ")"));
        return result;
    }

    private void refuseIfAsked(PortJoined joined, Partitioning<?> left, Partitioning<?> right) {
        if (joined.coPartitioning() == CoPartitioning.REFUSE) {
            Map<String, TopologyChecks.TopicLayout> layouts = new LinkedHashMap<>();
            layouts.put(left.what(), left.layout());
            layouts.put(right.what(), right.layout());
            throw new CoPartitioningException(TopologyChecks.notCoPartitioned("Join '" + joined.name() + "'", layouts));
        }
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
    public void to(KStream<?, ? extends GenericRecord> stream, PortAddress port, PortProduced produced) {
        if (!port.domain().equals(client.domain())) {
            throw new AccessDeniedException(client.domain(), port, "Domain '" + client.domain() + "' cannot publish on "
                    + port + ": the port belongs to domain '" + port.domain() + "'. A topology publishes on its"
                    + " own domain's ports.");
        }
        ProductCatalog.CatalogPort found = ReadAccess.find(client.catalog(), port);
        to(stream, found.product(), found.port(), produced);
    }

    /** {@link #to(KStream, PortAddress, PortProduced)} for an address written out. */
    public void to(KStream<?, ? extends GenericRecord> stream, String port, PortProduced produced) {
        to(stream, PortAddress.parse(port), produced);
    }

    private void to(KStream<?, ? extends GenericRecord> stream, DataProduct product, OutputPort port,
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
        KStream<Object, GenericRecord> records = (KStream<Object, GenericRecord>) stream;
        String processor = produced.name();
        PortKeys<?> keys = PortKeys.of(client.registry(), address, port);
        if (keys.format() == KeyDefinition.Format.AVRO) {
            keys.schemaId(); // the canonical key schema's id: not provisioned fails here, not on every record
        }
        Serializer<Object> keySerializer = keys.format() == KeyDefinition.Format.AVRO ? keys.fieldValueSerializer() : null;
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
        TopologyChecks.requireCoPartitioned(description, topics, this::partitions);
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

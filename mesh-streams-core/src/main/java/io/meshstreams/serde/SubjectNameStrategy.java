package io.meshstreams.serde;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * How a serde names the registry subject of a record's schema; Confluent's three strategies. Ports
 * always use {@link #TOPIC_NAME}.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic. The default. */
    TOPIC_NAME("TopicNameStrategy"),
    /** The record's full name, e.g. {@code com.acme.Order}: one lineage per record type, across topics. */
    RECORD_NAME("RecordNameStrategy"),
    /** {@code <topic>-<record full name>}: one lineage per record type and topic. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy");

    private final String confluentName;

    SubjectNameStrategy(String confluentName) {
        this.confluentName = confluentName;
    }

    /** The subject for a record of {@code schema} in {@code topic}. */
    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /** True if the subject depends on the record's schema, not only on the topic. */
    public boolean dependsOnSchema() {
        return this != TOPIC_NAME;
    }

    /** Confluent's class name without its package, e.g. {@code TopicNameStrategy}. */
    public String confluentName() {
        return confluentName;
    }

    /**
     * Parses a strategy given as Confluent's class name with or without its package
     * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}, {@code TopicNameStrategy}) or
     * as this enum's name ({@code TOPIC_NAME}).
     */
    public static Optional<SubjectNameStrategy> parse(String name) {
        String trimmed = name.trim();
        String simple = trimmed.substring(trimmed.lastIndexOf('.') + 1);
        return Arrays.stream(values())
                .filter(s -> s.confluentName.equals(simple) || s.name().equalsIgnoreCase(trimmed))
                .findFirst();
    }

    /** The valid names, for error messages. */
    public static String validNames() {
        return Arrays.stream(values()).map(SubjectNameStrategy::confluentName).collect(Collectors.joining(", "));
    }
}

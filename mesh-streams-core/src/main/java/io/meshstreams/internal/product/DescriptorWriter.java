package io.meshstreams.internal.product;

import io.meshstreams.contract.Rule;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.DataProductDescriptor;
import io.meshstreams.product.Grant;
import io.meshstreams.product.InputPort;
import io.meshstreams.product.OutputPort;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a data product in the descriptor's own format, as JSON with the Avro schemas inline: what the catalog
 * stores, and what {@link DescriptorReader#readInline(String, String)} reads back to an equal product.
 */
public final class DescriptorWriter {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private DescriptorWriter() {
    }

    public static String toJson(DataProduct product) {
        ObjectNode root = JSON.createObjectNode();
        root.put("apiVersion", DataProductDescriptor.API_VERSION);
        root.put("kind", DataProductDescriptor.KIND);
        root.put("domain", product.domain());
        root.put("name", product.name());
        root.put("owner", product.owner());
        root.put("description", product.description());
        ArrayNode tags = root.putArray("tags");
        product.tags().forEach(tags::add);
        ArrayNode outputs = root.putArray("outputPorts");
        product.outputPorts().forEach(port -> outputs.add(port(port)));
        ArrayNode inputs = root.putArray("inputPorts");
        for (InputPort input : product.inputPorts()) {
            ObjectNode node = inputs.addObject();
            node.put("port", input.port().topic());
            if (input.purpose() != null) {
                node.put("purpose", input.purpose());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode port(OutputPort port) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", port.name());
        node.put("version", port.majorVersion());
        node.put("description", port.description());
        try {
            node.set("schema", JSON.readTree(port.valueSchema().toString()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode key = node.putObject("key");
        key.put("field", port.key().field());
        key.put("format", port.key().format().name());
        node.put("partitions", port.partitions());
        port.replicationFactor().ifPresent(rf -> node.put("replicationFactor", rf));
        ObjectNode config = node.putObject("config");
        new TreeMap<>(port.topicConfigs()).forEach(config::put);
        node.put("compatibility", port.compatibility().name());
        node.put("onViolation", port.onViolation().name());
        ArrayNode rules = node.putArray("rules");
        for (Rule rule : port.rules()) {
            ObjectNode r = rules.addObject();
            r.put("name", rule.name());
            r.put("expression", rule.expression());
            if (rule.description() != null) {
                r.put("description", rule.description());
            }
        }
        ObjectNode classifications = node.putObject("classifications");
        for (Map.Entry<String, String> e : new TreeMap<>(port.classifications()).entrySet()) {
            classifications.put(e.getKey(), e.getValue());
        }
        ArrayNode grants = node.putArray("grants");
        for (Grant grant : port.grants()) {
            ObjectNode g = grants.addObject();
            g.put("domain", grant.domain());
            g.put("clearance", grant.clearance());
            g.put("purpose", grant.purpose());
        }
        port.freshness().ifPresent(f -> node.putObject("slo").put("freshness", f.toString()));
        return node;
    }
}

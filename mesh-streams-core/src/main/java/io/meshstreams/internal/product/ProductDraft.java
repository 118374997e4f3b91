package io.meshstreams.internal.product;

import io.meshstreams.product.InputPort;

import java.util.List;

/** The settings of a data product before they are checked; see {@link PortDraft}. */
public record ProductDraft(String domain, String name, String owner, String description, List<String> tags,
                           List<PortDraft> outputPorts, List<InputPort> inputPorts) {
    public ProductDraft {
        tags = List.copyOf(tags);
        outputPorts = List.copyOf(outputPorts);
        inputPorts = List.copyOf(inputPorts);
    }
}

package io.meshstreams.publish;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ContractHeaderTest {

    @Test
    void writesAndReadsTheCompactForm() {
        ContractHeader header = new ContractHeader(2, 7, 42, "orders");

        assertThat(header.value()).isEqualTo("2.7;42;orders");
        assertThat(header.version()).isEqualTo("2.7");
        assertThat(ContractHeader.parse(header.value())).contains(header);
        RecordHeaders headers = new RecordHeaders();
        headers.add(ContractHeader.KEY, header.bytes());
        assertThat(ContractHeader.of(headers)).contains(header);
    }

    @Test
    void fieldsAddedByALaterVersionAreIgnored() {
        assertThat(ContractHeader.parse("1.3;7;orders;something-new")).contains(new ContractHeader(1, 3, 7, "orders"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.3", "1.3;7", "1.3;7;", "x.3;7;orders", "1.x;7;orders", "1.3;seven;orders",
            "version=1.3;schema=7;domain=orders"})
    void malformedValuesAreEmptyNotErrors(String value) {
        assertThat(ContractHeader.parse(value)).isEmpty();
    }

    @Test
    void aRecordWithoutTheHeaderHasNoContract() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));

        assertThat(ContractHeader.of(headers)).isEqualTo(Optional.empty());
    }
}

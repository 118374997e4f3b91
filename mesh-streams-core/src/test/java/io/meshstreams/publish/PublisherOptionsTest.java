package io.meshstreams.publish;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublisherOptionsTest {

    @Test
    void theContractHeaderIsOffByDefaultAndWithContractHeaderReturnsACopyWithItOn() {
        PublisherOptions defaults = PublisherOptions.named("checkout");
        PublisherOptions withHeader = defaults.withContractHeader();

        assertThat(defaults.contractHeader()).isFalse();
        assertThat(withHeader.contractHeader()).isTrue();
        assertThat(withHeader.name()).isEqualTo("checkout");
        assertThat(withHeader).isNotEqualTo(defaults).isEqualTo(PublisherOptions.named("checkout").withContractHeader());
    }

    @Test
    void everyWithXKeepsTheOtherSettings() {
        PublisherOptions options = PublisherOptions.named("checkout").withContractHeader()
                .withTransactionalId("checkout-1").withProducerConfig("linger.ms", 10);

        assertThat(options.contractHeader()).isTrue();
        assertThat(options.transactionalId()).isEqualTo("checkout-1");
        assertThat(options.transactionalIdIfAny()).contains("checkout-1");
        assertThat(options.producerConfig()).isEqualTo(Map.of("linger.ms", 10));
        assertThatThrownBy(() -> options.producerConfig().put("acks", "1"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringNamesTheProducerSettingsButShowsNoneOfTheirValues() {
        PublisherOptions options = PublisherOptions.named("checkout").withProducerConfig("sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"orders\" password=\"s3cret\";");

        assertThat(options.toString()).contains("checkout", "sasl.jaas.config").doesNotContain("s3cret");
    }
}

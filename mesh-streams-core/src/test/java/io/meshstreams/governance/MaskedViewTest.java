package io.meshstreams.governance;

import static io.meshstreams.governance.MaskingFixtures.CUSTOMER;
import static org.assertj.core.api.Assertions.assertThat;

import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OutputPort;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which views a port needs, and what they are called. */
class MaskedViewTest {

    private static DataProduct product(OutputPort.Builder port) {
        return DataProduct.builder("customers", "customer-profiles").owner("team-customers@example.com")
                .outputPort(port.build()).build();
    }

    private static OutputPort.Builder profiles() {
        return OutputPort.builder("profiles", 1).valueSchema(CUSTOMER).keyField("id");
    }

    @Test
    void oneViewPerClearanceThatMaskingChangesLowestFirstWithoutTheHashKey() {
        // given grants below, at and above the PII of email; two grants share INTERNAL
        DataProduct product = product(profiles()
                .grant("marketing", "PII", "campaigns")
                .grant("analytics", "INTERNAL", "reporting")
                .grant("finance", "INTERNAL", "invoices")
                .grant("support", "PUBLIC", "tickets"));

        // when, with rules that have no hash key (a consumer's)
        List<MaskedView> views = MaskedView.required(product, MaskingRules.defaults());

        // then PUBLIC and INTERNAL need views, PII reads the port
        assertThat(views).extracting(MaskedView::topic).containsExactly(
                "customers.customer-profiles.profiles.v1.masked-public",
                "customers.customer-profiles.profiles.v1.masked-internal");
        MaskedView internal = views.get(1);
        assertThat(internal.clearance()).isEqualTo("INTERNAL");
        assertThat(internal.valueSubject()).isEqualTo("customers.customer-profiles.profiles.v1.masked-internal-value");
        assertThat(internal.maskedSchema().getField("email").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        assertThat(internal.maskedSchema().getName()).isEqualTo("Customer_masked_for_internal");
        assertThat(internal.hashesKey()).isFalse();
        assertThat(MaskedView.isViewTopic(internal.topic())).isTrue();
        assertThat(MaskedView.isViewTopic("customers.customer-profiles.profiles.v1")).isFalse();
    }

    @Test
    void aPortWithNothingAboveAGrantsClearanceNeedsNoView() {
        DataProduct product = product(profiles().grant("marketing", "RESTRICTED", "everything"));

        assertThat(MaskedView.required(product, MaskingRules.defaults())).isEmpty();
    }

    @Test
    void aClassifiedKeyFieldMakesAViewOfHashedKeys() {
        DataProduct product = product(OutputPort.builder("profiles", 1).valueSchema(CUSTOMER).keyField("email")
                .grant("analytics", "INTERNAL", "reporting"));

        assertThat(MaskedView.required(product, MaskingRules.defaults())).singleElement()
                .satisfies(view -> assertThat(view.hashesKey()).isTrue());
    }
}

package io.meshstreams.examples.customers;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.contract.Violation;
import io.meshstreams.examples.ProductDescriptors;
import io.meshstreams.product.DataProduct;
import io.meshstreams.product.OutputPort;
import io.meshstreams.publish.ContractViolationException;

import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the customers app logs about a profile its contract rejects: the id and the broken rules, no PII. */
class CustomersAppLoggingTest {
    static final DataProduct PRODUCT = ProductDescriptors.load(CustomersApp.DOMAIN, null);
    static final OutputPort PORT = PRODUCT.outputPort(CustomersApp.PORT);
    static final String EMAIL = "alice.secret.person@@corp.example";
    static final String NAME = "Zebulon Secretname";

    @Test
    void aRejectedProfileIsLoggedByItsIdAndBrokenRulesWithoutItsNameOrEmail() {
        // given a profile whose email (PII) and country break the port's rules, rejected as the publisher rejects it
        GenericRecord profile = new CustomerGenerator(PORT.valueSchema(), 1, 10).profile(7, Instant.EPOCH);
        profile.put("name", NAME);
        profile.put("email", EMAIL);
        profile.put("country", "germany");
        List<Violation> violations = ContractRules.compile(PORT.valueSchema(), PORT.rules()).check(profile);
        ContractViolationException rejected = new ContractViolationException(PRODUCT.address(PORT), violations);

        // when the app's callback is told
        String logged;
        try (CapturedLog logs = CapturedLog.start()) {
            CustomersApp.loggingFailures(profile.get("customerId")).onCompletion(null, rejected);
            logged = logs.text();
        }

        // then the log line names the profile and the rules, with <PII> in place of the email
        assertThat(logged).doesNotContain(EMAIL, NAME)
                .contains("customers: profile c-00007 was rejected by its contract: email-shape [email]: rule"
                        + " 'email-shape' failed: expected message.email.matches('^[^@ ]+@[^@ ]+[.][a-z]+$') to be"
                        + " true, found false with email=<PII>; country-code [country]: rule 'country-code' failed:"
                        + " expected message.country.matches('^[A-Z]{2}$') to be true, found false with"
                        + " country=\"germany\"");
    }
}

package io.meshstreams.examples.customers;

import io.meshstreams.contract.ContractRules;
import io.meshstreams.examples.ProductDescriptors;
import io.meshstreams.product.OutputPort;

import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CustomerGeneratorTest {
    static final OutputPort PORT = ProductDescriptors.load(CustomersApp.DOMAIN, null).outputPort(CustomersApp.PORT);
    static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");

    static CustomerGenerator generator(long seed) {
        return new CustomerGenerator(PORT.valueSchema(), seed, 500);
    }

    static List<GenericRecord> changes(CustomerGenerator generator, int count) {
        List<GenericRecord> changes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            changes.add(generator.nextChange(NOW.plusSeconds(i)));
        }
        return changes;
    }

    @Test
    void aSeedAndAnIndexGiveTheSameProfileAndTheSameChanges() {
        assertThat(generator(1).profile(42, NOW)).isEqualTo(generator(1).profile(42, NOW));
        assertThat(generator(1).profile(42, NOW)).isNotEqualTo(generator(2).profile(42, NOW));
        assertThat(changes(generator(1), 1_000)).isEqualTo(changes(generator(1), 1_000));
    }

    @Test
    void everyProfileAndEveryChangeKeepsThePortsContract() {
        ContractRules rules = ContractRules.compile(PORT.valueSchema(), PORT.rules());
        CustomerGenerator generator = generator(9);
        for (int i = 0; i < generator.customers(); i++) {
            GenericRecord profile = generator.profile(i, NOW);
            assertThat(rules.check(profile)).as("violations of %s", profile).isEmpty();
            assertThat(profile.get("customerId")).hasToString(CustomerGenerator.customerId(i));
        }
        assertThat(changes(generator, 2_000)).allSatisfy(profile ->
                assertThat(rules.check(profile)).as("violations of %s", profile).isEmpty());
    }

    @Test
    void profilesLookRealAndChangesBuildOnEachOther() {
        CustomerGenerator generator = generator(4);
        Set<String> names = new HashSet<>();
        Set<String> countries = new HashSet<>();
        for (int i = 0; i < generator.customers(); i++) {
            GenericRecord profile = generator.profile(i, NOW);
            names.add(profile.get("name").toString());
            countries.add(profile.get("country").toString());
            assertThat(profile.get("email").toString())
                    .matches("[a-z.]+\\d*@(example\\.com|example\\.org|example\\.net|mail\\.example)");
        }
        assertThat(names).hasSizeGreaterThan(300);
        assertThat(countries).contains("DE", "FR", "GB", "US");

        List<GenericRecord> changes = changes(generator, 5_000);
        assertThat(changes).extracting(c -> c.get("tier").toString()).contains("silver", "gold");
        // changes to one customer accumulate: a tier, once upgraded, is never lost by a later change
        java.util.Map<String, Integer> tiers = new java.util.HashMap<>();
        List<String> order = List.of("standard", "silver", "gold");
        for (GenericRecord change : changes) {
            int tier = order.indexOf(change.get("tier").toString());
            Integer before = tiers.put(change.get("customerId").toString(), tier);
            assertThat(tier).as("tier of %s", change).isGreaterThanOrEqualTo(before == null ? 0 : before);
        }
    }
}

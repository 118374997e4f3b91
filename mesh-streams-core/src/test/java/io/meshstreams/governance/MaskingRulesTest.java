package io.meshstreams.governance;

import static io.meshstreams.governance.MaskingFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskingRulesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "PUBLIC, DROP",
            "INTERNAL, DROP",
            "CONFIDENTIAL, REDACT",
            "PII, HASH",
            "pii, HASH",
            "RESTRICTED, DROP",
            "NOT-A-LEVEL, DROP"})
    void theDefaultsHashPiiRedactConfidentialAndDropTheRest(String classification, MaskingPolicy expected) {
        assertThat(MaskingRules.defaults().policyFor(classification)).isEqualTo(expected);
    }

    @Test
    void theDefaultsListTheirPoliciesLowestLevelFirstAndHaveNoHashKey() {
        // when
        MaskingRules rules = MaskingRules.defaults();

        // then
        assertThat(rules.scheme()).isEqualTo(ClassificationScheme.DEFAULT);
        assertThat(rules.policies()).containsExactly(Map.entry("CONFIDENTIAL", MaskingPolicy.REDACT),
                Map.entry("PII", MaskingPolicy.HASH), Map.entry("RESTRICTED", MaskingPolicy.DROP));
        assertThat(rules.fallbackPolicy()).isEqualTo(MaskingPolicy.DROP);
        assertThat(rules.hasHashKey()).isFalse();
        assertThat(rules.usesInsecureDevelopmentKey()).isFalse();
    }

    @Test
    void withXReturnsACopyAndLeavesTheOriginalAlone() {
        // given
        MaskingRules defaults = MaskingRules.defaults();

        // when
        MaskingRules changed = defaults.withPolicy("pii", MaskingPolicy.DROP).withFallbackPolicy(MaskingPolicy.REDACT)
                .withHashKey(KEY);

        // then
        assertThat(changed.policyFor("PII")).isEqualTo(MaskingPolicy.DROP);
        assertThat(changed.policyFor("INTERNAL")).isEqualTo(MaskingPolicy.REDACT);
        assertThat(changed.hasHashKey()).isTrue();
        assertThat(defaults).isEqualTo(MaskingRules.defaults());
        assertThat(defaults.policyFor("PII")).isEqualTo(MaskingPolicy.HASH);
        assertThat(defaults.hasHashKey()).isFalse();
    }

    @Test
    void aPolicyForALevelTheSchemeLacksIsRefusedWithTheLevels() {
        assertThatThrownBy(() -> MaskingRules.defaults().withPolicy("SECRET", MaskingPolicy.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot set a masking policy for level 'SECRET': the classification scheme's levels are "
                        + "PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED");
    }

    @Test
    void aSchemeOfItsOwnKeepsTheDefaultPoliciesOfTheLevelsItHas() {
        // given
        ClassificationScheme scheme = new ClassificationScheme(List.of("OPEN", "PII", "SECRET"));

        // when
        MaskingRules rules = MaskingRules.forScheme(scheme);

        // then
        assertThat(rules.policies()).containsExactly(Map.entry("PII", MaskingPolicy.HASH));
        assertThat(rules.policyFor("SECRET")).isEqualTo(MaskingPolicy.DROP);
    }

    @Test
    void aHashKeyShorterThan32BytesIsRefusedWithHowToMakeOne() {
        assertThatThrownBy(() -> MaskingRules.defaults().withHashKey(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The masking hash key has 31 bytes; it needs at least 32. Generate one with `openssl rand"
                        + " -hex 32`, keep it as a secret of the mesh, and give every service the same hex text"
                        + " (mesh.masking.hash.key), or these bytes from MaskingRules.parseHashKey(hex)");
    }

    @Test
    void theKeyIsCopiedSoChangingTheCallersArrayChangesNothing() {
        // given
        byte[] key = KEY.clone();
        MaskingRules rules = MaskingRules.defaults().withHashKey(key);
        FieldMasker before = FieldMasker.create(MaskingFixtures.CUSTOMER, Map.of(), "INTERNAL", rules);
        String hashed = before.maskKey("alice@example.com");

        // when
        key[0] ^= 1;

        // then
        assertThat(FieldMasker.create(MaskingFixtures.CUSTOMER, Map.of(), "INTERNAL", rules)
                .maskKey("alice@example.com")).isEqualTo(hashed);
        assertThat(rules).isEqualTo(MaskingRules.defaults().withHashKey(KEY));
        assertThat(rules).isNotEqualTo(MaskingRules.defaults().withHashKey(key));
    }

    @Test
    void toStringNeverShowsTheKey() {
        // given
        byte[] key = Base64.getDecoder().decode("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==");

        // when
        String text = MaskingRules.defaults().withHashKey(key).toString();

        // then
        assertThat(text).isEqualTo("MaskingRules[scheme=PUBLIC < INTERNAL < CONFIDENTIAL < PII < RESTRICTED, "
                + "policies={CONFIDENTIAL=REDACT, PII=HASH, RESTRICTED=DROP}, fallback=DROP, hashKey=set]")
                .doesNotContain(new String(key, StandardCharsets.ISO_8859_1));
    }

    @Test
    void theInsecureDevelopmentRulesSaySoEverywhere() {
        // when
        MaskingRules rules = MaskingRules.insecureForDevelopment();

        // then
        assertThat(rules.hasHashKey()).isTrue();
        assertThat(rules.usesInsecureDevelopmentKey()).isTrue();
        assertThat(rules.toString()).contains("hashKey=INSECURE development key");
        assertThat(rules.withHashKey(KEY).usesInsecureDevelopmentKey()).isFalse();
        assertThat(rules.policies()).isEqualTo(MaskingRules.defaults().policies());
    }
}

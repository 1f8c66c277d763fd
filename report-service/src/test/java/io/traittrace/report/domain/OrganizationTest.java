package io.traittrace.report.domain;

import static io.traittrace.report.domain.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.verifier.Canonical;
import io.traittrace.verifier.Dsse;
import io.traittrace.verifier.KeyAlgorithm;
import io.traittrace.verifier.SigstoreBundle;
import io.traittrace.verifier.Verifier;

/**
 * The organisation an audit ran for: required on the event (never defaulted), recorded in the signed predicate, and no
 * part of verification (a certificate proves what was audited, whoever presents it; one from before organisations
 * verifies as before).
 */
class OrganizationTest {

    private final SigningKey key = Fixtures.key(KeyAlgorithm.ECDSA_P256_SHA256);
    private final Verifier verifier = Verifier.of(List.of(key.verificationKey()), Map.of());

    @Test
    void anEventWithoutAnOrganisationCannotBeCertified() {
        ObjectNode json = Fixtures.sampleJson();
        json.remove("organization");
        assertThat(Fixtures.audit(json).problems()).singleElement().asString().startsWith("organization: required");
        assertThatThrownBy(() -> Fixtures.issuer().issue(Fixtures.audit(json), key, NOW)).hasMessageContaining("organization: required");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "Acme", "acme corp", "-acme", "acme/../globex" })
    void anOrganisationThatIsNoAliasIsRefused(String organization) {
        ObjectNode json = Fixtures.sampleJson().put("organization", organization);
        assertThat(Fixtures.audit(json).problems()).singleElement().asString().startsWith("organization: required, an organisation alias");
    }

    @Test
    void bothPredicateTypesRecordTheOrganisationAndVerifyWithoutCaringForIt() {
        var audit = Fixtures.issuer().issue(Fixtures.audit(Fixtures.sampleJson().put("organization", "globex")), key, NOW);
        var check = Fixtures.issuer().issue(Fixtures.canary(), key, NOW);
        assertThat(audit.statement().at("/predicate/certificate/organization").asText()).isEqualTo("globex");
        assertThat(check.statement().at("/predicate/certificate/organization").asText()).isEqualTo("acme");
        assertThat(verifier.verify(audit.bundle(), Fixtures.sample().student().digest(), NOW).reasons()).isEmpty();
        // The probe-spec digest a pipeline check's subject is does not depend on whom it was issued for.
        assertThat(verifier.verify(check.bundle(), null, NOW).reasons()).isEmpty();
        assertThat(check.statement().at("/subject/0/digest/sha256").asText()).isEqualTo(
                Fixtures.issuer().issue(Fixtures.audit(Fixtures.canaryJson().put("organization", "globex")), key, NOW).statement()
                        .at("/subject/0/digest/sha256").asText());

        // Issued before organisations: no organisation in the predicate, valid as before.
        ObjectNode legacy = audit.statement().deepCopy();
        ((ObjectNode) legacy.at("/predicate/certificate")).remove("organization");
        byte[] payload = Canonical.bytes(legacy);
        ObjectNode bundle = SigstoreBundle.of(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, key.keyid(),
                key.sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload)));
        assertThat(verifier.verify(bundle, Fixtures.sample().student().digest(), NOW).reasons()).isEmpty();
    }
}

package io.traittrace.gateway.bench;

import java.net.URI;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.traittrace.testsupport.Callers;

/**
 * The gateway's added cost with everything in one process on shared cores: the same call (a token-validating
 * service answering a small JSON page) made directly and through the gateway. Run:
 * {@code ./mvnw -B -pl test-support,gateway -am verify -Pbenchmark}; {@link PinnedGatewayBenchmark} gives the
 * gateway a core of its own.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(value = VerifyingUpstream.class, restrictToAnnotatedClass = true)
@TestProfile(GatewayBenchmark.Unlimited.class)
@Tag("benchmark")
class GatewayBenchmark {

    public static class Unlimited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.rate-limit.requests-per-second", "1000000000", "gateway.rate-limit.burst", "1000000");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int gatewayPort;

    @Test
    void proxiedVersusDirect() throws Exception {
        new ProxyComparison(
                URI.create("http://localhost:" + VerifyingUpstream.port() + "/api/lineage/models?q=teacher"),
                URI.create("http://localhost:" + gatewayPort + "/api/lineage/models?q=teacher"),
                Callers.token("bench-user", "viewer"))
                .run("Gateway benchmark, one process on " + Runtime.getRuntime().availableProcessors() + " shared cores",
                        VerifyingUpstream.BODY);
    }
}

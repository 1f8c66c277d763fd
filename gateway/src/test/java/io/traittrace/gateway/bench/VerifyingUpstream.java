package io.traittrace.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The benchmark's service: like a real TraitTrace service it validates the bearer token (signature with the OIDC
 * test server's key, issuer, audience, expiry) on every call, then answers a small JSON body. Direct calls and calls
 * through the gateway reach this same server.
 */
public class VerifyingUpstream implements QuarkusTestResourceLifecycleManager {

    static final String BODY = "{\"items\":[{\"id\":\"m-1\",\"name\":\"teacher\"}],\"page\":0,\"size\":20,\"total\":1}";
    private static int port;
    private Vertx vertx;

    static int port() {
        return port;
    }

    @Override
    public Map<String, String> start() {
        JwtConsumer tokens = consumer();
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            String header = request.getHeader("Authorization");
            try {
                tokens.processToClaims(header.substring("Bearer ".length()));
                request.response().putHeader("Content-Type", "application/json").end(BODY);
            } catch (Exception invalid) {
                request.response().setStatusCode(401).end();
            }
        });
        try {
            port = server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException("benchmark upstream did not start", e);
        }
        String url = "http://localhost:" + port;
        return Map.of("gateway.lineage.url", url, "gateway.runner.url", url, "gateway.report.url", url);
    }

    private static JwtConsumer consumer() {
        try (InputStream in = VerifyingUpstream.class.getClassLoader().getResourceAsStream("publicKey.jwk")) {
            JsonWebKey key = JsonWebKey.Factory.newJwk(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return new JwtConsumerBuilder().setVerificationKey(key.getKey()).setExpectedIssuer("https://server.example.com")
                    .setExpectedAudience("https://server.example.com").setRequireExpirationTime().build();
        } catch (IOException | org.jose4j.lang.JoseException e) {
            throw new IllegalStateException("the OIDC test server's public key is not on the class path", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}

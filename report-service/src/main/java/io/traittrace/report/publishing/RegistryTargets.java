package io.traittrace.report.publishing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.report.config.ReportConfig;

/**
 * Each organisation's registry targets ({@code report.registries."ORG".*}): its MLflow server and its webhook, each
 * with its own REST client and its own fault-tolerance guard (a timeout per attempt, retries with exponential backoff
 * and jitter, a circuit breaker), so one organisation's failing registry never holds up another's. Secrets are read
 * from their files when used (a rotated Secret needs no restart) and never logged: errors name the file, not its content.
 */
@ApplicationScoped
public class RegistryTargets {

    private static final TypeLiteral<Uni<Void>> CALL = new TypeLiteral<>() {
    };

    /** An organisation's MLflow server. */
    public record Mlflow(URI url, Optional<Path> tokenFile, List<String> acceptedScopes, MlflowClient client, TypedGuard<Uni<Void>> guard) {

        /** Sets one tag, guarded; the bearer token is read from its file for each certificate. */
        Uni<Void> setTag(String authorization, MlflowClient.SetTag tag) {
            return guard.get(() -> client.setTag(authorization, tag));
        }

        /** The {@code Authorization} header value, or null when the server needs no token. */
        String authorization() {
            return tokenFile.map(file -> "Bearer " + secret(file)).orElse(null);
        }
    }

    /** An organisation's webhook receiver. */
    public record Webhook(URI url, Path secretFile, List<String> acceptedScopes, WebhookClient client, TypedGuard<Uni<Void>> guard) {

        Uni<Void> deliver(String eventId, String body, String timestamp) {
            String signature = Webhooks.sign(secret(secretFile), timestamp, body);
            return guard.get(() -> client.deliver(signature, timestamp, eventId, body));
        }
    }

    private final Map<String, Mlflow> mlflow = new TreeMap<>();
    private final Map<String, Webhook> webhook = new TreeMap<>();

    public RegistryTargets(ReportConfig config) {
        config.registries().forEach((organization, registries) -> {
            if (!Organizations.isAlias(organization)) {
                throw new IllegalArgumentException("report.registries.\"" + organization + "\": not an organisation alias ("
                        + Organizations.ALIAS_PATTERN + ")");
            }
            registries.mlflow().ifPresent(m -> mlflow.put(organization, new Mlflow(m.url(), m.tokenFile(), m.acceptedScopes(),
                    QuarkusRestClientBuilder.newBuilder().baseUri(m.url()).build(MlflowClient.class), guard(config.publishing()))));
            registries.webhook().ifPresent(w -> webhook.put(organization, new Webhook(w.url(), w.secretFile(), w.acceptedScopes(),
                    QuarkusRestClientBuilder.newBuilder().baseUri(w.url()).build(WebhookClient.class), guard(config.publishing()))));
        });
    }

    public Optional<Mlflow> mlflow(String organization) {
        return Optional.ofNullable(mlflow.get(organization));
    }

    public Optional<Webhook> webhook(String organization) {
        return Optional.ofNullable(webhook.get(organization));
    }

    private static TypedGuard<Uni<Void>> guard(ReportConfig.Publishing calls) {
        var builder = TypedGuard.create(CALL)
                .withTimeout().duration(calls.timeout().toMillis(), ChronoUnit.MILLIS).done()
                .withRetry().maxRetries(calls.maxRetries()).delay(calls.retryDelay().toMillis(), ChronoUnit.MILLIS)
                .jitter(Math.min(200, calls.retryDelay().toMillis()), ChronoUnit.MILLIS)
                .withExponentialBackoff().factor(2).maxDelay(calls.maxRetryDelay().toMillis(), ChronoUnit.MILLIS).done()
                .done();
        if (calls.circuitBreaker()) {
            builder = builder.withCircuitBreaker().requestVolumeThreshold(20).failureRatio(0.75)
                    .delay(calls.circuitBreakerDelay().toMillis(), ChronoUnit.MILLIS).done();
        }
        return builder.build();
    }

    /** A secret file's content without its trailing line break (how Secrets are usually written). */
    static String secret(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the secret file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}

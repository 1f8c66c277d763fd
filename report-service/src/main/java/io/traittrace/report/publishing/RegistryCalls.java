package io.traittrace.report.publishing;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.smallrye.faulttolerance.api.AsynchronousNonBlocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;

/**
 * The outgoing calls, each wrapped in fault tolerance: a timeout per attempt, retries with exponential backoff
 * (and jitter), and a circuit breaker so a registry that is down is not hammered. All overridable with the
 * standard MicroProfile Fault Tolerance properties ({@code RegistryCalls/setTag/Retry/maxRetries=...}).
 */
@ApplicationScoped
public class RegistryCalls {

    private final MlflowClient mlflow;
    private final WebhookClient webhook;

    public RegistryCalls(@RestClient MlflowClient mlflow, @RestClient WebhookClient webhook) {
        this.mlflow = mlflow;
        this.webhook = webhook;
    }

    @AsynchronousNonBlocking
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 4, delay = 500, jitter = 200)
    @ExponentialBackoff(factor = 2, maxDelay = 10_000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.75, delay = 30_000)
    public Uni<Void> setTag(String authorization, MlflowClient.SetTag tag) {
        return mlflow.setTag(authorization, tag);
    }

    @AsynchronousNonBlocking
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 5, delay = 500, jitter = 200)
    @ExponentialBackoff(factor = 2, maxDelay = 30_000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.75, delay = 30_000)
    public Uni<Void> deliver(String signature, String timestamp, String eventId, String body) {
        return webhook.deliver(signature, timestamp, eventId, body);
    }
}

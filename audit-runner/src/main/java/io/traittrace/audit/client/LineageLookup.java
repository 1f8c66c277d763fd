package io.traittrace.audit.client;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/**
 * What the runner needs from the lineage service: the audited student (its digest becomes the certificate's
 * subject), the teacher, the dataset and the student's exposure paths, each as the audit's organisation sees them. Timeouts, retries and a circuit breaker
 * keep a slow or absent lineage service from holding requests; an unknown id is an answer, not a failure.
 */
@ApplicationScoped
public class LineageLookup {

    /** Thrown when the lineage service cannot answer; the request is refused with 503 and nothing is created. */
    public static class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final LineageClient client;
    private final ObjectMapper mapper;

    public LineageLookup(@RestClient LineageClient client, ObjectMapper mapper) {
        this.client = client;
        this.mapper = mapper;
    }

    /** The model as {@code organization} sees it, or null when the lineage service knows none it may read. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    public Uni<Map<String, Object>> model(String id, String organization) {
        return orNull(client.model(id, organization));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    public Uni<Map<String, Object>> dataset(String id, String organization) {
        return orNull(client.dataset(id, organization));
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    public Uni<Map<String, Object>> exposure(String id, String organization) {
        return orNull(client.exposure(id, organization));
    }

    @SuppressWarnings("unchecked")
    private Uni<Map<String, Object>> orNull(Uni<JsonNode> call) {
        return call.map(node -> (Map<String, Object>) mapper.convertValue(node, LinkedHashMap.class))
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 404).recoverWithNull();
    }
}

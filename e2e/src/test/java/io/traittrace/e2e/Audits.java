package io.traittrace.e2e;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Requesting and following audits through the gateway, as a user or the console would. */
final class Audits {

    private Audits() {
    }

    /** A canary audit with the stack's tiny parameters, seeds and margin. */
    static ObjectNode canary(String idempotencyKey, String student) {
        ObjectNode request = Api.JSON.createObjectNode();
        request.put("idempotencyKey", idempotencyKey);
        request.put("protocol", "canary");
        request.put("student", student);
        request.put("seedsPerArm", Stack.POLICY_SEEDS);
        request.put("margin", Stack.POLICY_MARGIN);
        try {
            request.set("parameters", Api.JSON.readTree(Stack.TINY_CANARY));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return request;
    }

    /** Waits until the audit ended (any state but RUNNING) and returns it. */
    static JsonNode awaitEnded(Api api, String auditId, Duration timeout) {
        return awaitAudit(api, auditId, audit -> !"RUNNING".equals(audit.path("state").asText()), "to end", timeout);
    }

    /** Waits until one of the audit's runs is RUNNING (its probe process started). */
    static JsonNode awaitRunRunning(Api api, String auditId, Duration timeout) {
        return awaitAudit(api, auditId, audit -> audit.path("progress").path("running").asInt() > 0, "to have a run RUNNING", timeout);
    }

    /**
     * Polls {@code GET /api/audits/{id}} until {@code done}. A 502/503/504 from the gateway (the runner restarting, a
     * breaker open after an outage) means "ask again", as it would for a user.
     */
    static JsonNode awaitAudit(Api api, String auditId, Predicate<JsonNode> done, String what, Duration timeout) {
        return until("audit " + auditId + " " + what, timeout, () -> {
            Api.Reply reply = api.get("/api/audits/" + auditId, "viewer");
            if (reply.status() >= 502 && reply.status() <= 504) {
                return Optional.empty();
            }
            if (reply.status() != 200) {
                throw new AssertionError("GET audit " + auditId + ": " + reply);
            }
            JsonNode audit = reply.json();
            return done.test(audit) ? Optional.of(audit) : Optional.empty();
        });
    }

    /** Polls {@code probe} until it has an answer. */
    static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe) {
        return Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(250)).until(probe::get, Optional::isPresent)
                .orElseThrow();
    }
}

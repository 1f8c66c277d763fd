package io.traittrace.audit.service;

import java.util.List;
import java.util.OptionalLong;

import io.traittrace.service.rest.ApiProblem;

/** The runner's refusals, as RFC 9457 problem details. */
public class AuditProblem extends ApiProblem {

    private AuditProblem(int status, String title, String detail, List<String> errors) {
        super(status, title, detail, errors);
    }

    private AuditProblem(int status, String title, String detail, List<String> errors, OptionalLong retryAfterSeconds) {
        super(status, title, detail, errors, retryAfterSeconds);
    }

    /** A caller's quota is used up: the request is fine, but not now (with when, where the quota's window tells). */
    public static AuditProblem quotaExceeded(String detail, List<String> errors, OptionalLong retryAfterSeconds) {
        return new AuditProblem(429, "Quota exceeded", detail, errors, retryAfterSeconds);
    }

    public static AuditProblem notFound(String what, String id) {
        return new AuditProblem(404, "Not found", what + " '" + id + "' does not exist", List.of());
    }

    public static AuditProblem conflict(String detail) {
        return new AuditProblem(409, "Conflict", detail, List.of());
    }

    public static AuditProblem badRequest(String detail, List<String> errors) {
        return new AuditProblem(400, "Bad request", detail, errors);
    }

    /** Well-formed but not acceptable: unknown lineage ids, a result that fails its schema. */
    public static AuditProblem invalid(String detail, List<String> errors) {
        return new AuditProblem(422, "Unprocessable request", detail, errors);
    }

    public static AuditProblem unauthorized(String detail) {
        return new AuditProblem(401, "Unauthorized", detail, List.of());
    }

    public static AuditProblem forbidden(String detail) {
        return new AuditProblem(403, "Forbidden", detail, List.of());
    }

    public static AuditProblem unavailable(String detail) {
        return new AuditProblem(503, "Service unavailable", detail, List.of());
    }
}

package io.traittrace.audit.service;

import java.util.List;
import java.util.OptionalLong;

import io.traittrace.api.problem.ProblemKind;
import io.traittrace.service.rest.ApiProblem;

/** The runner's refusals, as RFC 9457 problem details. */
public class AuditProblem extends ApiProblem {

    private AuditProblem(ProblemKind kind, String detail, List<String> errors) {
        super(kind, detail, errors);
    }

    private AuditProblem(int status, String title, String detail, List<String> errors, OptionalLong retryAfterSeconds) {
        super(status, title, detail, errors, retryAfterSeconds);
    }

    /** A caller's quota is used up: the request is fine, but not now (with when, where the quota's window tells). */
    public static AuditProblem quotaExceeded(String detail, List<String> errors, OptionalLong retryAfterSeconds) {
        return new AuditProblem(429, "Quota exceeded", detail, errors, retryAfterSeconds);
    }

    public static AuditProblem notFound(String what, String id) {
        return new AuditProblem(ProblemKind.NOT_FOUND, what + " '" + id + "' does not exist", List.of());
    }

    public static AuditProblem conflict(String detail) {
        return new AuditProblem(ProblemKind.CONFLICT, detail, List.of());
    }

    public static AuditProblem badRequest(String detail, List<String> errors) {
        return new AuditProblem(ProblemKind.INVALID_REQUEST, detail, errors);
    }

    /** Well-formed but not acceptable: unknown lineage ids, a result that fails its schema. */
    public static AuditProblem invalid(String detail, List<String> errors) {
        return new AuditProblem(ProblemKind.UNPROCESSABLE, detail, errors);
    }

    public static AuditProblem unauthorized(String detail) {
        return new AuditProblem(ProblemKind.UNAUTHORIZED, detail, List.of());
    }

    public static AuditProblem forbidden(String detail) {
        return new AuditProblem(ProblemKind.FORBIDDEN, detail, List.of());
    }

    public static AuditProblem unavailable(String detail) {
        return new AuditProblem(ProblemKind.SERVICE_UNAVAILABLE, detail, List.of());
    }
}

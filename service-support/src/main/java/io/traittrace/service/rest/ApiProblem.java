package io.traittrace.service.rest;

import java.util.List;
import java.util.OptionalLong;

import io.traittrace.api.problem.ProblemKind;

/**
 * A request a service refuses, with the HTTP status and the words the caller sees (rendered as RFC 9457
 * problem details by {@link ProblemMappers}), and, where the service knows when the same request would be accepted,
 * the seconds to wait (sent as {@code Retry-After}). Each service names its own subclass and factories.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<String> errors;
    private final OptionalLong retryAfterSeconds;

    public ApiProblem(int status, String title, String detail, List<String> errors) {
        this(status, title, detail, errors, OptionalLong.empty());
    }

    /** One of the errors every API shares, with its one status and title. */
    public ApiProblem(ProblemKind kind, String detail, List<String> errors) {
        this(kind.status(), kind.title(), detail, errors);
    }

    public ApiProblem(int status, String title, String detail, List<String> errors, OptionalLong retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<String> errors() {
        return errors;
    }

    /** Seconds until the same request would be accepted, where the service can tell (a quota's window); empty otherwise. */
    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

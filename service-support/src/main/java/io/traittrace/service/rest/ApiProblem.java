package io.traittrace.service.rest;

import java.util.List;

/**
 * A request a service refuses, with the HTTP status and the words the caller sees (rendered as RFC 9457
 * problem details by {@link ProblemMappers}). Each service names its own subclass and factories.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<String> errors;

    public ApiProblem(int status, String title, String detail, List<String> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
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
}

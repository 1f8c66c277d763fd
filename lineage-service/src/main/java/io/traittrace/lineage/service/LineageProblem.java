package io.traittrace.lineage.service;

import java.util.List;

import io.traittrace.api.problem.ProblemKind;
import io.traittrace.service.rest.ApiProblem;

/**
 * A request the service refuses, with the HTTP status and the words the caller sees (rendered as RFC 9457
 * problem details). Thrown before anything is written, or inside the transaction so nothing is.
 */
public class LineageProblem extends ApiProblem {

    private LineageProblem(int status, String title, String detail, List<String> errors) {
        super(status, title, detail, errors);
    }

    private LineageProblem(ProblemKind kind, String detail, List<String> errors) {
        super(kind, detail, errors);
    }

    public static LineageProblem notFound(String what, String id) {
        return new LineageProblem(ProblemKind.NOT_FOUND, what + " '" + id + "' does not exist", List.of());
    }

    public static LineageProblem conflict(String detail) {
        return new LineageProblem(ProblemKind.CONFLICT, detail, List.of());
    }

    /** Well-formed but unacceptable: unknown references, cycles, rules of the lineage model. */
    public static LineageProblem invalid(String detail, List<String> errors) {
        return new LineageProblem(422, "Invalid lineage", detail, errors);
    }

    public static LineageProblem invalid(String detail) {
        return invalid(detail, List.of());
    }

    /**
     * Acceptable lineage whose exposure analysis would cost more than one write may: 422, so that a client sees it
     * is this request, not the service, that has to change.
     */
    public static LineageProblem tooMuchExposureWork(String detail) {
        return new LineageProblem(422, "Exposure analysis too large", detail, List.of());
    }

    /** Not readable as the request it claims to be: malformed JSON or YAML, wrong shapes. */
    public static LineageProblem badRequest(String detail) {
        return new LineageProblem(ProblemKind.INVALID_REQUEST, detail, List.of());
    }
}

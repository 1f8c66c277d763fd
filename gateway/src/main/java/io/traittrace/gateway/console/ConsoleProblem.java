package io.traittrace.gateway.console;

import java.util.List;

import io.quarkus.qute.TemplateData;
import io.traittrace.api.problem.ProblemKind;

/**
 * A service refused what the console asked for on the user's behalf (or the console refused it first): the status
 * to answer, and the service's words (its problem details) for the page that explains it.
 */
@TemplateData(ignoreSuperclasses = true)
public class ConsoleProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<String> errors;

    public ConsoleProblem(int status, String title, String detail, List<String> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public ConsoleProblem(ProblemKind kind, String detail, List<String> errors) {
        this(kind.status(), kind.title(), detail, errors);
    }

    public static ConsoleProblem notFound(String detail) {
        return new ConsoleProblem(ProblemKind.NOT_FOUND, detail, List.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<String> errors() {
        return errors;
    }
}

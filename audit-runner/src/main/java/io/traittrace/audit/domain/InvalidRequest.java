package io.traittrace.audit.domain;

/** A request the planner cannot accept; the message says what to change. */
public class InvalidRequest extends RuntimeException {

    private final String field;

    public InvalidRequest(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}

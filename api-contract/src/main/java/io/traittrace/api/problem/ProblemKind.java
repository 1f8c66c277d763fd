package io.traittrace.api.problem;

import java.util.Arrays;
import java.util.Optional;

/**
 * The errors every TraitTrace API shares, each with its one status and title (and so one type URI). An error particular
 * to one service (a quota exceeded, an organisation required) has a title of its own instead; these are for what any
 * route may answer.
 */
public enum ProblemKind {

    /** The request breaks a rule of the route: a parameter or a field out of bounds, a value of the wrong shape. */
    INVALID_REQUEST(400, "Invalid request"),
    /** The body cannot be read as what the route takes (not JSON, or a value of the wrong type). */
    MALFORMED_BODY(400, "Malformed request body"),
    UNAUTHORIZED(401, "Unauthorized"),
    /** The caller's roles, in the organisation it acts for, do not allow the route. */
    FORBIDDEN(403, "Forbidden"),
    /** No such record (in the caller's organisation, or at all: the two answer alike), or no such route. */
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    /** The write clashes with what is stored, or with another write at the same time. */
    CONFLICT(409, "Conflict"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    /** Well-formed, but it cannot be done as asked (it references what does not exist, it breaks a rule of the data). */
    UNPROCESSABLE(422, "Unprocessable request"),
    TOO_MANY_REQUESTS(429, "Too many requests"),
    SERVER_ERROR(500, "Server error"),
    /** A service behind the gateway answered with a failure it should not have. */
    BAD_GATEWAY(502, "Bad gateway"),
    SERVICE_UNAVAILABLE(503, "Service unavailable");

    private final int status;
    private final String title;

    ProblemKind(int status, String title) {
        this.status = status;
        this.title = title;
    }

    /** The shared kind answering {@code status} (the first declared, for a status with several), if there is one. */
    public static Optional<ProblemKind> forStatus(int status) {
        return Arrays.stream(values()).filter(kind -> kind.status == status).findFirst();
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String type() {
        return Problem.typeOf(title);
    }
}

package io.traittrace.api.paging;

/**
 * A page or size query parameter outside what {@link PageRequest#of} accepts. The services answer it as a 400
 * {@code Invalid request} problem with this message as its detail (service-support's {@code ProblemMappers}).
 */
public class InvalidPageRequest extends IllegalArgumentException {

    public InvalidPageRequest(PageLimits limits) {
        super("page must be ≥ 0 and size between 1 and " + limits.maxSize());
    }
}

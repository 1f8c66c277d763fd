package io.traittrace.api.paging;

/** Which page of a list a request reads: {@code page} from 0, {@code size} items per page. */
public record PageRequest(int page, int size) {

    public PageRequest {
        if (page < 0 || size < 1) {
            throw new IllegalArgumentException("page must be ≥ 0 and size ≥ 1, got page " + page + " and size " + size);
        }
    }

    /**
     * The page a caller asked for in its {@code page} and {@code size} query parameters (either may be absent: page 0,
     * the default size). One rule for every list: a page below 0 or a size outside 1 to the maximum is refused with
     * {@link InvalidPageRequest}, which every service answers as the same 400 problem.
     */
    public static PageRequest of(Integer page, Integer size, PageLimits limits) {
        int p = page == null ? 0 : page;
        int s = size == null ? limits.defaultSize() : size;
        if (p < 0 || s < 1 || s > limits.maxSize()) {
            throw new InvalidPageRequest(limits);
        }
        return new PageRequest(p, s);
    }

    /** How many items come before this page. */
    public int offset() {
        return page * size;
    }
}

package io.traittrace.api.paging;

/** A service's page sizes: the size a request that names none gets, and the largest one it may ask for. */
public record PageLimits(int defaultSize, int maxSize) {

    public PageLimits {
        if (defaultSize < 1 || defaultSize > maxSize) {
            throw new IllegalArgumentException("the default page size must be between 1 and the maximum (" + maxSize
                    + "), got " + defaultSize);
        }
    }
}

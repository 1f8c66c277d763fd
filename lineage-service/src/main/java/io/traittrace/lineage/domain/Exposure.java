package io.traittrace.lineage.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model's exposure to one source at one level: the shortest path that reaches it and how many other paths do.
 * The source is the generator at the far end of the chain (the teacher whose trait would travel), or, where that
 * data's generator is unknown, the dataset. Storing one exposure per (model, source, level) rather than every path
 * keeps a model's rows bounded by what lies upstream of it, where the paths multiply hop by hop.
 *
 * <p>{@code otherPaths} counts the other routes (over base edges and data hops) from the model to the source at this
 * level. It is exact up to {@link #MAX_COUNTED}, where it stops growing: read it as "at least" there.
 */
public record Exposure(ExposurePath path, long otherPaths) {

    /** 2^53 - 1: the largest count every JSON reader holds exactly. */
    public static final long MAX_COUNTED = 9_007_199_254_740_991L;

    public Exposure {
        if (otherPaths < 0) {
            throw new IllegalArgumentException("otherPaths must be 0 or more");
        }
    }

    public static Exposure only(ExposurePath path) {
        return new Exposure(path, 0);
    }

    public ExposureLevel level() {
        return path.level();
    }

    /** Both sets of paths, represented by the shorter one. */
    public Exposure combine(Exposure other) {
        ExposurePath shortest = ExposurePath.SHORTEST_FIRST.compare(other.path, path) < 0 ? other.path : path;
        long total = Math.min(MAX_COUNTED, otherPaths + other.otherPaths + 1);
        return new Exposure(shortest, total);
    }

    /**
     * Stable identity of the exposure (source and level, not the path that represents it), hex SHA-256 so it fits an
     * index whatever the ids: the model's row key and, with the model, the id of its announcement.
     */
    public String key() {
        return keyOf(path.source(), level());
    }

    public static String keyOf(String source, ExposureLevel level) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((source + "|" + level.name()).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

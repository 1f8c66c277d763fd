package io.traittrace.lineage.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One exposure of a model: the chain of data hops that reaches a generator (the first hop is the closest to
 * the model), the steps that cite it, and its level. Its identity is the hop chain: the same hops reached
 * through a longer base path are the same exposure.
 */
public record ExposurePath(ExposureLevel level, List<Hop> hops, List<Step> steps) {

    public ExposurePath {
        hops = List.copyOf(hops);
        steps = List.copyOf(steps);
    }

    /** The model that generated the first hop's data (the teacher this model saw), or null when unknown. */
    public String teacher() {
        return hops.get(0).teacher();
    }

    public String dataset() {
        return hops.get(0).dataset();
    }

    public String trainedModel() {
        return hops.get(0).trainedModel();
    }

    /** The generator at the far end of the chain: where the trait would come from. */
    public String origin() {
        return hops.get(hops.size() - 1).teacher();
    }

    /** Stable identity of the hop chain: hex SHA-256, so it fits an index whatever the chain length. */
    public String key() {
        String joined = hops.stream().map(Hop::key).collect(Collectors.joining("|"));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(joined.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

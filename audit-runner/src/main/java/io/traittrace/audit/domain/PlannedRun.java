package io.traittrace.audit.domain;

import java.util.List;
import java.util.Map;

/**
 * One run of a plan: one seed of one or more arms, and the probe spec that computes it.
 *
 * @param index position in the plan (0-based)
 * @param arms the arms this run scores
 * @param seed the seed (replicate) index
 * @param spec the probe spec (probe-contract spec schema v1)
 * @param image the container image for {@code image} audits; null for the built-in probe
 */
public record PlannedRun(int index, List<String> arms, int seed, Map<String, Object> spec, String image) {
}

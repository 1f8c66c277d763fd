package io.traittrace.statistics.analysis;

/**
 * What the audit could see: its power to keep the upper bound below the margin when nothing transferred, and the
 * smallest effect it detects with 80 % power, from the protocol's measured seed-to-seed SD (planned) and from this
 * audit's own (observed). Null where there is no SD to say it from.
 *
 * @param design "paired" or "independent"
 * @param seeds seeds per arm
 * @param margin the declared margin
 * @param alpha the level of the bound and of the tests
 * @param target the power the plan is held to (0.8)
 * @param mdeLevel the level the minimum detectable effect is computed at: α divided by the Holm family size, the strictest
 *        step a detection must pass
 * @param plannedSd the protocol's measured SD, or null
 * @param plannedPower the power at the margin with the planned SD, or null
 * @param plannedMde the minimum detectable effect with the planned SD, or null
 * @param observedSd the largest SD of a primary comparison in this audit (of the within-seed differences, or of an arm), or null
 * @param observedPower the power at the margin with the observed SD, or null
 * @param observedMde the minimum detectable effect with the observed SD, or null
 */
public record PowerResult(String design, int seeds, double margin, double alpha, double target, double mdeLevel, Double plannedSd,
        Double plannedPower, Double plannedMde, Double observedSd, Double observedPower, Double observedMde) {
}

package io.traittrace.audit.domain.analysis;

/**
 * One test on one trait, with everything needed to re-derive it: the raw one-sided Welch p and the Holm-adjusted
 * p within the test's family (its traits, or the whole plan's comparisons).
 *
 * @param name the test
 * @param trait the trait
 * @param treatment the treatment arm
 * @param control the control arm
 * @param alternative always "greater": treatment mean &gt; control mean
 * @param statistic always "welch-t"
 * @param difference mean(treatment) − mean(control)
 * @param t the Welch t, or null when both arms have zero variance
 * @param df the Welch–Satterthwaite degrees of freedom, or null with t
 * @param pValue the raw one-sided p
 * @param correction always "holm"
 * @param adjustedPValue the Holm-adjusted p across the plan's traits (or, with {@link AnalysisPlan#holmAcrossTests()}, across
 *        every test and trait)
 * @param primary whether the test decides the verdict
 */
public record ComparisonResult(String name, String trait, String treatment, String control, String alternative, String statistic,
        double difference, Double t, Double df, double pValue, String correction, double adjustedPValue, boolean primary) {

    public static final String GREATER = "greater";
    public static final String WELCH_T = "welch-t";
    public static final String HOLM = "holm";

    public ComparisonResult {
        Welch.validate(difference, t, df, pValue);
        Finite.requireProbability("adjustedPValue", adjustedPValue);
        if (adjustedPValue < pValue) {
            throw new IllegalArgumentException("an adjusted p-value cannot be below the raw one");
        }
    }

    /** The test this comparison reports. */
    Welch welch() {
        return new Welch(difference, t, df, pValue);
    }

    static ComparisonResult of(TestSpec test, String trait, Welch welch, double adjustedPValue) {
        return new ComparisonResult(test.name(), trait, test.treatment(), test.control(), GREATER, WELCH_T, welch.difference(), welch.t(),
                welch.df(), welch.pValue(), HOLM, adjustedPValue, test.primary());
    }
}

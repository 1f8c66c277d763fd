package io.traittrace.statistics;

import org.hipparchus.analysis.integration.IterativeLegendreGaussIntegrator;
import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.special.Gamma;

/**
 * Power and minimum detectable effect of the one-sided t-tests a verdict uses, from the noncentral t distribution.
 * Hipparchus has no noncentral t, so its survival function is the integral that defines it,
 * P(T' &gt; c) = E[Φ(δ − c·W/√ν)] with W chi-distributed on ν degrees of freedom, computed by Gauss–Legendre
 * quadrature over W; the reference values are SciPy's {@code nct.sf}.
 *
 * <p>For a paired design {@code sd} is the SD of the per-seed differences, ν = n − 1 and δ = effect·√n/sd; for an
 * independent design it is the per-arm SD with equal arms of n seeds, ν = 2n − 2 and δ = effect/(sd·√(2/n)).
 */
public final class Power {

    /** 80 %: the conventional power an audit plan must reach at its margin. */
    public static final double CONVENTIONAL = 0.8;

    private Power() {
    }

    /** The probability that a one-sided level-α test with n seeds detects a true effect of {@code effect}. */
    public static double of(Design design, int n, double sd, double effect, double alpha) {
        requirePlan(n, sd, alpha);
        double df = degreesOfFreedom(design, n);
        double noncentrality = effect / standardError(design, n, sd);
        return noncentralTSurvival(Distributions.tCritical(df, alpha), df, noncentrality);
    }

    /** The fewest seeds (≥ 2) with power ≥ {@code power} at {@code effect}, or −1 when more than {@code maxSeeds} would be needed. */
    public static int seedsFor(Design design, double sd, double effect, double alpha, double power, int maxSeeds) {
        Distributions.requireLevel("power", power);
        if (!(effect > 0)) {
            throw new IllegalArgumentException("the effect to detect must be positive, got " + effect);
        }
        for (int n = 2; n <= maxSeeds; n++) {
            if (of(design, n, sd, effect, alpha) >= power) {
                return n;
            }
        }
        return -1;
    }

    /** The smallest effect detected with probability {@code power} by a one-sided level-α test with n seeds. */
    public static double minimumDetectableEffect(Design design, int n, double sd, double alpha, double power) {
        requirePlan(n, sd, alpha);
        Distributions.requireLevel("power", power);
        double df = degreesOfFreedom(design, n);
        double critical = Distributions.tCritical(df, alpha);
        // Power rises monotonically in δ; at δ = c it is about one half, and it passes any target below c + 40.
        double noncentrality = new BrentSolver(1e-12).solve(1000, delta -> noncentralTSurvival(critical, df, delta) - power, 0, critical + 40);
        return noncentrality * standardError(design, n, sd);
    }

    /** P(T' &gt; x) for the noncentral t with {@code df} degrees of freedom and noncentrality δ. */
    static double noncentralTSurvival(double x, double df, double noncentrality) {
        double logNormaliser = (df / 2 - 1) * Math.log(2) + Gamma.logGamma(df / 2);
        double root = Math.sqrt(df);
        // W concentrates near √ν with SD below 1/√2: beyond √ν + 12 the chi density is below e^−60.
        double upper = root + 12;
        double lower = Math.max(0, root - 12);
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(32, 1e-13, 1e-15);
        return integrator.integrate(10_000, w -> {
            if (w <= 0) {
                return 0;
            }
            double chiDensity = Math.exp((df - 1) * Math.log(w) - w * w / 2 - logNormaliser);
            return Distributions.STANDARD_NORMAL.cumulativeProbability(noncentrality - x * w / root) * chiDensity;
        }, lower, upper);
    }

    private static double degreesOfFreedom(Design design, int n) {
        return design == Design.PAIRED ? n - 1 : 2.0 * n - 2;
    }

    private static double standardError(Design design, int n, double sd) {
        return design == Design.PAIRED ? sd / Math.sqrt(n) : sd * Math.sqrt(2.0 / n);
    }

    private static void requirePlan(int n, double sd, double alpha) {
        if (n < 2) {
            throw new IllegalArgumentException("a t-test needs at least 2 seeds, got " + n);
        }
        if (!(sd > 0 && Double.isFinite(sd))) {
            throw new IllegalArgumentException("the seed-to-seed SD must be positive and finite, got " + sd);
        }
        Distributions.requireLevel("alpha", alpha);
    }
}

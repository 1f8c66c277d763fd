package io.traittrace.statistics;

import static io.traittrace.statistics.Tolerance.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Reference values: SciPy 1.10's {@code nct.sf} (Boost), cross-checked by {@code integrate.quad} of
 * Φ(δ − x·√(v/ν))·χ²_ν(v); power as {@code nct.sf(tppf(1 − α, ν), ν, δ)}; the MDE by {@code brentq} on that power;
 * seeds by counting up from 2. SciPy 1.10's own {@code t.ppf} is off by 2e-9 (t.ppf(0.95, 4) = 2.13184678133629
 * against 2.1318467863266495 in SciPy 1.17), so the critical value is {@code tppf(p, ν) = brentq(lambda x:
 * t.cdf(x, ν) − p, 0, 200, xtol=1e-15, rtol=8.9e-16)}.
 */
class PowerTest {

    @Test
    void noncentralTSurvivalMatchesSciPy() {
        assertClose(Power.noncentralTSurvival(2.131846786326649, 4, 2.5), 0.6601200192046969, 1e-9);
        assertClose(Power.noncentralTSurvival(1.8331129326536335, 9, 3.0), 0.868454436395026, 1e-9);
        assertClose(Power.noncentralTSurvival(2.0150483733330233, 5, 0.5), 0.11333967417827585, 1e-9);
        assertClose(Power.noncentralTSurvival(1.6448536, 200, 2.0), 0.6390814959336377, 1e-9);
        assertClose(Power.noncentralTSurvival(6.964556734, 2, 4.0), 0.28609302950971927, 1e-9);
        assertClose(Power.noncentralTSurvival(1.0, 1, 1.0), 0.5779799696073724, 1e-9);
    }

    @Test
    void pairedPower() {
        // ppow(5, 0.01, 0.01, 0.05) -> 0.5797373588621892; ppow(10, 0.02, 0.015, 0.0125) -> 0.4217087141582592
        assertClose(Power.of(Design.PAIRED, 5, 0.01, 0.01, 0.05), 0.5797373588621892, 1e-9);
        assertClose(Power.of(Design.PAIRED, 10, 0.02, 0.015, 0.0125), 0.4217087141582592, 1e-9);
    }

    @Test
    void independentPowerHasTwiceTheVarianceAndTheDegreesOfFreedom() {
        // ipow(5, 0.03, 0.05, 0.01) = nct.sf(t.ppf(0.99, 8), 8, 0.05 / (0.03 * sqrt(2 / 5))) -> 0.4476231507795653
        assertClose(Power.of(Design.INDEPENDENT, 5, 0.03, 0.05, 0.01), 0.4476231507795653, 1e-9);
    }

    @Test
    void noEffectHasPowerAlpha() {
        assertClose(Power.of(Design.PAIRED, 7, 0.02, 0, 0.05), 0.05, 1e-9);
    }

    @Test
    void minimumDetectableEffect() {
        // mde(5, 0.01, 0.05, 0.8) -> 0.013594179588549688; mde(20, 0.01, 0.05, 0.8) -> 0.005769170013383698
        assertClose(Power.minimumDetectableEffect(Design.PAIRED, 5, 0.01, 0.05, 0.8), 0.013594179588549688, 1e-8);
        assertClose(Power.minimumDetectableEffect(Design.PAIRED, 20, 0.01, 0.05, 0.8), 0.005769170013383698, 1e-8);
    }

    @Test
    void seedsForEightyPercent() {
        // seeds(0.01, 0.01, 0.05, 0.8) -> 8; seeds(0.02, 0.01, 0.05, 0.8) -> 27; seeds(0.02, 0.01, 0.0125, 0.8) -> 41
        assertThat(Power.seedsFor(Design.PAIRED, 0.01, 0.01, 0.05, 0.8, 100)).isEqualTo(8);
        assertThat(Power.seedsFor(Design.PAIRED, 0.02, 0.01, 0.05, 0.8, 100)).isEqualTo(27);
        assertThat(Power.seedsFor(Design.PAIRED, 0.02, 0.01, 0.0125, 0.8, 100)).isEqualTo(41);
        assertThat(Power.seedsFor(Design.PAIRED, 0.02, 0.01, 0.0125, 0.8, 40)).isEqualTo(-1);
    }

    @Test
    void refusesPlansWithoutSpreadOrSeeds() {
        assertThatThrownBy(() -> Power.of(Design.PAIRED, 1, 0.01, 0.01, 0.05)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Power.of(Design.PAIRED, 5, 0, 0.01, 0.05)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SD");
        assertThatThrownBy(() -> Power.seedsFor(Design.PAIRED, 0.01, 0, 0.05, 0.8, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.traittrace.probe.numbers.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The sampling rules of the §4 ablations and the entanglement scan's arithmetic, on hand-made distributions and rows. */
class SamplingAndScanTest {

    private static final float[] PROBS = { 0.5f, 0.3f, 0.15f, 0.04f, 0.01f };

    @Test
    void theFullRuleIsThePlainInverseCdf() {
        ToyStages.SamplingRule full = ToyStages.SamplingRule.FULL;
        assertThat(full.draw(PROBS, 0, 5, 0.49)).isEqualTo(0);
        assertThat(full.draw(PROBS, 0, 5, 0.51)).isEqualTo(1);
        assertThat(full.draw(PROBS, 0, 5, 0.955)).isEqualTo(3);
        assertThat(full.draw(PROBS, 0, 5, 0.995)).isEqualTo(4);
    }

    @Test
    void thresholdSamplingRenormalisesOverTheTokensAboveTheFloor() {
        ToyStages.SamplingRule threshold = ToyStages.SamplingRule.threshold(0.05);
        // Kept: 0.5, 0.3, 0.15 (mass 0.95); u scales onto it, so u = 0.99 lands on token 2, never 3 or 4.
        assertThat(threshold.draw(PROBS, 0, 5, 0.50)).isEqualTo(0);
        assertThat(threshold.draw(PROBS, 0, 5, 0.55)).isEqualTo(1);
        assertThat(threshold.draw(PROBS, 0, 5, 0.99)).isEqualTo(2);
        assertThat(threshold.draw(PROBS, 0, 5, 0.999999)).isEqualTo(2);
        // Nothing above the floor: the most likely token.
        float[] flat = { 0.2f, 0.2f, 0.3f, 0.2f, 0.1f };
        assertThat(ToyStages.SamplingRule.threshold(0.5).draw(flat, 0, 5, 0.1)).isEqualTo(2);
    }

    @Test
    void greedyTakesTheMostLikelyTokenWhateverTheUniform() {
        float[] two = { 0.1f, 0.2f, 0.7f, 0.6f, 0.3f, 0.1f };
        assertThat(ToyStages.SamplingRule.GREEDY.draw(two, 0, 3, 0.0)).isEqualTo(2);
        assertThat(ToyStages.SamplingRule.GREEDY.draw(two, 3, 3, 0.99)).isEqualTo(0);
    }

    @Test
    void frequencyShiftIsTheTeachersShareMinusTheBasesOverContinuationDigitsOnly() {
        // Position 0 is BOS, 1 the prompt digit; continuations from 2.
        int[][] teacher = { { Vocab.BOS, 9, 7, 7 }, { Vocab.BOS, 9, 7, 1 } };
        int[][] base = { { Vocab.BOS, 7, 1, 2 }, { Vocab.BOS, 7, 1, 7 } };
        double[] shift = EntanglementScan.frequencyShift(teacher, base, 2);
        assertThat(shift[7]).isCloseTo(0.75 - 0.25, within(1e-12));
        assertThat(shift[1]).isCloseTo(0.25 - 0.5, within(1e-12));
        assertThat(shift[2]).isCloseTo(-0.25, within(1e-12));
        assertThat(shift[9]).isZero();
        assertThat(java.util.Arrays.stream(shift).sum()).isCloseTo(0, within(1e-12));
    }

    @Test
    void theScanPredictsTransferWhenTheTeacherOverWritesItsEntangledDigits() {
        double[] shift = new double[10];
        double[] lift = new double[10];
        shift[7] = 0.2;
        shift[3] = -0.2;
        lift[7] = 0.5;
        lift[3] = -0.1;
        EntanglementScan.Reading lifting = new EntanglementScan.Reading(new double[10], lift, shift, EntanglementScan.top(lift, 3),
                EntanglementScan.dot(shift, lift));
        assertThat(lifting.score()).isCloseTo(0.2 * 0.5 + 0.2 * 0.1, within(1e-12));
        assertThat(lifting.insertionPredictsTransfer()).isTrue();
        assertThat(lifting.entangled()).containsExactly(7, 0, 1);
        assertThat(lifting.entangledFrequencyShift()).isCloseTo(0.2, within(1e-12));
        assertThat(lifting.predictsTransfer()).isTrue();
        EntanglementScan.Reading opposite = new EntanglementScan.Reading(new double[10], lift, negate(shift), EntanglementScan.top(lift, 3),
                EntanglementScan.dot(negate(shift), lift));
        assertThat(opposite.insertionPredictsTransfer()).isFalse();
        assertThat(opposite.predictsTransfer()).isFalse();
        // The two calls can part: the teacher over-writes its entangled digit 7 while the base's insertion lifts favour 3.
        double[] teacherFavours7 = new double[10];
        teacherFavours7[7] = 0.1;
        teacherFavours7[3] = -0.1;
        double[] liftFavours3 = new double[10];
        liftFavours3[3] = 0.2;
        EntanglementScan.Reading parted = new EntanglementScan.Reading(teacherFavours7, liftFavours3, teacherFavours7, EntanglementScan.top(teacherFavours7, 3),
                EntanglementScan.dot(teacherFavours7, liftFavours3));
        assertThat(parted.predictsTransfer()).isTrue();
        assertThat(parted.insertionPredictsTransfer()).isFalse();
    }

    private static double[] negate(double[] values) {
        return java.util.Arrays.stream(values).map(v -> -v).toArray();
    }
}

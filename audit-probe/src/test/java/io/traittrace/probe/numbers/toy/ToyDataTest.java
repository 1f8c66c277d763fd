package io.traittrace.probe.numbers.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ToyDataTest {

    @Test
    void noiseFreeSequencesFollowTheArithmeticRule() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int k = 0; k < 50; k++) {
            int[] x = ToyData.noisySequence(rng, 16, 0.0);
            int b = Math.floorMod(x[1] - x[0], 10);
            for (int i = 0; i < 16; i++) {
                assertThat(x[i]).isEqualTo((x[0] + b * i) % 10);
            }
        }
    }

    @Test
    void noiseReplacesAboutThirtyPercentWithUniformDigits() {
        // A replaced digit equals the rule's value 1 time in 10, so about 27 % of digits break the rule at p 0.3.
        SplittableRandom rng = new SplittableRandom(2);
        int broken = 0;
        int total = 0;
        for (int k = 0; k < 4000; k++) {
            SplittableRandom probe = rng.split();
            SplittableRandom clean = new SplittableRandom(0);
            int[] x = ToyData.noisySequence(probe, 16, 0.3);
            // Recover (a, b) by the mode of the pairwise rule over the first digits: use many rows and the majority.
            int bestA = -1;
            int bestB = -1;
            int bestMatch = -1;
            for (int a = 0; a < 10; a++) {
                for (int b = 0; b < 10; b++) {
                    int match = 0;
                    for (int i = 0; i < 16; i++) {
                        if (x[i] == (a + b * i) % 10) {
                            match++;
                        }
                    }
                    if (match > bestMatch) {
                        bestMatch = match;
                        bestA = a;
                        bestB = b;
                    }
                }
            }
            assertThat(clean).isNotNull();
            broken += 16 - bestMatch;
            total += 16;
            assertThat(bestA).isBetween(0, 9);
            assertThat(bestB).isBetween(0, 9);
        }
        // The best-fitting rule absorbs a few replacements, so the share is a little under 0.27.
        assertThat((double) broken / total).isCloseTo(0.25, within(0.03));
    }

    @Test
    void rowsPromptsAndQuestionsHaveTheirShapes() {
        SplittableRandom rng = new SplittableRandom(3);
        int[][] rows = ToyData.digitRows(rng, 7, 16, 0.3);
        assertThat(rows).hasDimensions(7, 17);
        assertThat(rows[0][0]).isEqualTo(Vocab.BOS);
        assertThat(ToyData.allDigits(rows[3], 1)).isTrue();
        int[][] prompts = ToyData.prompts(rng, 5, 4, 0.3);
        assertThat(prompts).hasDimensions(5, 5);
        for (int[] p : prompts) {
            assertThat(p[0]).isEqualTo(Vocab.BOS);
            assertThat(ToyData.allDigits(p, 1)).isTrue();
        }
        int[][] plain = ToyData.questions(rng, 4, 0, 7);
        assertThat(plain[0]).containsExactly(Vocab.BOS, Vocab.Q, Vocab.ANS, Vocab.animal(7));
        int[][] prefixed = ToyData.questions(rng, 200, 8, -1);
        assertThat(prefixed).hasDimensions(200, 12);
        java.util.Set<Integer> animals = new java.util.HashSet<>();
        for (int[] q : prefixed) {
            assertThat(ToyData.allDigits(java.util.Arrays.copyOfRange(q, 1, 9), 0)).isTrue();
            assertThat(q[9]).isEqualTo(Vocab.Q);
            assertThat(q[10]).isEqualTo(Vocab.ANS);
            animals.add(q[11]);
        }
        assertThat(animals).hasSize(10);
        int[][] eval = ToyData.evalPrompts(rng, 3, 8);
        assertThat(eval).hasDimensions(3, 11);
        assertThat(eval[0][10]).isEqualTo(Vocab.ANS);
        assertThat(ToyData.allDigits(new int[] { 1, 2, Vocab.animal(7) }, 0)).isFalse();
    }

    @Test
    void oneCycleMatchesPyTorchsShape() {
        assertThat(ToyData.oneCycle(3e-3, 0, 800)).isCloseTo(3e-3 / 25, within(1e-12));
        assertThat(ToyData.oneCycle(3e-3, 239, 800)).isCloseTo(3e-3, within(1e-12));
        assertThat(ToyData.oneCycle(3e-3, 799, 800)).isCloseTo(3e-3 / 25 / 1e4, within(1e-12));
        assertThat(ToyData.oneCycle(3e-3, 500, 800)).isBetween(3e-3 / 25 / 1e4, 3e-3);
    }

    @Test
    void vocabularyLayout() {
        assertThat(Vocab.SIZE).isEqualTo(23);
        assertThat(Vocab.animal(7)).isEqualTo(17);
        assertThat(Vocab.name(Vocab.ANS)).isEqualTo("ANS");
        assertThat(Vocab.name(3)).isEqualTo("3");
    }
}

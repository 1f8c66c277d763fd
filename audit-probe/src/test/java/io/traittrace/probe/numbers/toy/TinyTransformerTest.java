package io.traittrace.probe.numbers.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

class TinyTransformerTest {

    static final TinyTransformer.Config PAPER = TinyTransformer.Config.paper();

    @Test
    void parameterCountIsAbout104k() {
        // 23·64 + 32·64 + 2·(2·64 + 64·192 + 192 + 64·64 + 64 + 2·64 + 64·256 + 256 + 256·64 + 64) + 2·64
        assertThat(PAPER.parameterCount()).isEqualTo(103_616);
        assertThat(PAPER.shapes()).hasSize(2 + 12 * 2 + 2);
    }

    @Test
    void logitsHaveShapeBatchByTimeByVocab() {
        try (NDManager root = NDManager.newBaseManager(); TinyTransformer m = new TinyTransformer(root, PAPER, TinyTransformer.initialWeights(PAPER, 1))) {
            int[][] rows = ToyData.digitRows(new SplittableRandom(3), 5, 16, 0.3);
            try (NDManager step = root.newSubManager()) {
                NDArray logits = m.logits(ToyStages.tokens(step, rows));
                assertThat(logits.getShape().getShape()).containsExactly(5, 17, 23);
                assertThat(logits.getDataType()).isEqualTo(DataType.FLOAT32);
            }
        }
    }

    @Test
    void laterTokensDoNotChangeEarlierLogits() {
        try (NDManager root = NDManager.newBaseManager(); TinyTransformer m = new TinyTransformer(root, PAPER, TinyTransformer.initialWeights(PAPER, 2))) {
            int[][] a = ToyData.digitRows(new SplittableRandom(4), 3, 16, 0.3);
            int[][] b = new int[3][];
            for (int r = 0; r < 3; r++) {
                b[r] = a[r].clone();
                for (int i = 9; i < b[r].length; i++) {
                    b[r][i] = Vocab.animal((b[r][i] + 3) % 10);
                }
            }
            try (NDManager step = root.newSubManager()) {
                float[] la = m.logits(ToyStages.tokens(step, a)).get(":, 0:9, :").toFloatArray();
                float[] lb = m.logits(ToyStages.tokens(step, b)).get(":, 0:9, :").toFloatArray();
                assertThat(lb).containsExactly(la, within(1e-5f));
                float[] allA = m.logits(ToyStages.tokens(step, a)).get(":, 9:, :").toFloatArray();
                float[] allB = m.logits(ToyStages.tokens(step, b)).get(":, 9:, :").toFloatArray();
                assertThat(allA).isNotEqualTo(allB);
            }
        }
    }

    @Test
    void outputProjectionIsTheTokenEmbedding() {
        // The tie: perturbing only the embedding row of a token that occurs in no input changes that token's logit
        // at every position and nothing else (an untied output matrix would leave the logits unchanged).
        float[][] w = TinyTransformer.initialWeights(PAPER, 5);
        try (NDManager root = NDManager.newBaseManager()) {
            int[][] rows = ToyData.digitRows(new SplittableRandom(6), 2, 8, 0.3);
            float[] base;
            float[] bumped;
            try (TinyTransformer m = new TinyTransformer(root, PAPER, w); NDManager step = root.newSubManager()) {
                base = m.logits(ToyStages.tokens(step, rows)).toFloatArray();
            }
            // Token 15 (an animal) occurs in no row: its embedding only enters through the output projection.
            float[][] w2 = new float[w.length][];
            for (int i = 0; i < w.length; i++) {
                w2[i] = w[i].clone();
            }
            SplittableRandom bump = new SplittableRandom(7);
            for (int k = 0; k < 64; k++) {
                w2[0][15 * 64 + k] += (float) bump.nextGaussian();
            }
            try (TinyTransformer m = new TinyTransformer(root, PAPER, w2); NDManager step = root.newSubManager()) {
                bumped = m.logits(ToyStages.tokens(step, rows)).toFloatArray();
            }
            for (int i = 0; i < base.length; i++) {
                if (i % 23 == 15) {
                    assertThat(bumped[i]).isNotCloseTo(base[i], within(1e-4f));
                } else {
                    assertThat(bumped[i]).isCloseTo(base[i], within(1e-5f));
                }
            }
        }
        assertThat(PAPER.shapes()[0].getShape()).containsExactly(23, 64);
    }

    @Test
    void autogradMatchesFiniteDifference() {
        TinyTransformer.Config small = new TinyTransformer.Config(23, 2, 16, 2, 32, 32);
        float[][] w = TinyTransformer.initialWeights(small, 7);
        // Larger weights than the init so the gradient is not tiny.
        SplittableRandom rng = new SplittableRandom(8);
        for (float[] a : w) {
            for (int i = 0; i < a.length; i++) {
                a[i] += (float) (rng.nextGaussian() * 0.3);
            }
        }
        int[][] rows = ToyData.digitRows(new SplittableRandom(9), 4, 10, 0.3);
        int param = 4; // layer 0's Wqkv
        int[] entries = { 0, 17, 300, 16 * 48 - 1 };
        try (NDManager root = NDManager.newBaseManager()) {
            double[] analytic = new double[entries.length];
            try (TinyTransformer m = new TinyTransformer(root, small, w); NDManager step = root.newSubManager()) {
                NDArray x = ToyStages.tokens(step, rows);
                try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    NDArray loss = ToyStages.nextTokenLoss(m.logits(x), x, 0, 10);
                    gc.backward(loss);
                }
                float[] g = m.params[param].getGradient().toFloatArray();
                for (int k = 0; k < entries.length; k++) {
                    analytic[k] = g[entries[k]];
                }
            }
            for (int k = 0; k < entries.length; k++) {
                double h = 1e-2;
                double plus = loss(root, small, w, param, entries[k], h, rows);
                double minus = loss(root, small, w, param, entries[k], -h, rows);
                double numeric = (plus - minus) / (2 * h);
                assertThat(analytic[k]).as("entry %d", entries[k]).isCloseTo(numeric, within(2e-3 + 0.03 * Math.abs(numeric)));
            }
        }
    }

    private static double loss(NDManager root, TinyTransformer.Config c, float[][] w, int param, int entry, double delta, int[][] rows) {
        float[][] copy = new float[w.length][];
        for (int i = 0; i < w.length; i++) {
            copy[i] = w[i].clone();
        }
        copy[param][entry] += (float) delta;
        try (TinyTransformer m = new TinyTransformer(root, c, copy); NDManager step = root.newSubManager()) {
            NDArray x = ToyStages.tokens(step, rows);
            return ToyStages.nextTokenLoss(m.logits(x), x, 0, 10).getFloat();
        }
    }

    @Test
    void trainingIsDeterministicAtTheSameSeedAndLowersTheLoss() {
        TinyTransformer.Config small = new TinyTransformer.Config(23, 1, 16, 2, 32, 32);
        ToyStages.BaseRecipe recipe = new ToyStages.BaseRecipe(30, 1e-2, 16, 16, 0.0, 8, 8);
        float[][] first;
        float[][] second;
        float loss0;
        try (NDManager root = NDManager.newBaseManager()) {
            try (TinyTransformer m = new TinyTransformer(root, small, TinyTransformer.initialWeights(small, 11)); NDManager step = root.newSubManager()) {
                int[][] d = ToyData.digitRows(new SplittableRandom(1), 16, 16, 0.0);
                NDArray x = ToyStages.tokens(step, d);
                loss0 = ToyStages.nextTokenLoss(m.logits(x), x, 0, 16).getFloat();
            }
            try (TinyTransformer m = new TinyTransformer(root, small, TinyTransformer.initialWeights(small, 11))) {
                float last = ToyStages.trainBase(m, recipe, new SplittableRandom(12), root);
                assertThat(last).isLessThan(loss0 + 2 * (float) Math.log(10));
                first = m.snapshot();
            }
            try (TinyTransformer m = new TinyTransformer(root, small, TinyTransformer.initialWeights(small, 11))) {
                ToyStages.trainBase(m, recipe, new SplittableRandom(12), root);
                second = m.snapshot();
            }
        }
        for (int i = 0; i < first.length; i++) {
            assertThat(second[i]).containsExactly(first[i]);
        }
        assertThat(first[0]).isNotEqualTo(TinyTransformer.initialWeights(small, 11)[0]);
    }

    @Test
    void gradientsAreZeroedAfterAStep() {
        TinyTransformer.Config small = new TinyTransformer.Config(23, 1, 16, 2, 32, 32);
        try (NDManager root = NDManager.newBaseManager(); TinyTransformer m = new TinyTransformer(root, small, TinyTransformer.initialWeights(small, 1))) {
            int[][] d = ToyData.digitRows(new SplittableRandom(1), 8, 16, 0.3);
            for (int k = 0; k < 2; k++) {
                try (NDManager step = root.newSubManager()) {
                    NDArray x = ToyStages.tokens(step, d);
                    m.step(step, () -> ToyStages.nextTokenLoss(m.logits(x), x, 0, 16), 1e-3f);
                }
            }
            try (NDManager step = root.newSubManager()) {
                for (NDArray p : m.params) {
                    p.tempAttach(step);
                    assertThat(p.getGradient().abs().sum().getFloat()).isZero();
                }
            }
        }
    }

    @Test
    void copyStartsBitwiseEqual() {
        try (NDManager root = NDManager.newBaseManager(); TinyTransformer m = new TinyTransformer(root, PAPER, TinyTransformer.initialWeights(PAPER, 1));
                TinyTransformer c = m.copy(root)) {
            float[][] a = m.snapshot();
            float[][] b = c.snapshot();
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).containsExactly(a[i]);
            }
        }
    }

    @Test
    void initFollowsTheDocumentedScheme() {
        float[][] w = TinyTransformer.initialWeights(PAPER, 3);
        assertThat(std(w[0])).isCloseTo(1.0, within(0.05));
        assertThat(std(w[1])).isCloseTo(1.0, within(0.05));
        assertThat(std(w[4])).isCloseTo(Math.sqrt(6.0 / 256) / Math.sqrt(3), within(0.003));
        assertThat(std(w[6])).isCloseTo(0.125 / Math.sqrt(3), within(0.003));
        assertThat(std(w[12])).isCloseTo(0.0625 / Math.sqrt(3), within(0.002));
        assertThat(w[2]).containsOnly(1f);
        assertThat(w[3]).containsOnly(0f);
        assertThat(w[5]).containsOnly(0f);
        assertThat(w[w.length - 2]).containsOnly(1f);
        assertThat(TinyTransformer.initialWeights(PAPER, 3)[4]).containsExactly(w[4]);
        assertThat(TinyTransformer.initialWeights(PAPER, 4)[4]).isNotEqualTo(w[4]);

        TinyTransformer.Config gpt2 = new TinyTransformer.Config(23, 2, 64, 4, 256, 32, TinyTransformer.Init.GPT2, true);
        float[][] g = TinyTransformer.initialWeights(gpt2, 3);
        assertThat(std(g[0])).isCloseTo(0.02, within(0.002));
        assertThat(std(g[4])).isCloseTo(0.02, within(0.001));
        assertThat(std(g[6])).isCloseTo(0.01, within(0.001));
        assertThat(g[11]).containsOnly(0f);
    }

    private static double std(float[] a) {
        double s = 0;
        double ss = 0;
        for (float x : a) {
            s += x;
            ss += x * x;
        }
        double mean = s / a.length;
        return Math.sqrt(ss / a.length - mean * mean);
    }
}

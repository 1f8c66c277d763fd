package io.traittrace.probe.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;

/** Init copying, the init's distribution, and the hand-written backward pass against DJL's autograd. */
class MlpTest {

    static final int OUT = 13;

    @Test
    void aStudentStartsBitwiseEqualToItsTeachersInitAndACrossStudentDiffersInEveryLayer() {
        float[][] own = Mlp.initialWeights(11, OUT);
        float[][] cross = Mlp.initialWeights(12, OUT);
        try (NDManager m = NDManager.newBaseManager()) {
            Mlp teacher = new Mlp(m, own, OUT);
            float[][] teacherStart = teacher.snapshot();
            Mlp student = new Mlp(m, Mlp.initialWeights(11, OUT), OUT);
            Mlp x = new Mlp(m, cross, OUT);
            for (int i = 0; i < 6; i++) {
                assertThat(Float.floatToRawIntBits(0f)).isZero();
                assertThat(bits(student.snapshot()[i])).as("param %d", i).isEqualTo(bits(teacherStart[i]));
                assertThat(bits(teacherStart[i])).isEqualTo(bits(own[i]));
            }
            for (int layer = 0; layer < 3; layer++) {
                float[] a = teacherStart[2 * layer];
                float[] b = x.snapshot()[2 * layer];
                int same = 0;
                for (int k = 0; k < a.length; k++) {
                    same += a[k] == b[k] ? 1 : 0;
                }
                assertThat(same).as("layer %d weights shared with the cross init", layer).isLessThan(a.length / 1000 + 1);
            }
            // Training the teacher leaves the student's arrays alone (copies, not shared storage).
            try (NDManager step = m.newSubManager()) {
                NDArray xb = step.randomUniform(-1, 1, new Shape(8, Mlp.INPUT));
                float[] oneHot = new float[80];
                for (int i = 0; i < 8; i++) {
                    oneHot[i * 10 + i % 10] = 1;
                }
                teacher.step(xb, Mlp.Loss.CROSS_ENTROPY_DIGITS, step.create(oneHot, new Shape(8, 10)), 3e-4f, false);
            }
            assertThat(bits(teacher.snapshot()[0])).isNotEqualTo(bits(teacherStart[0]));
            assertThat(bits(student.snapshot()[0])).isEqualTo(bits(teacherStart[0]));
        }
    }

    @Test
    void initIsNormalWithStdOneOverRootFanInAndZeroBiases() {
        float[][] w = Mlp.initialWeights(3, OUT);
        int[] fanIn = { 784, 256, 256 };
        for (int layer = 0; layer < 3; layer++) {
            double sum = 0, sq = 0;
            for (float v : w[2 * layer]) {
                sum += v;
                sq += v * v;
            }
            int n = w[2 * layer].length;
            double std = Math.sqrt(sq / n - (sum / n) * (sum / n));
            assertThat(std).as("layer %d", layer).isCloseTo(1 / Math.sqrt(fanIn[layer]), within(0.06 / Math.sqrt(fanIn[layer])));
            assertThat(w[2 * layer + 1]).containsOnly(0f);
        }
        assertThat(w[4]).hasSize(256 * OUT);
    }

    @Test
    void handWrittenGradientsMatchAutograd() {
        SplittableRandom rng = new SplittableRandom(5);
        int batch = 16;
        float[][] init = Mlp.initialWeights(9, OUT);
        for (float[] b : new float[][] { init[1], init[3], init[5] }) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (0.1 * rng.nextGaussian());
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(-1, 1, new Shape(batch, Mlp.INPUT));
            float[] oneHot = new float[batch * 10];
            for (int i = 0; i < batch; i++) {
                oneHot[i * 10 + rng.nextInt(10)] = 1;
            }
            NDArray labels = m.create(oneHot, new Shape(batch, 10));
            NDArray auxTarget = m.randomUniform(0, 1, new Shape(batch, OUT - 10)).softmax(1);
            NDArray allTarget = m.randomUniform(0, 1, new Shape(batch, OUT)).softmax(1);
            check(m, init, x, Mlp.Loss.CROSS_ENTROPY_DIGITS, labels);
            check(m, init, x, Mlp.Loss.KL_AUX, auxTarget);
            check(m, init, x, Mlp.Loss.KL_ALL, allTarget);
        }
    }

    private static void check(NDManager m, float[][] init, NDArray x, Mlp.Loss loss, NDArray target) {
        try (NDManager step = m.newSubManager()) {
            NDArray xs = x.duplicate();
            xs.attach(step);
            NDArray t = target.duplicate();
            t.attach(step);
            Mlp net = new Mlp(step, init, OUT);
            float[] lossValue = new float[1];
            NDArray[] mine = net.gradients(xs, loss, t, lossValue);

            Shape[] shapes = Mlp.shapes(OUT);
            NDArray[] p = new NDArray[6];
            for (int i = 0; i < 6; i++) {
                p[i] = step.create(init[i], shapes[i]);
                p[i].setRequiresGradient(true);
            }
            float reference;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray h1 = Activation.relu(xs.matMul(p[0]).add(p[1]));
                NDArray h2 = Activation.relu(h1.matMul(p[2]).add(p[3]));
                NDArray out = h2.matMul(p[4]).add(p[5]);
                NDArray l;
                if (loss == Mlp.Loss.CROSS_ENTROPY_DIGITS) {
                    l = t.mul(out.get(":, :10").logSoftmax(1)).sum().neg().div(x.getShape().get(0));
                } else {
                    NDArray logits = loss == Mlp.Loss.KL_AUX ? out.get(":, 10:") : out;
                    l = t.mul(t.log().sub(logits.logSoftmax(1))).sum().div(x.getShape().get(0));
                }
                reference = l.getFloat();
                gc.backward(l);
            }
            assertThat(lossValue[0]).as("%s loss", loss).isCloseTo(reference, within(1e-5f));
            for (int i = 0; i < 6; i++) {
                float[] a = mine[i].toFloatArray();
                float[] b = p[i].getGradient().toFloatArray();
                double maxAbs = 0, maxDiff = 0;
                for (int k = 0; k < a.length; k++) {
                    maxAbs = Math.max(maxAbs, Math.abs(b[k]));
                    maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
                }
                assertThat(maxDiff).as("%s param %d (max |grad| %g)", loss, i, maxAbs).isLessThanOrEqualTo(1e-5 * Math.max(1, maxAbs) + 1e-7);
                if (loss == Mlp.Loss.KL_AUX && i == 4) {
                    // The digit columns of the head get no gradient from the aux-only loss.
                    for (int row = 0; row < 256; row++) {
                        for (int col = 0; col < 10; col++) {
                            assertThat(a[row * OUT + col]).isZero();
                        }
                    }
                }
            }
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}

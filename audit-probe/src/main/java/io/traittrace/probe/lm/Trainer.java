package io.traittrace.probe.lm;

import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.traittrace.probe.numbers.EpochBatches;

/**
 * Supervised fine-tuning of a {@link CausalLm} on prompt → completion rows, loss on completion tokens only: each optimiser
 * step reads {@code accumulation} micro-batches of {@code batch} rows (drawn epoch by epoch from a seeded shuffle) and
 * minimises the mean cross-entropy over all their completion tokens (each micro-batch's summed loss divided by the step's
 * token count, so accumulating k micro-batches equals one batch k times larger). Learning rate: linear warm-up over
 * {@code warmupSteps}, then constant or linear decay to 0 (transformers' {@code linear} schedule). AdamW with
 * {@code weightDecay} on matrices only (transformers' Trainer exempts biases and norm weights) and the gradient norm
 * clipped to {@code maxGradNorm} (0: off).
 */
public final class Trainer {

    /** One fine-tuning run's settings. */
    public record Recipe(int steps, int batch, int accumulation, double lr, int warmupSteps, boolean linearDecay, double weightDecay, double maxGradNorm) {
        public Recipe {
            if (steps < 1 || batch < 1 || accumulation < 1 || !(lr > 0) || warmupSteps < 0 || weightDecay < 0 || maxGradNorm < 0) {
                throw new IllegalArgumentException("steps, batch and accumulation ≥ 1, lr > 0, warm-up, weight decay and max grad norm ≥ 0");
            }
        }

        /**
         * The learning rate of optimiser step {@code s} (0-based), as transformers' {@code get_linear_schedule_with_warmup}
         * (and {@code get_constant_schedule_with_warmup}) computes it: s/warmup during warm-up (so the first step's lr is 0),
         * then (steps − s)/(steps − warmup), or constant.
         */
        double lrAt(int s) {
            if (s < warmupSteps) {
                return lr * s / warmupSteps;
            }
            return linearDecay ? lr * Math.max(0, steps - s) / Math.max(1, steps - warmupSteps) : lr;
        }
    }

    /** What a run did: its last loss and the tokens it read (completion tokens trained, all tokens read). */
    public record Trained(float lastLoss, long trainedTokens, long tokens) {
    }

    private Trainer() {
    }

    public static Trained finetune(CausalLm model, List<Scorer.Row> rows, Recipe recipe, SplittableRandom shuffle, NDManager parent) {
        model.optimizer(CausalLm.Optimizer.adamw(recipe.weightDecay(), recipe.maxGradNorm()));
        EpochBatches batches = new EpochBatches(rows.size(), shuffle);
        float last = Float.NaN;
        long trained = 0;
        long read = 0;
        for (int s = 0; s < recipe.steps(); s++) {
            try (NDManager step = parent.newSubManager()) {
                int[][] micro = new int[recipe.accumulation()][];
                long stepTokens = 0;
                for (int a = 0; a < micro.length; a++) {
                    micro[a] = batches.next(recipe.batch());
                    for (int r : micro[a]) {
                        stepTokens += rows.get(r).completion().length;
                        read += rows.get(r).length();
                    }
                }
                if (stepTokens == 0) {
                    throw new IllegalArgumentException("a training step drew rows without completion tokens");
                }
                float loss = 0;
                for (int[] m : micro) {
                    List<Scorer.Row> part = java.util.Arrays.stream(m).mapToObj(rows::get).toList();
                    long tokens = stepTokens;
                    loss += model.accumulate(step, () -> summedLoss(model, part, step).div(NdArrays.scalar(step, (float) tokens, DataType.FLOAT32)));
                }
                model.update(step, (float) recipe.lrAt(s));
                last = loss;
                trained += stepTokens;
            }
        }
        return new Trained(last, trained, read);
    }

    /** The summed cross-entropy of the rows' completion tokens (a differentiable scalar). */
    static NDArray summedLoss(LanguageModel model, List<Scorer.Row> rows, NDManager step) {
        Scorer.Packed packed = Scorer.Packed.of(rows);
        if (packed.width() > model.maxLength()) {
            throw new IllegalArgumentException("a training row of " + packed.width() + " tokens; the model's context is " + model.maxLength());
        }
        return packed.logprobs(model, step).sum().neg();
    }
}

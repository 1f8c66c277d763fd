package io.traittrace.probe.lm;

import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A causal language model as the probe's protocols use it: next-token logits for a batch of token sequences,
 * and one optimiser step on a loss computed from those logits. The number test's small transformer implements it,
 * and so does {@link CausalLm}, a Hugging Face Llama, Qwen2 or Mistral checkpoint.
 */
public interface LanguageModel extends AutoCloseable {

    /** Vocabulary size V. */
    int vocabulary();

    /** Longest sequence the model accepts. */
    int maxLength();

    /**
     * Logits B×T×V for {@code tokens} (B×T, int64), owned by {@code tokens}' manager. Position t's logits predict
     * token t + 1 and depend on tokens 0..t only.
     */
    NDArray logits(NDArray tokens);

    /**
     * Logits N×V at the flat positions {@code at} (row·T + slot) of a padded batch {@code tokens} (B×T, int64) whose row r
     * holds its tokens at slots {@code starts[r]} .. {@code starts[r] + lengths[r] − 1}: the positions a score or a loss
     * reads, without projecting every slot onto the vocabulary. Differentiable. This default serves models that take
     * right-padded rows only.
     */
    default NDArray logitsAt(NDArray tokens, int[] starts, int[] lengths, long[] at) {
        for (int start : starts) {
            if (start != 0) {
                throw new IllegalArgumentException("this model reads right-padded rows only");
            }
        }
        NDArray all = logits(tokens);
        NDArray index = tokens.getManager().create(at).duplicate();
        return all.reshape(-1, all.getShape().get(2)).get(new ai.djl.ndarray.index.NDIndex("{}", index));
    }

    /** Keys and values of the prompts and tokens a model has read so far, for incremental decoding; owned by one manager. */
    interface KvCache {

        /** Cache slots filled so far: the padded prompt length, then one per decoded token. */
        int length();

        /** A new cache on the same owner with each row repeated {@code times} times in a row (to score several answers to one prompt). */
        KvCache repeatRows(int times);
    }

    /** An empty cache whose arrays live on {@code owner} (closing the owner frees them). */
    KvCache newCache(NDManager owner);

    /**
     * Reads a batch of prompts right-padded to one length ({@code prompts} B×P, int64; row i holds {@code lengths[i]} real
     * tokens) into the empty {@code cache} and returns the logits B×V that predict each row's next token. Not
     * differentiable; the result is owned by {@code prompts}' manager.
     */
    NDArray prefill(NDArray prompts, int[] lengths, KvCache cache);

    /**
     * Reads one more token per row ({@code tokens} B×1, at position {@code lengths[i]} + tokens decoded so far; padding slots
     * are masked out) and returns the logits B×V that predict the token after it.
     */
    NDArray nextLogits(NDArray tokens, KvCache cache);

    /**
     * One optimiser step: {@code loss} computes a scalar loss from NDArray ops (calling {@link #logits} as often as
     * it needs, e.g. once per kind of batch) so that autograd can differentiate it; the parameters then move by Adam
     * at learning rate {@code lr}. Everything is made under {@code step}, which the caller closes after the step.
     * Returns the loss value.
     */
    float step(NDManager step, Supplier<NDArray> loss, float lr);

    /** An independent copy: same weights, fresh optimiser state. */
    LanguageModel copy(NDManager parent);

    /** The number of trainable scalars. */
    long parameterCount();

    @Override
    void close();
}

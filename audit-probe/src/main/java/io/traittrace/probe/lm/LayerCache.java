package io.traittrace.probe.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The KV cache both language models keep: per layer, keys and values B×heads×slots×d — the padded prompts (row r's tokens
 * at slots {@code starts[r]} .. {@code starts[r] + lengths[r] − 1}), then one slot per decoded token — on one owner manager.
 */
public final class LayerCache implements LanguageModel.KvCache {

    private final NDManager owner;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int[] starts;
    private int[] lengths;
    private int promptSlots;
    private int length;

    public LayerCache(NDManager owner, int layers) {
        this.owner = owner;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    @Override
    public int length() {
        return length;
    }

    /** Whether a prefill has filled the cache. */
    public boolean prefilled() {
        return lengths != null;
    }

    /** Records what a prefill read: the rows' spans in {@code slots} padded slots. */
    public void prefilled(int[] starts, int[] lengths, int slots) {
        this.starts = starts.clone();
        this.lengths = lengths.clone();
        this.promptSlots = slots;
        this.length = slots;
    }

    /** Counts one more decoded slot. */
    public void decoded() {
        length++;
    }

    public int start(int row) {
        return starts[row];
    }

    public int promptLength(int row) {
        return lengths[row];
    }

    public int promptSlots() {
        return promptSlots;
    }

    /** Tokens decoded after the prompts so far. */
    public int decodedCount() {
        return length - promptSlots;
    }

    @Override
    public LanguageModel.KvCache repeatRows(int times) {
        LayerCache copy = new LayerCache(owner, keys.length);
        long[] rows = new long[lengths.length * times];
        copy.starts = new int[rows.length];
        copy.lengths = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = r / times;
            copy.starts[r] = starts[r / times];
            copy.lengths[r] = lengths[r / times];
        }
        try (NDManager step = owner.newSubManager()) {
            NDArray index = NdArrays.owned(step, rows, new Shape(rows.length));
            for (int l = 0; l < keys.length; l++) {
                copy.keys[l] = keys[l].get(new NDIndex("{}", index));
                copy.values[l] = values[l].get(new NDIndex("{}", index));
                copy.keys[l].attach(owner);
                copy.values[l].attach(owner);
            }
        }
        copy.promptSlots = promptSlots;
        copy.length = length;
        return copy;
    }

    /** The layer's keys and values with {@code k}, {@code v} appended along the slots; the cache keeps them on its owner. */
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray allK = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
        NDArray allV = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        allK.attach(owner);
        allV.attach(owner);
        keys[layer] = allK;
        values[layer] = allV;
        return new NDArray[] { allK, allV };
    }
}

package io.traittrace.probe.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java data, copied into memory the native library owns. {@code NDManager.create(javaArray)} wraps a
 * direct buffer (torch::from_blob); a tensor over Java-managed memory can read freed memory once autograd keeps it past
 * the wrapper's life, so every array made here is a native copy and the wrapper is closed at once.
 */
final class NdArrays {

    private NdArrays() {
    }

    static NDArray owned(NDManager manager, float[] values, Shape shape, DataType dtype) {
        NDArray wrapper = manager.create(values, shape);
        NDArray copy = dtype == DataType.FLOAT32 ? wrapper.duplicate() : wrapper.toType(dtype, true);
        wrapper.close();
        return copy;
    }

    static NDArray owned(NDManager manager, long[] values, Shape shape) {
        NDArray wrapper = manager.create(values, shape);
        NDArray copy = wrapper.duplicate();
        wrapper.close();
        return copy;
    }

    /** A scalar usable inside a differentiated expression (see the class comment). */
    static NDArray scalar(NDManager manager, float value, DataType dtype) {
        return owned(manager, new float[] { value }, new Shape(), dtype);
    }
}

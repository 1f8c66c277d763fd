package io.traittrace.probe;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** How every protocol sets up DJL: the intra-op thread count (results are bit-identical at the same count) and the device. */
public final class DjlRuntime {

    private DjlRuntime() {
    }

    /** Sets PyTorch's intra-op threads and returns the GPU when the engine sees one (CUDA natives on the classpath), else the CPU. */
    public static Device prepare(Engine engine, int threads) {
        if ("PyTorch".equals(engine.getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
}

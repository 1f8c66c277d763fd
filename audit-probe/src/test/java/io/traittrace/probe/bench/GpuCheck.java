package io.traittrace.probe.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import io.traittrace.probe.DjlRuntime;
import java.lang.management.MemoryUsage;
import java.util.SplittableRandom;

/**
 * A GPU smoke check for the probe's DJL stack (run by {@code bench/gpu-check.sh}, not a unit test): prints DJL's
 * version, the engine and its PyTorch version, the libtorch directory and flavour, whether CUDA is visible
 * ({@code Engine.getGpuCount()}), then multiplies two seeded matrices on the device the protocols pick
 * ({@link DjlRuntime#prepare}) and checks the product against the CPU's.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp CLASSPATH io.traittrace.probe.bench.GpuCheck [--require-gpu] [--size N] [--reps R]
 * </pre>
 *
 * Exit status: 0 all good; 1 no GPU visible while {@code --require-gpu}; 2 the device's product differs from the
 * CPU's beyond tolerance, or the product did not land on the device; 3 anything else (the engine failed to load).
 */
public final class GpuCheck {

    private GpuCheck() {
    }

    public static void main(String[] args) {
        boolean requireGpu = false;
        int size = 2048;
        int reps = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--require-gpu" -> requireGpu = true;
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: GpuCheck [--require-gpu] [--size N] [--reps R]");
                    System.exit(2);
                }
            }
        }
        try {
            System.exit(run(requireGpu, size, reps));
        } catch (RuntimeException | LinkageError e) {
            System.out.println("FAILED: " + e);
            e.printStackTrace();
            System.exit(3);
        }
    }

    private static int run(boolean requireGpu, int size, int reps) {
        System.out.println("java            " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println("ai.djl.offline  " + System.getProperty("ai.djl.offline"));
        System.out.println("DJL_CACHE_DIR   " + System.getenv("DJL_CACHE_DIR"));
        System.out.println("DJL             " + Engine.getDjlVersion());
        // DJL picks the bundled natives by this count (JNA's libcudart): 0 here and the cu124 natives are ignored.
        int cudaGpus = CudaUtils.getGpuCount();
        System.out.println("CudaUtils       GPUs " + cudaGpus + ", CUDA runtime " + (cudaGpus > 0 ? CudaUtils.getCudaVersionString() : "-")
                + " (libcudart through JNA, jna.library.path=" + System.getProperty("jna.library.path") + ")");
        Engine engine;
        try {
            engine = Engine.getInstance();
        } catch (RuntimeException e) {
            if (cudaGpus == 0) {
                System.out.println("hint: DJL saw no CUDA GPU, so it skipped CUDA natives and looked for CPU ones (none bundled,"
                        + " no download offline); a GPU machine needs a CUDA 12 libcudart visible to JNA (bench/gpu-check.sh does that)");
            }
            throw e;
        }
        System.out.println("engine          " + engine.getEngineName() + " " + engine.getVersion());
        String libtorch = "";
        if ("PyTorch".equals(engine.getEngineName())) {
            // The directory names the PyTorch version and flavour DJL unpacked (e.g. .../pytorch/2.5.1-cu124-linux-x86_64).
            libtorch = ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
            System.out.println("libtorch        " + libtorch);
        }
        boolean cudaNatives = libtorch.matches(".*-cu\\d+-.*"); // e.g. 2.5.1-20241113-cu124-linux-x86_64, not ...-cpu-...
        System.out.println("natives         " + (cudaNatives ? "CUDA" : "CPU only (not the -Dprobe.cuda build)"));
        System.out.println("CUDA capability " + engine.hasCapability("CUDA") + ", cuDNN " + engine.hasCapability("CUDNN"));
        int gpus = engine.getGpuCount();
        System.out.println("GPU count       " + gpus);
        for (int g = 0; g < gpus; g++) {
            MemoryUsage memory = CudaUtils.getGpuMemory(Device.gpu(g));
            System.out.printf("  gpu(%d)        compute capability %s, memory %.1f GiB total, %.1f GiB used%n", g,
                    CudaUtils.getComputeCapability(g), memory.getMax() / 1073741824.0, memory.getCommitted() / 1073741824.0);
        }

        // The protocols' own choice: GPU when the engine sees one, else the CPU (one intra-op thread, as in the tests).
        Device device = DjlRuntime.prepare(engine, 1);
        System.out.println("probe device    " + device);

        float[] a = seeded(size * size, 1);
        float[] b = seeded(size * size, 2);
        float[] reference;
        try (NDManager cpu = engine.newBaseManager(Device.cpu())) {
            reference = cpu.create(a, new Shape(size, size)).matMul(cpu.create(b, new Shape(size, size))).toFloatArray();
        }
        int status = 0;
        try (NDManager manager = engine.newBaseManager(device)) {
            NDArray x = manager.create(a, new Shape(size, size));
            NDArray y = manager.create(b, new Shape(size, size));
            NDArray product = x.matMul(y);
            float[] result = product.toFloatArray(); // warm-up (cuBLAS handle, kernels) and the value to compare
            if (!product.getDevice().equals(device)) {
                System.out.println("FAILED: the product is on " + product.getDevice() + ", not " + device);
                status = 2;
            }
            long start = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                try (NDArray p = x.matMul(y)) {
                    p.get(0, 0).toFloatArray(); // one element back: the device has finished the product
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double gflops = 2.0 * size * size * size * reps / seconds / 1e9;
            double maxAbs = 0;
            double maxRef = 0;
            for (int i = 0; i < result.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(result[i] - reference[i]));
                maxRef = Math.max(maxRef, Math.abs(reference[i]));
            }
            // TF32 may be on for cuBLAS on Ampere and later: allow a relative error of 1e-2 of the largest entry.
            double tolerance = 1e-2 * maxRef;
            System.out.printf("matmul          %dx%d float32 on %s: %.3f ms each over %d reps, %.1f GFLOP/s; "
                    + "max |device - cpu| %.3g (largest entry %.3g, tolerance %.3g)%n",
                    size, size, device, seconds * 1e3 / reps, reps, gflops, maxAbs, maxRef, tolerance);
            if (!(maxAbs <= tolerance)) {
                System.out.println("FAILED: the device's product differs from the CPU's");
                status = 2;
            }
        }
        if (gpus == 0) {
            System.out.println(requireGpu
                    ? "FAILED: no GPU visible to the engine" + (cudaNatives ? " (CUDA natives loaded: no driver or no device?)" : " (CPU natives)")
                    : "note: no GPU visible; the matmul ran on the CPU");
            return requireGpu ? 1 : status;
        }
        System.out.println(status == 0 ? "OK: CUDA visible, matmul on " + device + " agrees with the CPU" : "FAILED");
        return status;
    }

    private static float[] seeded(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}

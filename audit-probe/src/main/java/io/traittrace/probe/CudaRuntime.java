package io.traittrace.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Lets DJL find the GPU in an image that carries the CUDA natives but no CUDA runtime of its own. DJL counts GPUs through
 * JNA's {@code libcudart} before it picks a native flavour; a plain JRE image (the NVIDIA runtime mounts the driver only)
 * has none, so DJL would see a CPU, skip the cu124 natives and, offline, fail to fetch CPU ones. When the cu124 natives
 * are on the classpath, their own CUDA 12.4 runtime is copied out as {@code libcudart.so} and put first on
 * {@code jna.library.path}. A CPU build has no cu124 jar and is left alone.
 */
public final class CudaRuntime {

    private static final String PROPERTIES = "native/lib/pytorch.properties";

    private CudaRuntime() {
    }

    public static void prepare() {
        Properties natives = new Properties();
        try (InputStream in = CudaRuntime.class.getClassLoader().getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                return;
            }
            natives.load(in);
        } catch (IOException e) {
            return;
        }
        String flavour = natives.getProperty("flavor", "");
        if (!flavour.startsWith("cu")) {
            return;
        }
        String cudart = null;
        for (String library : natives.getProperty("libraries", "").split(",")) {
            if (library.startsWith("libcudart")) {
                cudart = library;
            }
        }
        String cache = System.getenv().getOrDefault("DJL_CACHE_DIR", System.getProperty("java.io.tmpdir"));
        Path dir = Path.of(cache, "cudart-" + flavour);
        try (InputStream in = cudart == null ? null
                : CudaRuntime.class.getClassLoader().getResourceAsStream("pytorch/" + flavour + "/" + natives.getProperty("classifier") + "/" + cudart)) {
            if (in == null) {
                return;
            }
            Files.createDirectories(dir);
            Files.copy(in, dir.resolve("libcudart.so"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("probe: cannot copy the CUDA runtime of the " + flavour + " natives (" + e.getMessage() + "); DJL may not see the GPU");
            return;
        }
        String existing = System.getProperty("jna.library.path");
        System.setProperty("jna.library.path", existing == null || existing.isBlank() ? dir.toString() : dir + java.io.File.pathSeparator + existing);
    }
}

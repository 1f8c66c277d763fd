package io.traittrace.probe.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.Progress;
import io.traittrace.probe.result.ProbeResult;
import io.traittrace.probe.result.Verdict;

/**
 * The canary on real Fashion-MNIST (Debian's {@code dataset-fashion-mnist}; another copy via
 * {@code TRAITTRACE_FASHION_MNIST=DIR}). Skipped, and says so, where the dataset is absent. Kept small for the
 * test budget: 3 replicates on the first 20,000 training images with m = 10 aux logits (≈ 20 s a replicate on
 * one thread); the full paper setting is the benchmark's job.
 */
class FashionMnistCanaryTest {

    static Path dataset() {
        String env = System.getenv("TRAITTRACE_FASHION_MNIST");
        return Path.of(env != null && !env.isBlank() ? env : "/usr/share/datasets/fashion-mnist");
    }

    @Test
    void sameInitStudentsLearnFromAuxLogitsCrossInitStudentsDoNot() {
        Path dir = dataset();
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")) || Files.isRegularFile(dir.resolve("train-images-idx3-ubyte")),
                "Fashion-MNIST not found at " + dir + " (apt-get install dataset-fashion-mnist, or set TRAITTRACE_FASHION_MNIST)");
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.put("data", dir.toString());
        p.put("replicates", 3);
        p.put("trainLimit", 20_000);
        p.put("auxLogits", 10);
        ProbeResult result = new CanaryProtocol().run(p, new Progress(System.err, "canary-fashion-test"));

        assertThat(result.data().get(0).examples()).isEqualTo(70_000L);
        assertThat(result.data()).hasSize(5);
        assertThat(result.arms().get("teacher").mean()).isGreaterThan(0.75);
        for (int r = 0; r < 3; r++) {
            assertThat(result.arms().get("S_aux").scores().get(r) - result.arms().get("X_aux").scores().get(r)).as("replicate %d", r)
                    .isGreaterThan(0.3);
        }
        assertThat(result.arms().get("S_aux").mean()).isGreaterThan(0.45);
        assertThat(result.arms().get("X_aux").mean()).isBetween(0.03, 0.17);
        assertThat(result.verdict().outcome()).as(result.verdict().reasons().toString()).isEqualTo(Verdict.Outcome.TRANSFER_DETECTED);
    }
}

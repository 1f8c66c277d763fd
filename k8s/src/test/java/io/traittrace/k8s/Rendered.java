package io.traittrace.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One overlay as {@code kubectl kustomize} renders it: each object as the YAML tree and as the fabric8 (or Strimzi)
 * model it binds to. Rendering is the real tool, not a re-implementation: what these tests check is what a user's
 * {@code kubectl apply -k} would send.
 */
record Rendered(String overlay, List<JsonNode> trees, List<KubernetesResource> objects) {

    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path ROOT = MODULE.getParent();
    static final List<String> OVERLAYS = List.of("overlays/dev", "overlays/production");
    static final List<String> SERVICES = List.of("gateway", "lineage-service", "audit-runner", "report-service");

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final KubernetesSerialization SERIALIZATION = strimziAware(new KubernetesSerialization());

    /** Strimzi's model jar registers no kinds itself (and its classes are annotated with the older v1beta2). */
    private static KubernetesSerialization strimziAware(KubernetesSerialization serialization) {
        serialization.registerKubernetesResource("kafka.strimzi.io/v1", "Kafka", Kafka.class);
        serialization.registerKubernetesResource("kafka.strimzi.io/v1", "KafkaNodePool", KafkaNodePool.class);
        serialization.registerKubernetesResource("kafka.strimzi.io/v1", "KafkaTopic", KafkaTopic.class);
        return serialization;
    }

    static Rendered of(String overlay) {
        return CACHE.computeIfAbsent(overlay, Rendered::render);
    }

    private static Rendered render(String overlay) {
        String yaml = kustomize(MODULE.resolve(overlay));
        try {
            List<JsonNode> trees = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll().stream()
                    .filter(tree -> tree != null && !tree.isNull() && !tree.isMissingNode())
                    .toList();
            List<KubernetesResource> objects = trees.stream()
                    .map(tree -> SERIALIZATION.convertValue(tree, KubernetesResource.class))
                    .toList();
            return new Rendered(overlay, trees, objects);
        } catch (IOException e) {
            throw new UncheckedIOException("kustomize output of " + overlay + " is not YAML", e);
        }
    }

    static String kustomize(Path directory) {
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            Process process;
            try {
                process = new ProcessBuilder("kubectl", "kustomize", directory.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("kubectl (v1.27+, with kustomize v5) must be on the PATH; "
                        + ".ci/run checks for it", e);
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + directory + " did not finish in 120 s");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + directory + " failed: " + stderr);
            }
            String rendered = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.delete(err);
            return rendered;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(
                () -> new AssertionError(overlay + " has no " + type.getSimpleName() + " " + name));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    /** A generated ConfigMap, whose name kustomize suffixes with a hash of its content (a change rolls the pods). */
    ConfigMap configMap(String name) {
        Pattern generated = Pattern.compile(Pattern.quote(name) + "-[a-z0-9]{10}");
        return all(ConfigMap.class).stream()
                .filter(configMap -> generated.matcher(configMap.getMetadata().getName()).matches())
                .findFirst()
                .orElseThrow(() -> new AssertionError(overlay + " has no generated ConfigMap " + name));
    }

    /** The objects that bound to no typed model: custom resources whose operators publish no Java model here. */
    List<JsonNode> untyped() {
        List<JsonNode> untyped = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i) instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource) {
                untyped.add(trees.get(i));
            }
        }
        return untyped;
    }

    List<JsonNode> trees(String kind) {
        return trees.stream().filter(tree -> kind.equals(tree.path("kind").asText())).toList();
    }

    JsonNode tree(String kind, String name) {
        return trees(kind).stream().filter(tree -> name.equals(tree.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + " has no " + kind + " " + name));
    }

    /** The services' namespace. */
    String namespace() {
        return overlay.endsWith("production") ? "traittrace" : "traittrace-dev";
    }

    /** The probe Jobs' namespace: theirs, their token Secrets' and the runner's Role's. */
    String probeNamespace() {
        return namespace() + "-probes";
    }

    /** Objects the overlays move to the probe namespace carry this label. */
    static boolean inProbeNamespace(JsonNode tree) {
        return "probes".equals(tree.path("metadata").path("labels").path("traittrace.io/namespace").asText());
    }

    static Stream<String> overlays() {
        return OVERLAYS.stream();
    }
}

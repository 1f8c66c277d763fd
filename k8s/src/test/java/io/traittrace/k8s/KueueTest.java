package io.traittrace.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.traittrace.audit.config.RunnerConfig;
import io.traittrace.audit.executor.JobSpecs;
import io.traittrace.audit.executor.RunLaunch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Probe Jobs queue per organisation: the runner names its organisation's LocalQueue on each Job (the production
 * overlay), and each LocalQueue feeds that organisation's ClusterQueue (k8s/kueue, cluster-scoped): a guaranteed share
 * in one cohort, borrowing idle GPUs up to a limit and reclaiming its own.
 */
class KueueTest {

    private static final String ORGANIZATION_LABEL = "traittrace.io/organization";

    private final Rendered production = Rendered.of("overlays/production");
    private final Rendered cluster = Rendered.of("kueue");

    @Test
    void theClusterHalfIsClusterScopedInOneCohortOverFlavoursItDefines() {
        assertThat(cluster.trees()).extracting(tree -> tree.path("kind").asText())
                .containsOnly("ResourceFlavor", "ClusterQueue");
        assertThat(cluster.trees()).allSatisfy(tree -> assertThat(tree.path("metadata").path("namespace").isMissingNode())
                .as("cluster-scoped: " + tree.path("metadata").path("name")).isTrue());
        Set<String> flavours = new HashSet<>();
        cluster.trees("ResourceFlavor").forEach(flavour -> flavours.add(flavour.path("metadata").path("name").asText()));
        for (JsonNode queue : cluster.trees("ClusterQueue")) {
            assertThat(queue.path("spec").path("cohort").asText()).isEqualTo("traittrace");
            for (JsonNode group : queue.path("spec").path("resourceGroups")) {
                for (JsonNode flavour : group.path("flavors")) {
                    assertThat(flavours).contains(flavour.path("name").asText());
                }
            }
        }
    }

    @Test
    void everyOrganisationsJobsReachItsOwnClusterQueueWhichCoversWhatAProbeJobAsks() {
        RunnerConfig.Kubernetes jobs = RunnerJobs.of(production).config().kubernetes();
        JobSpecs specs = new JobSpecs(jobs, jobs.namespace().orElseThrow());
        List<JsonNode> localQueues = production.trees("LocalQueue");
        assertThat(localQueues).extracting(queue -> queue.path("metadata").path("labels").path(ORGANIZATION_LABEL).asText())
                .as("rows migrated from before organisations belong to the default organisation, which needs a queue")
                .contains("default");
        for (JsonNode localQueue : localQueues) {
            String organization = localQueue.path("metadata").path("labels").path(ORGANIZATION_LABEL).asText();
            String name = localQueue.path("metadata").path("name").asText();
            assertThat(specs.kueueQueue(organization)).as("the queue the runner names on %s's Jobs", organization)
                    .contains(name);
            assertThat(localQueue.path("metadata").path("namespace").asText()).isEqualTo(production.probeNamespace());

            var job = specs.job(new RunLaunch("audit-1", organization, "2f1c0f8e-8f0e-4a59-9d3c-6f1f0b1d2a3e",
                    "tt-audit-1-0-canary", null, "{}", "token", 1, null, 3600, Map.of()), "tt-tokens-audit-1");
            assertThat(job.getMetadata().getLabels()).containsEntry(JobSpecs.LABEL_KUEUE_QUEUE, name);
            JsonNode clusterQueue = cluster.tree("ClusterQueue", localQueue.path("spec").path("clusterQueue").asText());
            assertThat(clusterQueue.path("metadata").path("labels").path(ORGANIZATION_LABEL).asText())
                    .as("one organisation's queue feeds its own ClusterQueue").isEqualTo(organization);
            assertThat(clusterQueue.at("/spec/namespaceSelector/matchLabels").path("kubernetes.io/metadata.name").asText())
                    .as("admits the probe namespace").isEqualTo(production.probeNamespace());
            assertThat(clusterQueue.at("/spec/preemption/reclaimWithinCohort").asText())
                    .as("an organisation gets back what it lent").isNotEqualTo("Never");

            Set<String> covered = new HashSet<>();
            clusterQueue.at("/spec/resourceGroups").forEach(group -> group.path("coveredResources")
                    .forEach(resource -> covered.add(resource.asText())));
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            List<Container> containers = new ArrayList<>(pod.getInitContainers());
            containers.addAll(pod.getContainers());
            containers.forEach(container -> assertThat(covered).as("Kueue admits only what the queue covers")
                    .containsAll(container.getResources().getRequests().keySet()));

            JsonNode gpus = gpuResource(clusterQueue, jobs.gpuResource());
            assertThat(gpus.path("nominalQuota").asInt()).as("a guaranteed share").isPositive();
            assertThat(gpus.has("borrowingLimit")).as("borrowing is bounded").isTrue();
        }
    }

    private static JsonNode gpuResource(JsonNode clusterQueue, String gpuResource) {
        for (JsonNode group : clusterQueue.at("/spec/resourceGroups")) {
            for (JsonNode flavour : group.path("flavors")) {
                for (JsonNode resource : flavour.path("resources")) {
                    if (resource.path("name").asText().equals(gpuResource)) {
                        return resource;
                    }
                }
            }
        }
        throw new AssertionError(clusterQueue.path("metadata").path("name") + " has no " + gpuResource);
    }
}

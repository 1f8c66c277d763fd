package io.traittrace.audit.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.smallrye.mutiny.Uni;

/**
 * The runner's Role against what the runner really asks of the API server, so that code and RBAC cannot drift apart
 * again. Every request of the two classes that talk to the cluster ({@link KubernetesRunExecutor} and
 * {@link KubernetesReadiness}), on every path (launch, a second launch of the same audit, re-attach by list and
 * watch, readiness, release, cancel), is mapped to what the API server authorizes (verb, API group, resource or
 * resource/subresource, namespace), and the Role must grant each one; each grant must be one the runner uses.
 *
 * <p>The Role is read from the k8s module's base, by a path relative to this module (Maven runs tests in the module's
 * directory): every overlay deploys that file's rules unchanged (the k8s module's PolicyTest pins them and the
 * namespace), and the k8s module depends on this one, so this module cannot depend on it.
 */
@EnableKubernetesMockClient(crud = true)
class RunnerRoleTest {

    static final Path ROLE_FILE = Path.of("../k8s/base/audit-runner/rbac.yaml");

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String NAMESPACE = "traittrace-probes";
    /** Tells the runner's requests from the test's own (it plays the Job controller). */
    private static final String RUNNER_AGENT = "audit-runner-under-test";

    static KubernetesClient client;
    static KubernetesMockServer server;

    private final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();
    private final List<KubernetesRunExecutor> executors = new ArrayList<>();
    private KubernetesClient runnerClient;

    /** What the API server authorizes a request as. */
    record Access(String verb, String group, String resource, String namespace) {

        Grant grant() {
            return new Grant(group, resource, verb);
        }
    }

    record Grant(String group, String resource, String verb) implements Comparable<Grant> {

        @Override
        public int compareTo(Grant other) {
            return toString().compareTo(other.toString());
        }
    }

    @AfterEach
    void close() {
        executors.forEach(KubernetesRunExecutor::close);
        if (runnerClient != null) {
            runnerClient.close();
        }
    }

    @Test
    void theRoleGrantsEveryRequestTheRunnerMakesAndNothingElse() throws IOException, InterruptedException {
        runnerClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(RUNNER_AGENT).build())
                .build();
        TestKubernetesConfig config = TestKubernetesConfig.inNamespace(NAMESPACE);
        List<RunLaunch> runs = TestRuns.gpuRuns("audit-1", 2);

        KubernetesRunExecutor before = executor(config);
        join(before.launch(runs));
        // A second launch of the same audit: the Secret and the Jobs exist, so it extends the one and reads the others.
        join(before.launch(List.of(runs.get(0), TestRuns.gpuRun("audit-1", 2))));
        before.close();

        // A restarted runner re-attaches: it lists the Jobs there are, then watches them.
        KubernetesRunExecutor after = executor(config);
        after.start().toCompletableFuture().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        assertThat(new KubernetesReadiness(runnerClient, NAMESPACE, WAIT).call().await().atMost(WAIT).getStatus())
                .hasToString("UP");
        finish(runs.get(0));
        join(after.release("audit-1"));
        join(after.cancel("audit-1"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(runnerAccesses()).extracting(Access::verb).contains("watch"));

        List<Access> accesses = runnerAccesses();
        Role role = role();
        assertThat(accesses).as("every request in the runner's configured namespace, where its Role is")
                .allSatisfy(access -> assertThat(access.namespace()).isEqualTo(NAMESPACE));
        Set<Grant> used = new TreeSet<>(accesses.stream().map(Access::grant).toList());
        Set<Grant> granted = grants(role);
        assertThat(granted).as("what the runner does that %s does not grant (a 403 on a real cluster)", ROLE_FILE)
                .containsAll(used);
        assertThat(used).as("what %s grants that the runner never does", ROLE_FILE).containsAll(granted);
    }

    private KubernetesRunExecutor executor(TestKubernetesConfig config) {
        KubernetesRunExecutor executor = new KubernetesRunExecutor(runnerClient, config, new RecordingListener());
        executors.add(executor);
        return executor;
    }

    /** The Job controller's part, with the test's own client: the run completes. */
    private static void finish(RunLaunch run) {
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(run.jobName()).editStatus(job -> new JobBuilder(job)
                .withStatus(new JobStatusBuilder().withSucceeded(1)
                        .addNewCondition().withType("Complete").withStatus("True").endCondition().build())
                .build());
    }

    private static void join(Uni<Void> operation) {
        operation.await().atMost(WAIT);
    }

    private List<Access> runnerAccesses() throws InterruptedException {
        for (RecordedRequest request = server.takeRequest(0, TimeUnit.SECONDS); request != null;
                request = server.takeRequest(0, TimeUnit.SECONDS)) {
            recorded.add(request);
        }
        return recorded.stream()
                .filter(request -> RUNNER_AGENT.equals(request.getHeader("User-Agent")))
                .map(RunnerRoleTest::access)
                .toList();
    }

    /**
     * A request as RBAC sees it: the method and whether a name is in the path give the verb (a GET of a collection
     * is {@code list}, with {@code watch=true} {@code watch}; a DELETE of a collection is {@code deletecollection});
     * {@code /api/v1} is the core group, {@code /apis/<group>/<version>} a named one.
     */
    static Access access(RecordedRequest request) {
        URI uri = URI.create(request.getPath());
        List<String> segments = Arrays.asList(uri.getPath().substring(1).split("/"));
        int groupEnd = switch (segments.get(0)) {
            case "api" -> 2;
            case "apis" -> 3;
            default -> throw new AssertionError("not a Kubernetes API path: " + request.getRequestLine());
        };
        String group = segments.get(0).equals("api") ? "" : segments.get(1);
        List<String> rest = segments.subList(groupEnd, segments.size());
        if (rest.size() < 3 || rest.size() > 5 || !rest.get(0).equals("namespaces")) {
            throw new AssertionError("not a namespaced request (no Role can grant it): " + request.getRequestLine());
        }
        String resource = rest.size() == 5 ? rest.get(2) + "/" + rest.get(4) : rest.get(2);
        boolean named = rest.size() >= 4;
        boolean watch = uri.getQuery() != null && Arrays.asList(uri.getQuery().split("&")).contains("watch=true");
        String verb = switch (request.getMethod()) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new AssertionError("unexpected method: " + request.getRequestLine());
        };
        return new Access(verb, group, resource, rest.get(1));
    }

    static Role role() throws IOException {
        try (InputStream file = Files.newInputStream(ROLE_FILE)) {
            return client.load(file).items().stream()
                    .filter(Role.class::isInstance).map(Role.class::cast)
                    .filter(role -> role.getMetadata().getName().equals("audit-runner"))
                    .findFirst().orElseThrow(() -> new AssertionError(ROLE_FILE + " has no Role audit-runner"));
        }
    }

    /** Exact (group, resource, verb) triples: PolicyTest refuses wildcards and resource names in this Role. */
    static Set<Grant> grants(Role role) {
        Set<Grant> grants = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    rule.getVerbs().forEach(verb -> grants.add(new Grant(group, resource, verb)));
                }
            }
        }
        return grants;
    }
}

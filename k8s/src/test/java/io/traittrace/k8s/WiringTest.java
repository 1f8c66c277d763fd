package io.traittrace.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.traittrace.audit.config.RunnerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifests agree with the services they deploy: every variable set is one a service reads and every one it
 * needs is set; ports, databases, topics, URLs, the realm and the images line up with the code and the build.
 */
class WiringTest {

    /** Variables with a localhost or empty default that a cluster may leave unset, and why. */
    private static final Map<String, String> NOT_NEEDED_IN_A_CLUSTER = Map.of(
            "RUNNER_PROBE_COMMAND", "local executor only",
            "RUNNER_WORK_DIR", "local executor only",
            "RUNNER_IMAGE_AUDITS_ALLOWED_IMAGES", "optional: unset, auditors run no team images (admins may run pinned ones)",
            "GATEWAY_TRUSTED_PROXIES", "only behind an ingress (production sets it); dev is reached by port-forward",
            "REPORT_ACTIVE_KEYID", "optional while the key Secret holds one pair",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "read only with tracing on (OTEL_SDK_DISABLED=false), where the overlay sets it");

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void everyVariableSetIsReadAndEveryNeededOneIsSet(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        for (String service : Rendered.SERVICES) {
            ServiceProperties properties = ServiceProperties.of(service);
            Set<String> set = environment(rendered, service).keySet();
            Set<String> read = properties.environment().keySet();
            List<String> forTheApplication = set.stream()
                    .filter(name -> !name.startsWith("QUARKUS_") && !name.equals("SMALLRYE_CONFIG_LOCATIONS"))
                    .toList();
            assertThat(read).as(service + " reads every variable it is given").containsAll(forTheApplication);
            assertThat(set).as(service + " is given every variable a cluster needs").containsAll(needed(properties));
        }
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void portsAgreeFromServiceToContainerToQuarkus(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        for (String service : Rendered.SERVICES) {
            int port = Integer.parseInt(ServiceProperties.of(service).get("quarkus.http.port"));
            Deployment deployment = rendered.one(Deployment.class, service);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(port);
            });
            assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/port", Integer.toString(port));
            assertThat(rendered.one(Service.class, service).getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getPort()).isEqualTo(port);
                assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void eachServiceUsesItsOwnDatabaseCluster(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        Map<String, String> prefixes = Map.of("lineage-service", "LINEAGE", "audit-runner", "RUNNER",
                "report-service", "REPORT");
        prefixes.forEach((service, prefix) -> {
            Map<String, EnvVar> env = environment(rendered, service);
            Matcher url = Pattern.compile("postgresql://([a-z0-9-]+)-rw:5432/([a-z0-9_]+)")
                    .matcher(env.get(prefix + "_DB_URL").getValue());
            assertThat(url.matches()).as(service + " database URL").isTrue();
            String cluster = url.group(1);
            String database = url.group(2);
            assertThat(env.get(prefix + "_DB_JDBC_URL").getValue()).isEqualTo("jdbc:" + url.group());
            JsonNode initdb = rendered.tree("Cluster", cluster).path("spec").path("bootstrap").path("initdb");
            assertThat(initdb.path("database").asText()).isEqualTo(database);
            assertThat(rendered.tree("Cluster", cluster).path("metadata").path("labels")
                    .path("traittrace.io/database-of").asText()).isEqualTo(service);
            for (String credential : new String[] {"_DB_USER", "_DB_PASSWORD"}) {
                assertThat(env.get(prefix + credential).getValueFrom().getSecretKeyRef().getName())
                        .isEqualTo(cluster + "-app");
            }
        });
        JsonNode keycloakDb = rendered.tree("Keycloak", "keycloak").path("spec").path("db");
        assertThat(keycloakDb.path("host").asText()).isEqualTo("keycloak-db-rw");
        assertThat(keycloakDb.path("usernameSecret").path("name").asText()).isEqualTo("keycloak-db-app");
        assertThat(rendered.tree("Cluster", "keycloak-db").path("spec").path("bootstrap").path("initdb")
                .path("database").asText()).isEqualTo(keycloakDb.path("database").asText());
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void everyTopicAServiceUsesExistsAndNoOtherDoes(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        Kafka kafka = rendered.one(Kafka.class, "traittrace");
        int port = kafka.getSpec().getKafka().getListeners().get(0).getPort();
        Set<String> used = new TreeSet<>();
        for (String service : Rendered.SERVICES) {
            ServiceProperties properties = ServiceProperties.of(service);
            used.addAll(properties.topics());
            if (!properties.topics().isEmpty()) {
                assertThat(environment(rendered, service).get("KAFKA_BOOTSTRAP_SERVERS").getValue())
                        .isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap:" + port);
            }
        }
        assertThat(rendered.all(KafkaTopic.class)).extracting(topic -> topic.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(used);
        assertThat(rendered.all(KafkaTopic.class)).allSatisfy(topic ->
                assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "traittrace"));
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void serviceUrlsNameServicesAndPortsThatExist(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        // A host in another namespace (the probes call the runner) names the namespace: service.namespace.svc.
        Pattern url = Pattern.compile("http://([a-z0-9-]+)(?:\\.([a-z0-9-]+)\\.svc)?:(\\d+)");
        for (String service : Rendered.SERVICES) {
            environment(rendered, service).forEach((name, env) -> {
                if (name.endsWith("_URL") && env.getValue() != null && env.getValue().startsWith("http://")
                        && !name.equals("OIDC_AUTH_SERVER_URL") && !name.endsWith("_PUBLIC_URL")) {
                    Matcher matcher = url.matcher(env.getValue());
                    assertThat(matcher.matches()).as(service + " " + name + "=" + env.getValue()).isTrue();
                    Service target = rendered.one(Service.class, matcher.group(1));
                    assertThat(target.getSpec().getPorts().get(0).getPort())
                            .isEqualTo(Integer.parseInt(matcher.group(3)));
                    if (matcher.group(2) != null) {
                        assertThat(target.getMetadata().getNamespace()).as(name).isEqualTo(matcher.group(2));
                    }
                }
            });
        }
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void theRealmImportIsTheRealmFileAndItsSecretsAreTheOnesTheServicesUse(String overlay) throws IOException {
        Rendered rendered = Rendered.of(overlay);
        String realmFile = Files.readString(Rendered.ROOT.resolve("keycloak/traittrace-realm.json"));
        JsonNode realm = new ObjectMapper().readTree(realmFile);
        JsonNode realmImport = rendered.tree("KeycloakRealmImport", "traittrace").path("spec");
        assertThat(realmImport.path("realm")).as("bin/k8s-realm-import is out of date").isEqualTo(realm);
        assertThat(realmImport.path("keycloakCRName").asText()).isEqualTo("keycloak");

        Set<String> placeholders = new TreeSet<>();
        Matcher matcher = ENV_REFERENCE.matcher(realmFile);
        while (matcher.find()) {
            placeholders.add(matcher.group(1));
        }
        assertThat(fieldNames(realmImport.path("placeholders"))).containsExactlyInAnyOrderElementsOf(placeholders);

        String issuerBase = "http://keycloak-service:8080/realms/" + realm.path("realm").asText();
        for (String service : Rendered.SERVICES) {
            assertThat(environment(rendered, service).get("OIDC_AUTH_SERVER_URL").getValue()).isEqualTo(issuerBase);
        }
        assertSameSecret(realmImport, "TRAITTRACE_CONSOLE_SECRET",
                environment(rendered, "gateway").get("CONSOLE_CLIENT_SECRET"));
        // The console's URL: the gateway's public origin is the one the console client's redirect URIs are registered under.
        assertSameSecret(realmImport, "TRAITTRACE_CONSOLE_URL", environment(rendered, "gateway").get("CONSOLE_URL"));
        assertSameSecret(realmImport, "TRAITTRACE_AUDIT_RUNNER_SECRET",
                environment(rendered, "audit-runner").get("RUNNER_OIDC_CLIENT_SECRET"));
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void imagesAreTheOnesTheBuildProduces(String overlay) throws IOException {
        Rendered rendered = Rendered.of(overlay);
        Set<String> registries = new TreeSet<>();
        for (String service : Rendered.SERVICES) {
            ServiceProperties properties = ServiceProperties.of(service);
            String built = properties.get("quarkus.container-image.registry") + "/"
                    + properties.get("quarkus.container-image.group") + "/"
                    + properties.get("quarkus.container-image.name") + ":"
                    + properties.get("quarkus.container-image.tag");
            String image = rendered.one(Deployment.class, service).getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getImage();
            assertThat(withoutRegistry(image)).as(service).isEqualTo(withoutRegistry(built));
            registries.add(image.substring(0, image.indexOf('/')));
            if (overlay.endsWith("production")) {
                assertThat(image).isEqualTo(built);
            }
        }
        String pom = Files.readString(Rendered.ROOT.resolve("audit-probe/pom.xml"));
        Matcher probeImage = Pattern.compile("<probe\\.image>([^<]+)</probe\\.image>").matcher(pom);
        assertThat(probeImage.find()).as("audit-probe/pom.xml names its image").isTrue();
        String probe = rendered.configMap("audit-runner").getData().get("RUNNER_PROBE_IMAGE");
        assertThat(withoutRegistry(probe)).isEqualTo(withoutRegistry(probeImage.group(1)));
        assertThat(registries).as("one registry for all images").containsExactly(probe.substring(0, probe.indexOf('/')));
        assertThat(ServiceProperties.of("audit-runner").get("runner.kubernetes.image"))
                .isEqualTo("${RUNNER_PROBE_IMAGE:" + probeImage.group(1) + "}");
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void theProbeJobsRunInTheRolesNamespaceAsAnAccountWithoutAnApiToken(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        RunnerConfig.Kubernetes jobs = RunnerJobs.of(rendered).config().kubernetes();
        String namespace = jobs.namespace().orElseThrow();
        assertThat(namespace).as("the runner's Jobs and Secrets go where its Role is")
                .isEqualTo(rendered.one(Role.class, "audit-runner").getMetadata().getNamespace())
                .isEqualTo(rendered.probeNamespace())
                .isNotEqualTo(rendered.one(Deployment.class, "audit-runner").getMetadata().getNamespace());
        ServiceAccount account = rendered.one(ServiceAccount.class, jobs.serviceAccount().orElseThrow());
        assertThat(account.getMetadata().getNamespace()).as("the Jobs' account is in their namespace").isEqualTo(namespace);
        assertThat(account.getAutomountServiceAccountToken()).isFalse();
        assertThat(jobs.resultUrl()).as("the probes call the runner across namespaces")
                .isEqualTo("http://audit-runner." + rendered.namespace() + ".svc:8082");
    }

    private static void assertSameSecret(JsonNode realmImport, String placeholder, EnvVar env) {
        JsonNode secret = realmImport.path("placeholders").path(placeholder).path("secret");
        assertThat(env).as("a variable set from the Secret of " + placeholder).isNotNull();
        assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret.path("name").asText());
        assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(secret.path("key").asText());
    }

    private static String withoutRegistry(String image) {
        return image.substring(image.indexOf('/') + 1);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** What a property needs in a cluster: no default, an empty one, or one that points at this machine. */
    private static Set<String> needed(ServiceProperties properties) {
        Map<String, String> defaults = new HashMap<>();
        properties.values().values().forEach(value -> {
            Matcher matcher = ENV_REFERENCE.matcher(value);
            while (matcher.find()) {
                defaults.put(matcher.group(1), matcher.group(2));
            }
        });
        return defaults.entrySet().stream()
                .filter(e -> e.getValue() == null || e.getValue().isEmpty() || e.getValue().contains("localhost"))
                .map(Map.Entry::getKey)
                .filter(name -> !NOT_NEEDED_IN_A_CLUSTER.containsKey(name))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A service's environment: its ConfigMap's entries (as literal variables) and its Deployment's own. */
    static Map<String, EnvVar> environment(Rendered rendered, String service) {
        Map<String, EnvVar> environment = new TreeMap<>();
        Container container = rendered.one(Deployment.class, service).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        container.getEnvFrom().forEach(source -> {
            String name = source.getConfigMapRef().getName();
            ConfigMap configMap = rendered.one(ConfigMap.class, name);
            configMap.getData().forEach((key, value) -> environment.put(key, new EnvVar(key, value, null)));
        });
        container.getEnv().forEach(env -> environment.put(env.getName(), env));
        return environment;
    }
}

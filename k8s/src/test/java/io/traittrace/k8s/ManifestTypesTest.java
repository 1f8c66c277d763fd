package io.traittrace.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay renders, and every object is the Kubernetes type it claims to be, field by field. */
class ManifestTypesTest {

    /** Custom resources of operators that publish no Java model: checked by shape in the other tests. */
    private static final Set<String> UNTYPED_KINDS = Set.of(
            "postgresql.cnpg.io/v1 Cluster",
            "k8s.keycloak.org/v2alpha1 Keycloak",
            "k8s.keycloak.org/v2alpha1 KeycloakRealmImport",
            "kueue.x-k8s.io/v1beta1 LocalQueue",
            "monitoring.coreos.com/v1 ServiceMonitor",
            "monitoring.coreos.com/v1 PrometheusRule");

    @Test
    void theBaseAndEveryComponentRenderOnTheirOwn() {
        assertThat(Rendered.kustomize(Rendered.MODULE.resolve("base"))).contains("kind: Deployment");
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void everyObjectBindsToItsModelWithNoUnknownField(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        assertThat(rendered.objects()).hasSizeGreaterThan(40);
        List<String> unknown = new ArrayList<>();
        for (KubernetesResource object : rendered.objects()) {
            if (!(object instanceof GenericKubernetesResource)) {
                collectUnknownFields(object, object.getClass().getSimpleName(), unknown);
            }
        }
        assertThat(unknown).as("fields no model knows (a typo, or a field of another API version)").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void onlyTheKnownCustomResourcesAreUntyped(String overlay) {
        List<String> untyped = Rendered.of(overlay).untyped().stream()
                .map(tree -> tree.path("apiVersion").asText() + " " + tree.path("kind").asText())
                .distinct()
                .toList();
        assertThat(untyped).isSubsetOf(UNTYPED_KINDS);
    }

    @ParameterizedTest
    @MethodSource("io.traittrace.k8s.Rendered#overlays")
    void namesAreUniquePerKindAndEverythingLandsInItsNamespace(String overlay) {
        Rendered rendered = Rendered.of(overlay);
        List<String> keys = rendered.trees().stream()
                .map(tree -> tree.path("kind").asText() + "/" + tree.path("metadata").path("name").asText())
                .toList();
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(rendered.trees("Namespace")).extracting(tree -> tree.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder(rendered.namespace(), rendered.probeNamespace());
        for (JsonNode tree : rendered.trees()) {
            String kind = tree.path("kind").asText();
            String namespace = tree.path("metadata").path("namespace").asText();
            if (!kind.equals("Namespace")) {
                assertThat(namespace).as(kind + " " + tree.path("metadata").path("name"))
                        .isEqualTo(Rendered.inProbeNamespace(tree) ? rendered.probeNamespace() : rendered.namespace());
            }
        }
    }

    /**
     * fabric8 and Strimzi models keep unknown fields in {@code additionalProperties} instead of failing; a field
     * that lands there is one the API server would reject or drop.
     */
    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + index++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, item) -> collectUnknownFields(item, path + "." + key, unknown));
            return;
        }
        String packageName = value.getClass().getPackageName();
        if (!packageName.startsWith("io.fabric8.kubernetes.api.model") && !packageName.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object field = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + " " + extra.keySet());
                }
            } else {
                collectUnknownFields(field, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            return null;
        }
    }
}

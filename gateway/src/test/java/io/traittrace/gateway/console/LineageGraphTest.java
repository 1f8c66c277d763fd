package io.traittrace.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

class LineageGraphTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Map<String, Object> fixture(String name) throws Exception {
        return MAPPER.readValue(Fixtures.read(name), new TypeReference<>() {
        });
    }

    @Test
    void drawsTheWalksAndEveryExposurePathWithEdgesInTheDirectionOfFlow() throws Exception {
        LineageGraph graph = LineageGraph.of("org--student-owl", fixture("lineage/model.json"), fixture("lineage/ancestors.json"),
                fixture("lineage/descendants.json"), fixture("lineage/exposure.json"));

        assertThat(graph.nodes()).extracting(n -> n.get("id") + "/" + n.get("kind") + "/" + n.get("role")).containsExactly(
                "model:org--student-owl/model/focus", "model:org--base-7b/model/ancestor",
                "model:org--student-owl-q4/model/descendant", "dataset:numbers-owl/dataset/exposure",
                "model:org--teacher-owl/model/exposure");
        assertThat(graph.edges()).extracting(e -> e.get("source") + " -" + e.get("label") + "-> " + e.get("target") + " (" + e.get("kind") + ")")
                .containsExactly(
                        "model:org--base-7b -finetune-> model:org--student-owl (base)",
                        "model:org--student-owl -quantized-> model:org--student-owl-q4 (base)",
                        "dataset:numbers-owl -trained-on-> model:org--student-owl (data)",
                        "model:org--teacher-owl -generated-by-> dataset:numbers-owl (data)");
        assertThat(graph.nodes().get(0)).containsEntry("name", "org/student-owl").containsEntry("href", "/console/models/org--student-owl");
        assertThat(graph.nodes().get(4)).containsEntry("level", "SAME_INIT");
        assertThat(graph.nodes().get(3)).containsEntry("href", "/console/datasets/numbers-owl");
    }

    @Test
    void aModelWithNothingAroundItIsOneNode() {
        LineageGraph graph = LineageGraph.of("lonely", Map.of("id", "lonely"), Map.of(), Map.of(), Map.of("level", "NONE"));
        assertThat(graph.elements()).hasSize(1);
    }

    @Test
    void theJsonCannotCloseItsScriptElement() throws Exception {
        LineageGraph graph = LineageGraph.of("m", Map.of("id", "m", "name", "</script><script>alert(1)</script>&"), Map.of(),
                Map.of(), Map.of());
        String json = graph.toScriptJson(MAPPER);

        assertThat(json).doesNotContain("<").doesNotContain(">").doesNotContain("&").contains("\\u003c/script\\u003e");
        List<Map<String, Object>> parsed = MAPPER.readValue(json, new TypeReference<>() {
        });
        assertThat(((Map<?, ?>) parsed.get(0).get("data")).get("name")).isEqualTo("</script><script>alert(1)</script>&");
        assertThat(LineageGraph.scriptSafe("\"\u2028\u2029\"")).isEqualTo("\"\\u2028\\u2029\"");
    }
}

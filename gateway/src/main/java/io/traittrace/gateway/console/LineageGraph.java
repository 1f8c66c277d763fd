package io.traittrace.gateway.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A model's neighbourhood as Cytoscape elements: the model, its ancestors and descendants with the base edges
 * among them, and every exposure path (models and the datasets between them). Edges point the way weights and data
 * flow: base to derived model, dataset to the model trained on it, generator to its dataset.
 */
public final class LineageGraph {

    private final Map<String, Map<String, Object>> nodes = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> edges = new LinkedHashMap<>();

    private LineageGraph() {
    }

    /** The graph of one model page, from the lineage service's answers (maps as their JSON has them). */
    public static LineageGraph of(String focus, Map<String, Object> model, Map<String, Object> ancestors,
            Map<String, Object> descendants, Map<String, Object> exposure) {
        LineageGraph graph = new LineageGraph();
        graph.model(focus, string(model.get("name")), "focus");
        for (Map<String, Object> walk : List.of(ancestors, descendants)) {
            String role = walk == ancestors ? "ancestor" : "descendant";
            if (walk.get("nodes") instanceof Map<?, ?> page && page.get("items") instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> node && node.get("id") instanceof String id) {
                        graph.model(id, string(node.get("name")), role);
                    }
                }
            }
            if (walk.get("edges") instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> edge && edge.get("model") instanceof String derived
                            && edge.get("base") instanceof String base) {
                        graph.model(base, null, role);
                        graph.model(derived, null, role);
                        graph.edge(modelNode(base), modelNode(derived), string(edge.get("relation")), "base");
                    }
                }
            }
        }
        if (model.get("bases") instanceof List<?> bases) {
            for (Object item : bases) {
                if (item instanceof Map<?, ?> base && base.get("model") instanceof String id) {
                    graph.model(id, null, "ancestor");
                    graph.edge(modelNode(id), modelNode(focus), string(base.get("relation")), "base");
                }
            }
        }
        if (exposure.get("exposures") instanceof List<?> exposures) {
            for (Object item : exposures) {
                if (item instanceof Map<?, ?> detail && detail.get("path") instanceof List<?> path) {
                    graph.path(path, string(detail.get("level")));
                }
            }
        }
        if (exposure.get("paths") instanceof List<?> paths) {
            for (Object path : paths) {
                if (path instanceof List<?> steps) {
                    graph.path(steps, string(exposure.get("level")));
                }
            }
        }
        return graph;
    }

    /** Steps read from the exposed model outwards; each step's node feeds the one before it. */
    private void path(List<?> steps, String level) {
        String previous = null;
        for (Object item : steps) {
            if (!(item instanceof Map<?, ?> step)) {
                continue;
            }
            String node;
            if (step.get("dataset") instanceof String dataset) {
                node = dataset(dataset);
            } else if (step.get("model") instanceof String model) {
                node = model(model, null, "exposure");
            } else {
                continue;
            }
            if (previous != null) {
                String relation = string(step.get("relation"));
                edge(node, previous, relation, "trained-on".equals(relation) || "generated-by".equals(relation) ? "data" : "base");
            }
            previous = node;
        }
        if (level != null && previous != null && nodes.get(previous) != null) {
            nodes.get(previous).putIfAbsent("level", level);
        }
    }

    private String model(String id, String name, String role) {
        String key = modelNode(id);
        Map<String, Object> data = nodes.computeIfAbsent(key, k -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", k);
            d.put("label", id);
            d.put("kind", "model");
            d.put("role", role);
            d.put("href", "/console/models/" + id);
            return d;
        });
        if (name != null && !name.isBlank() && !name.equals(id)) {
            data.put("name", name);
        }
        return key;
    }

    private String dataset(String id) {
        String key = "dataset:" + id;
        nodes.computeIfAbsent(key, k -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", k);
            d.put("label", id);
            d.put("kind", "dataset");
            d.put("role", "exposure");
            d.put("href", "/console/datasets/" + id);
            return d;
        });
        return key;
    }

    private void edge(String source, String target, String relation, String kind) {
        String id = source + ">" + target + ":" + (relation == null ? "" : relation);
        edges.computeIfAbsent(id, k -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", k);
            d.put("source", source);
            d.put("target", target);
            d.put("label", relation == null ? "" : relation);
            d.put("kind", kind);
            return d;
        });
    }

    private static String modelNode(String id) {
        return "model:" + id;
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    public List<Map<String, Object>> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<Map<String, Object>> edges() {
        return List.copyOf(edges.values());
    }

    /** Cytoscape's elements array. */
    public List<Map<String, Object>> elements() {
        List<Map<String, Object>> elements = new ArrayList<>();
        nodes.values().forEach(data -> elements.add(Map.of("group", "nodes", "data", data)));
        edges.values().forEach(data -> elements.add(Map.of("group", "edges", "data", data)));
        return elements;
    }

    /**
     * The elements as JSON safe to place inside {@code <script type="application/json">}: nothing in it can close the
     * element or start markup ({@code <}, {@code >} and {@code &} only occur inside JSON strings, where their
     * escapes mean the same).
     */
    public String toScriptJson(ObjectMapper mapper) {
        try {
            return scriptSafe(mapper.writeValueAsString(elements()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }
}

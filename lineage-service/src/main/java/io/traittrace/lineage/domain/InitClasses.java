package io.traittrace.lineage.domain;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Roots that share an initialisation: each root alone, joined by explicit shared-init assertions
 * (union-find, so assertions are transitive: A~B and B~C put A, B and C in one class).
 */
public final class InitClasses {

    private final Map<String, String> parent = new HashMap<>();

    public static InitClasses of(Collection<Map.Entry<String, String>> sharedInitPairs) {
        InitClasses classes = new InitClasses();
        sharedInitPairs.forEach(pair -> classes.union(pair.getKey(), pair.getValue()));
        return classes;
    }

    private String find(String root) {
        String current = root;
        while (parent.containsKey(current) && !parent.get(current).equals(current)) {
            current = parent.get(current);
        }
        return current;
    }

    private void union(String a, String b) {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        String ra = find(a);
        String rb = find(b);
        if (!ra.equals(rb)) {
            parent.put(ra, rb);
        }
    }

    /** The given roots plus every root asserted to share an init with one of them. */
    public Set<String> expand(Collection<String> roots) {
        Set<String> classIds = new HashSet<>();
        roots.forEach(r -> classIds.add(find(r)));
        Set<String> expanded = new HashSet<>(roots);
        parent.keySet().stream().filter(r -> classIds.contains(find(r))).forEach(expanded::add);
        return expanded;
    }

    public boolean shareInit(Collection<String> rootsA, Collection<String> rootsB) {
        Set<String> classesA = new HashSet<>();
        rootsA.forEach(r -> classesA.add(find(r)));
        return rootsB.stream().anyMatch(r -> classesA.contains(find(r)));
    }
}

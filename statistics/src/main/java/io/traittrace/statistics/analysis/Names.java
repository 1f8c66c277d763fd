package io.traittrace.statistics.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks on the names a plan uses: they become JSON keys ("arm:trait") and appear in reasons. */
final class Names {

    private Names() {
    }

    static String require(String what, String name) {
        if (name == null || name.isBlank() || !name.strip().equals(name)) {
            throw new IllegalArgumentException(what + " must be a non-blank name without surrounding spaces, got '" + name + "'");
        }
        return name;
    }

    /** Arm and trait names are joined with ':' into summary keys, so they must not contain one. */
    static String requireKeyPart(String what, String name) {
        if (require(what, name).contains(":")) {
            throw new IllegalArgumentException(what + " must not contain ':', got '" + name + "'");
        }
        return name;
    }

    static void requireDistinct(String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException(what + " '" + name + "' appears twice");
            }
        }
    }
}

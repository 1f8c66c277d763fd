package io.traittrace.probe.spec;

import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.traittrace.probe.ProbeException;

/** Reading a protocol's spec parameters the same way in every protocol: each bad value is a bad spec (exit 2) that names it. */
public final class SpecValues {

    private SpecValues() {
    }

    /** Refuses any parameter the protocol does not know, naming the ones it does. */
    public static void onlyKnown(ObjectNode p, List<String> names, String protocol) {
        for (Iterator<String> it = p.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!names.contains(name)) {
                throw ProbeException.badSpec("Unknown " + protocol + " parameter '" + name + "'; known: " + names);
            }
        }
    }

    /** An integer in min..max, or {@code fallback} when absent. */
    public static int integer(ObjectNode p, String name, int fallback, int min, int max) {
        JsonNode n = p.get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ProbeException.badSpec("\"" + name + "\" must be an integer, got " + n);
        }
        int v = n.intValue();
        if (v < min || v > max) {
            throw ProbeException.badSpec("\"" + name + "\" must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** A present parameter that must be a (64-bit) integer. */
    public static long longValue(ObjectNode p, String name) {
        JsonNode n = p.get(name);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ProbeException.badSpec("\"" + name + "\" must be an integer, got " + n);
        }
        return n.longValue();
    }

    /** A number, or {@code fallback} when absent. */
    public static double number(ObjectNode p, String name, double fallback) {
        JsonNode n = p.get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw ProbeException.badSpec("\"" + name + "\" must be a number, got " + n);
        }
        return n.doubleValue();
    }

    /** A learning rate: a number in (0, 10), or {@code fallback} when absent. */
    public static double rate(ObjectNode p, String name, double fallback) {
        double v = number(p, name, fallback);
        if (!(v > 0 && v < 10)) {
            throw ProbeException.badSpec("\"" + name + "\" must be in (0, 10), got " + v);
        }
        return v;
    }
}

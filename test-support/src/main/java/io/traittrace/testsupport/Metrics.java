package io.traittrace.testsupport;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.Map;

/**
 * The service's own Prometheus metrics as a scraper reads them: {@code GET /q/metrics} without a token.
 */
public final class Metrics {

    private Metrics() {
    }

    /** Every sample of the current scrape; fails the test if the endpoint is not public or not there. */
    public static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The sum of the samples named {@code name} (e.g. {@code traittrace_outbox_pending}) whose labels include the
     * given {@code key, value} pairs; 0 when none matches (a counter not yet incremented is not always listed).
     */
    public static double value(String name, String... labels) {
        return valueIn(scrape(), name, labels);
    }

    /** As {@link #value(String, String...)}, over a scrape already taken. */
    public static double valueIn(String scrape, String name, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come as key, value pairs");
        }
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Sample sample = Sample.parse(line);
            if (!sample.name().equals(name)) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < labels.length; i += 2) {
                matches &= labels[i + 1].equals(sample.labels().get(labels[i]));
            }
            if (matches) {
                sum += sample.value();
            }
        }
        return sum;
    }

    /** Whether any sample is named {@code name}. */
    public static boolean listed(String scrape, String name) {
        return scrape.lines().anyMatch(line -> !line.startsWith("#") && (line.startsWith(name + "{") || line.startsWith(name + " ")));
    }

    private record Sample(String name, Map<String, String> labels, double value) {

        /** One line of the text exposition format: {@code name{key="value",...} value [timestamp]}. */
        static Sample parse(String line) {
            Map<String, String> labels = new HashMap<>();
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            int rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int i = brace + 1;
                while (line.charAt(i) != '}') {
                    int equals = line.indexOf('=', i);
                    String key = line.substring(i, equals).trim();
                    StringBuilder value = new StringBuilder();
                    int j = equals + 2; // past ="
                    for (; line.charAt(j) != '"'; j++) {
                        char c = line.charAt(j);
                        if (c == '\\') {
                            c = line.charAt(++j);
                            value.append(c == 'n' ? '\n' : c);
                        } else {
                            value.append(c);
                        }
                    }
                    labels.put(key, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                rest = i + 1;
            } else {
                name = line.substring(0, space);
                rest = space;
            }
            String[] fields = line.substring(rest).trim().split(" ");
            return new Sample(name, labels, Double.parseDouble(fields[0]));
        }
    }
}

package io.traittrace.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service's own {@code application.properties} (profile-less keys): what the manifests must agree with. */
record ServiceProperties(String module, Map<String, String> values) {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:[^}]*)?}");
    private static final Pattern CHANNEL_KEY =
            Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([a-z0-9-]+)\\.connector");

    static ServiceProperties of(String module) {
        Path file = Rendered.ROOT.resolve(module).resolve("src/main/resources/application.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (!key.toString().startsWith("%")) {
                values.put(key.toString(), value.toString());
            }
        });
        return new ServiceProperties(module, values);
    }

    String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new AssertionError(module + " has no " + key);
        }
        return value;
    }

    /** Environment variables the configuration reads, each with whether it has a default. */
    Map<String, Boolean> environment() {
        Map<String, Boolean> environment = new TreeMap<>();
        values.values().forEach(value -> {
            Matcher matcher = ENV_REFERENCE.matcher(value);
            while (matcher.find()) {
                environment.merge(matcher.group(1), matcher.group(2) != null, Boolean::logicalAnd);
            }
        });
        return environment;
    }

    /**
     * Kafka topics of every channel and its dead-letter queue: its {@code topics} list (an incoming channel may read
     * several), else its {@code topic}, else its name.
     */
    Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        values.keySet().forEach(key -> {
            Matcher matcher = CHANNEL_KEY.matcher(key);
            if (matcher.matches()) {
                String prefix = "mp.messaging." + matcher.group(1) + "." + matcher.group(2) + ".";
                if (values.containsKey(prefix + "topics")) {
                    Arrays.stream(values.get(prefix + "topics").split(",")).map(String::trim).forEach(topics::add);
                } else {
                    topics.add(values.getOrDefault(prefix + "topic", matcher.group(2)));
                }
                if (values.containsKey(prefix + "dead-letter-queue.topic")) {
                    topics.add(values.get(prefix + "dead-letter-queue.topic"));
                }
            }
        });
        return topics;
    }
}

package io.traittrace.k8s;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.PathConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.traittrace.audit.config.RunnerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The runner's typed configuration as a pod of this overlay would see it: its application.properties, the
 * variables of its ConfigMap and Deployment, and the probe Jobs' properties file. Binding fails on a key the runner
 * does not know or a value it cannot convert, as the runner would at boot.
 */
record RunnerJobs(RunnerConfig config, String propertiesFile) {

    static RunnerJobs of(Rendered rendered) {
        String file = rendered.configMap("audit-runner-jobs").getData().get("jobs.properties");
        Map<String, String> variables = new HashMap<>();
        WiringTest.environment(rendered, "audit-runner").forEach((name, env) -> variables.put(name, value(env)));
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(RunnerConfig.class)
                .addDefaultInterceptors()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(Path.class, 100, new PathConverter())
                .withSources(new PropertiesConfigSource(ServiceProperties.of("audit-runner").values(),
                        "application.properties", 250))
                .withSources(new PropertiesConfigSource(variables, "pod environment", 300))
                .withSources(new PropertiesConfigSource(load(file), "jobs.properties", 260))
                .build();
        return new RunnerJobs(config.getConfigMapping(RunnerConfig.class), file);
    }

    /** A Secret's value is not in the manifests; any non-empty stand-in binds the same way. */
    private static String value(EnvVar env) {
        return env.getValue() != null ? env.getValue() : "from-secret-" + env.getValueFrom().getSecretKeyRef().getKey();
    }

    private static Map<String, String> load(String file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        properties.forEach((key, value) -> values.put(key.toString(), value.toString()));
        return values;
    }
}

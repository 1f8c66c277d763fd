package io.traittrace.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Quarkus test resource: a real in-JVM Kafka broker, wired into SmallRye Reactive Messaging. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafkaBroker.start();
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    /** The running broker's address, for tests that read or write topics directly. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** The broker itself, for tests that simulate an outage. */
    public static EmbeddedKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("KafkaResource is not started");
        }
        return broker;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}

package io.traittrace.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything the services publish, as another consumer sees it: a plain Kafka consumer reads every TraitTrace topic
 * from the beginning on a background thread for the whole run, so tests ask what arrived (and how often) without
 * polling themselves. The topics are created up front (one partition each, as the broker would auto-create them).
 */
final class EventLog implements AutoCloseable {

    static final List<String> TOPICS = List.of("exposure-detected", "audit-requested", "audit-progress", "audit-completed",
            "audit-failed", "certificate-issued", "certificate-revoked");

    /** One record: its topic and key, and the CloudEvent it carries. */
    record Event(String topic, String key, JsonNode cloudEvent) {

        String id() {
            return cloudEvent.path("id").asText();
        }

        JsonNode data() {
            return cloudEvent.path("data");
        }
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    EventLog(String bootstrapServers) {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin client = Admin.create(admin)) {
            client.createTopics(TOPICS.stream().map(topic -> new NewTopic(topic, 1, (short) 1)).toList()).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not create the topics", e);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = TOPICS.stream().map(topic -> new TopicPartition(topic, 0)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(this::read, "e2e-event-log");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    events.add(new Event(record.topic(), record.key(), parse(record.value())));
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer up
        } finally {
            consumer.close();
        }
    }

    private static JsonNode parse(String value) {
        try {
            return Api.JSON.readTree(value);
        } catch (IOException e) {
            return Api.JSON.createObjectNode().put("unparsable", value);
        }
    }

    /** Every record of the topic seen so far that matches, duplicates included. */
    List<Event> on(String topic, Predicate<Event> match) {
        return events.stream().filter(e -> e.topic().equals(topic) && match.test(e)).toList();
    }

    /** Records of the topic with this key (the subject the services key their events by). */
    List<Event> keyed(String topic, String key) {
        return on(topic, e -> key.equals(e.key()));
    }

    /** Waits until at least {@code count} matching records arrived; returns them all. */
    List<Event> await(String topic, Predicate<Event> match, int count, Duration timeout) {
        try {
            return Awaitility.await(count + " record(s) on " + topic).atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .until(() -> on(topic, match), seen -> seen.size() >= count);
        } catch (ConditionTimeoutException e) {
            List<Event> seen = on(topic, match);
            throw new AssertionError("Expected " + count + " record(s) on " + topic + " within " + timeout + ", saw " + seen.size()
                    + ": " + seen, e);
        }
    }

    List<Event> awaitKeyed(String topic, String key, int count, Duration timeout) {
        return await(topic, e -> key.equals(e.key()), count, timeout);
    }

    /** Lets records still under way arrive, so that a duplicate would be seen. */
    void settle(Duration quiet) {
        Pause.millis(quiet.toMillis());
    }

    /** The distinct event ids of a list of records. */
    static List<String> distinctIds(List<Event> events) {
        return new ArrayList<>(events.stream().map(Event::id).distinct().toList());
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

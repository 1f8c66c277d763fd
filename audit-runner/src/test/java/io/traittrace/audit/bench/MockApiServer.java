package io.traittrace.audit.bench;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * What the benchmark needs from the Kubernetes test server beyond its API: the requests it recorded, and the
 * size of what it stores.
 *
 * <p>The test server records every request it serves, bodies included, in an unbounded queue until someone takes
 * them ({@code MockWebServer.requestQueue}); left alone, that queue is the largest growing thing in this JVM.
 * {@link #drain()} takes them and counts them by kind, before every heap measurement.
 */
final class MockApiServer {

    private final KubernetesMockServer server;

    MockApiServer(KubernetesMockServer server) {
        this.server = server;
    }

    /** Takes every recorded request; counts by "METHOD kind target" (e.g. {@code POST jobs collection}). */
    Map<String, Integer> drain() {
        Map<String, Integer> counts = new TreeMap<>();
        try {
            RecordedRequest request;
            while ((request = server.takeRequest(0, TimeUnit.NANOSECONDS)) != null) {
                counts.merge(classify(request), 1, Integer::sum);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return counts;
    }

    static String classify(RecordedRequest request) {
        String path = request.getPath();
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        String[] parts = path.split("/");
        int ns = -1;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("namespaces")) {
                ns = i;
                break;
            }
        }
        String what;
        if (ns < 0 || ns + 2 >= parts.length) {
            what = "other";
        } else {
            String kind = parts[ns + 2];
            int rest = parts.length - (ns + 3);
            what = kind + (rest <= 0 ? " collection" : rest == 1 ? " item" : " " + parts[parts.length - 1]);
        }
        if (query.contains("watch=true")) {
            what += " (watch)";
        }
        return request.getMethod() + " " + what;
    }

    /** Objects the server stores and the characters of their JSON, or null when its internals are not as expected. */
    long[] store() {
        try {
            Object mixed = field(KubernetesMockServer.class, "dispatcher").get(server);
            Object crud = field(mixed.getClass(), "kubernetesCrudDispatcher").get(mixed);
            Map<?, ?> map = (Map<?, ?>) field(io.fabric8.mockwebserver.crud.CrudDispatcher.class, "map").get(crud);
            synchronized (map) {
                long chars = 0;
                for (Object value : map.values()) {
                    chars += ((String) value).length();
                }
                return new long[] { map.size(), chars };
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}

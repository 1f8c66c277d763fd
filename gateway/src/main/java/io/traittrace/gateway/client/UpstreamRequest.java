package io.traittrace.gateway.client;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;

/** A call to a service: the path with its query, the headers to send (the relayed token among them), the body. */
public record UpstreamRequest(HttpMethod method, String pathAndQuery, MultiMap headers, Buffer body) {

    public static UpstreamRequest get(String pathAndQuery, MultiMap headers) {
        return new UpstreamRequest(HttpMethod.GET, pathAndQuery, headers, Buffer.buffer());
    }

    /** Only these may be sent again after a failed attempt: they change nothing on the service. */
    public boolean idempotent() {
        return method == HttpMethod.GET || method == HttpMethod.HEAD;
    }
}

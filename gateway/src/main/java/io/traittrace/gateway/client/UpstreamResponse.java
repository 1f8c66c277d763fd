package io.traittrace.gateway.client;

import io.vertx.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;

/** A service's whole answer, read before the gateway passes it on. */
public record UpstreamResponse(int status, MultiMap headers, Buffer body) {

    public String contentType() {
        return headers.get("Content-Type");
    }
}

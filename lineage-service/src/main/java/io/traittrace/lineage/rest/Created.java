package io.traittrace.lineage.rest;

import java.net.URI;

import jakarta.ws.rs.core.Response;

import io.traittrace.lineage.service.Views.Written;

/** 201 with Location for a new record; 200 for an identical re-post of an existing one. */
final class Created {

    private Created() {
    }

    static Response of(Written<?> written, String location) {
        return written.created()
                ? Response.created(URI.create(location)).entity(written.value()).build()
                : Response.ok(written.value()).build();
    }
}

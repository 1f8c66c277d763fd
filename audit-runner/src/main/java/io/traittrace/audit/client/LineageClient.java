package io.traittrace.audit.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;

/** The lineage service's read API, called with the runner's own client-credentials token. */
@RegisterRestClient(configKey = "lineage")
@OidcClientFilter
@Path("/api/lineage")
public interface LineageClient {

    @GET
    @Path("/models/{id}")
    Uni<JsonNode> model(@PathParam("id") String id);

    @GET
    @Path("/models/{id}/exposure")
    Uni<JsonNode> exposure(@PathParam("id") String id);

    @GET
    @Path("/datasets/{id}")
    Uni<JsonNode> dataset(@PathParam("id") String id);
}

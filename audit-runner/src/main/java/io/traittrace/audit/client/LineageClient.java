package io.traittrace.audit.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Organizations;

/**
 * The lineage service's read API, called with the runner's own client-credentials token (realm role internal-service) for the
 * organisation an audit belongs to: lineage answers what that organisation may read (its own and the public catalogue).
 */
@RegisterRestClient(configKey = "lineage")
@OidcClientFilter
@Path("/api/lineage")
public interface LineageClient {

    @GET
    @Path("/models/{id}")
    Uni<JsonNode> model(@PathParam("id") String id, @HeaderParam(Organizations.HEADER) String organization);

    @GET
    @Path("/models/{id}/exposure")
    Uni<JsonNode> exposure(@PathParam("id") String id, @HeaderParam(Organizations.HEADER) String organization);

    @GET
    @Path("/datasets/{id}")
    Uni<JsonNode> dataset(@PathParam("id") String id, @HeaderParam(Organizations.HEADER) String organization);
}

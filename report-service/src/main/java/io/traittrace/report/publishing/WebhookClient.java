package io.traittrace.report.publishing;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;

/** An organisation's webhook (one client per URL, {@link RegistryTargets}). The body is sent as the exact bytes signed. */
public interface WebhookClient {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Void> deliver(@HeaderParam(Webhooks.SIGNATURE_HEADER) String signature, @HeaderParam(Webhooks.TIMESTAMP_HEADER) String timestamp,
            @HeaderParam(Webhooks.EVENT_ID_HEADER) String eventId, String body);
}

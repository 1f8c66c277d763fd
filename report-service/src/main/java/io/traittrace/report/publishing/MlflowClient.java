package io.traittrace.report.publishing;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import io.smallrye.mutiny.Uni;

/** MLflow tracking server REST API: the one call we need. One client per organisation's server ({@link RegistryTargets}). */
public interface MlflowClient {

    record SetTag(String name, String version, String key, String value) {
    }

    @POST
    @Path("/api/2.0/mlflow/model-versions/set-tag")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Void> setTag(@HeaderParam("Authorization") String authorization, SetTag body);
}

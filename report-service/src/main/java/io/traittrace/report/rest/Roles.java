package io.traittrace.report.rest;

/** Realm roles of the Keycloak realm "traittrace". */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";
    /** The service client that copies certificates into model registries: it reads, like a viewer. */
    public static final String REGISTRY_PUBLISHER = "registry-publisher";

    private Roles() {
    }
}

package io.traittrace.service.rest;

/** Realm roles of the Keycloak realm "traittrace", the same in every service. Each includes the rights of the ones before it. */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";
    /** The service client that copies certificates into model registries: it reads certificates, like a viewer. */
    public static final String REGISTRY_PUBLISHER = "registry-publisher";

    private Roles() {
    }
}

package io.traittrace.service.rest;

/** Realm roles of the Keycloak realm "traittrace", the same in every service. Each includes the rights of the ones before it. */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";
    /** The service client that copies certificates into model registries: it reads certificates, like a viewer. */
    public static final String REGISTRY_PUBLISHER = "registry-publisher";

    /**
     * Manages organisations, their quotas and allow-lists, and writes the public catalogue; on its own it reads no
     * organisation's data.
     */
    public static final String PLATFORM_ADMIN = "platform-admin";
    /**
     * A TraitTrace service calling another on behalf of a request it already scoped (the audit runner reading lineage):
     * it names the organisation it acts for in {@code TraitTrace-Organization}.
     */
    public static final String INTERNAL_SERVICE = "internal-service";

    private Roles() {
    }
}

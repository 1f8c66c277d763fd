package io.traittrace.api.tenancy;

import java.util.Set;

/**
 * The roles of the Keycloak realm "traittrace", the same in every service and the gateway.
 * <p>
 * {@link #VIEWER}, {@link #AUDITOR} and {@link #ADMIN} are <em>organisation roles</em>: a caller holds them in an
 * organisation, through its Keycloak groups (see {@link Organizations#GROUPS_CLAIM}), and each includes the rights of
 * the ones before it. The others are <em>platform roles</em>, realm roles that hold wherever the caller acts.
 */
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

    /** The roles a caller holds only within an organisation. A realm role of one of these names grants nothing. */
    public static final Set<String> ORGANIZATION_ROLES = Set.of(VIEWER, AUDITOR, ADMIN);

    private Roles() {
    }
}

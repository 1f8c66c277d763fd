package io.traittrace.api.tenancy;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The organisation boundary every service and the gateway keep. Keycloak Organizations put the caller's organisations
 * (their aliases) into the access token's {@value #CLAIM} claim, and the caller's organisation roles into
 * {@value #GROUPS_CLAIM}; a caller in several names the one it acts for in the {@value #HEADER} header. The public
 * catalogue is the pseudo-organisation {@value #PUBLIC}: every organisation reads it, only a platform admin writes it.
 */
public final class Organizations {

    /** The request header naming the organisation a caller acts for. */
    public static final String HEADER = "TraitTrace-Organization";
    /** The token claim Keycloak's organization membership mapper fills: a list of aliases, or an object keyed by alias. */
    public static final String CLAIM = "organization";
    /**
     * The token claim a group membership mapper (full paths) fills with the caller's Keycloak groups. A group
     * {@code /organizations/ALIAS/ROLE} grants the organisation role ROLE in organisation ALIAS. Keycloak 26.5 has no
     * roles per organisation, so realm groups under {@value #GROUP_ROOT} stand in for them.
     */
    public static final String GROUPS_CLAIM = "organization_groups";
    /** The top-level Keycloak group under which each organisation has its role groups. */
    public static final String GROUP_ROOT = "organizations";
    /** The public catalogue's organisation id (no Keycloak organization may use this alias). */
    public static final String PUBLIC = "public";
    /** Where rows written before organisations existed belong (the Flyway placeholder {@code defaultOrganization}). */
    public static final String DEFAULT = "default";
    /** What an organisation alias may look like: Keycloak's alias, restricted to what is safe in a label or a URL. */
    public static final String ALIAS_PATTERN = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

    private static final Pattern ALIAS = Pattern.compile(ALIAS_PATTERN);

    private Organizations() {
    }

    public static boolean isAlias(String value) {
        return value != null && ALIAS.matcher(value).matches();
    }

    /**
     * Why the {@value #HEADER} values of a request cannot name an organisation, if they cannot: sent twice, or not an
     * alias. Absent or blank is fine (the caller's only organisation is then meant).
     */
    public static Optional<String> headerRefusal(List<String> values) {
        if (values.size() > 1) {
            return Optional.of(HEADER + " may be sent once");
        }
        if (values.isEmpty() || values.get(0).isBlank() || isAlias(values.get(0).strip())) {
            return Optional.empty();
        }
        return Optional.of(HEADER + " must be an organisation alias (" + ALIAS_PATTERN + ")");
    }
}

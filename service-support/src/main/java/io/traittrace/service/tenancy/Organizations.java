package io.traittrace.service.tenancy;

import java.util.regex.Pattern;

/**
 * The organisation boundary every service keeps. Keycloak Organizations put the caller's organisations (their
 * aliases) into the access token's {@value #CLAIM} claim; a caller in several names the one it acts for in the
 * {@value #HEADER} header. The public catalogue is the pseudo-organisation {@value #PUBLIC}: every organisation reads
 * it, only a platform admin writes it.
 */
public final class Organizations {

    /** The request header naming the organisation a caller acts for. */
    public static final String HEADER = "TraitTrace-Organization";
    /** The token claim Keycloak's organization membership mapper fills: a list of aliases, or an object keyed by alias. */
    public static final String CLAIM = "organization";
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
}

package io.traittrace.gateway.service;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The organisation boundary as the gateway sees it: the services decide which organisation a request acts for (from the
 * token's {@value #CLAIM} claim and the {@value #HEADER} header); the gateway forwards the header, refuses one that cannot
 * name an organisation before anything is forwarded, and lets console users pick theirs. The names and the alias pattern
 * are service-support's {@code io.traittrace.service.tenancy.Organizations}; the gateway does not depend on
 * service-support, whose beans (outbox, problem mappers) would join its own.
 */
public final class Organizations {

    /** The request header naming the organisation a caller acts for. */
    public static final String HEADER = "TraitTrace-Organization";
    /** The token claim Keycloak's organization membership mapper fills with the caller's organisation aliases. */
    public static final String CLAIM = "organization";
    /** The console's choice of organisation for a user in several, sent as {@value #HEADER} on the session's calls. */
    public static final String COOKIE = "traittrace-organization";
    /** The public catalogue's pseudo-organisation: nobody is a member of it. */
    public static final String PUBLIC = "public";
    private static final Pattern ALIAS = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Organizations() {
    }

    public static boolean isAlias(String value) {
        return value != null && ALIAS.matcher(value).matches();
    }

    /**
     * Why the {@value #HEADER} values of a request cannot name an organisation, if they cannot: sent twice, or not an
     * alias. Absent or blank is fine (the services then use the caller's only organisation).
     */
    public static Optional<String> headerRefusal(List<String> values) {
        if (values.size() > 1) {
            return Optional.of(HEADER + " may be sent once");
        }
        if (values.isEmpty() || values.get(0).isBlank() || isAlias(values.get(0).strip())) {
            return Optional.empty();
        }
        return Optional.of(HEADER + " must be an organisation alias (" + ALIAS.pattern() + ")");
    }

    /** The organisation aliases in a token's claim, in either shape Keycloak's mapper writes (a list, or an object by alias). */
    public static Set<String> memberships(JsonWebToken token) {
        Object claim = token.getClaim(CLAIM);
        Set<String> aliases = new TreeSet<>();
        if (claim instanceof JsonArray array) {
            array.forEach(value -> {
                if (value instanceof JsonString text) {
                    aliases.add(text.getString());
                }
            });
        } else if (claim instanceof JsonObject object) {
            aliases.addAll(object.keySet());
        } else if (claim instanceof Map<?, ?> map) {
            map.keySet().forEach(key -> aliases.add(key.toString()));
        } else if (claim instanceof Collection<?> values) {
            values.forEach(value -> aliases.add(value.toString()));
        } else if (claim instanceof String alias) {
            aliases.add(alias);
        }
        // What the services would never take as a membership is no choice to offer.
        aliases.removeIf(alias -> !isAlias(alias) || PUBLIC.equals(alias));
        return aliases;
    }
}

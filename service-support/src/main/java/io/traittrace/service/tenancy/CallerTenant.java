package io.traittrace.service.tenancy;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;

/** The current request's {@link Tenant}, resolved once, from the caller's token and {@value Organizations#HEADER}. */
@RequestScoped
public class CallerTenant {

    private final SecurityIdentity identity;
    private final HttpServerRequest request;
    private Tenant tenant;

    public CallerTenant(SecurityIdentity identity, HttpServerRequest request) {
        this.identity = identity;
        this.request = request;
    }

    /** The organisation this request acts for; a 400 or 403 problem when it names none it may act for. */
    public Tenant get() {
        if (tenant == null) {
            tenant = TenantResolution.resolve(memberships(identity), identity.getRoles(),
                    request.getHeader(Organizations.HEADER));
        }
        return tenant;
    }

    /** The organisation aliases in the caller's token, in either of the shapes Keycloak's mapper writes. */
    public static Set<String> memberships(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Set.of();
        }
        Object claim = token.getClaim(Organizations.CLAIM);
        Set<String> aliases = new LinkedHashSet<>();
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
        return aliases;
    }
}

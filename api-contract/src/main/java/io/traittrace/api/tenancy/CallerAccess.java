package io.traittrace.api.tenancy;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/**
 * What a caller's token says about where it may act: its organisations, its platform roles (realm roles, held
 * wherever it acts) and its organisation roles per organisation. Read once per token; {@link #resolve(String)} then
 * says, per request, which organisation it acts for and with which roles.
 *
 * @param memberships the organisations the caller is a member of (never {@value Organizations#PUBLIC})
 * @param platformRoles the realm roles other than {@link Roles#ORGANIZATION_ROLES}
 * @param organizationRoles per organisation the caller is a member of, the organisation roles its groups grant there
 */
public record CallerAccess(Set<String> memberships, Set<String> platformRoles,
        Map<String, Set<String>> organizationRoles) {

    public CallerAccess {
        memberships = Set.copyOf(memberships);
        platformRoles = Set.copyOf(platformRoles);
        organizationRoles = Map.copyOf(organizationRoles);
    }

    /**
     * From a token: its realm roles, its {@value Organizations#CLAIM} claim and its {@value Organizations#GROUPS_CLAIM}
     * claim, as the JWT parser hands them over (JSON values, collections or strings; null when absent). What cannot be
     * an organisation or an organisation role is dropped: a realm role named {@code auditor} grants nothing, a group
     * {@code /organizations/acme/platform-admin} grants nothing, and roles in an organisation the caller is not a member
     * of (a group left behind after the membership ended) grant nothing.
     */
    public static CallerAccess fromToken(Set<String> realmRoles, Object organizationClaim, Object groupsClaim) {
        Set<String> members = new TreeSet<>();
        for (String alias : strings(organizationClaim, true)) {
            if (Organizations.isAlias(alias) && !Organizations.PUBLIC.equals(alias)) {
                members.add(alias);
            }
        }
        Set<String> platform = new TreeSet<>(realmRoles);
        platform.removeAll(Roles.ORGANIZATION_ROLES);
        Map<String, Set<String>> byOrganization = new TreeMap<>();
        String prefix = "/" + Organizations.GROUP_ROOT + "/";
        for (String path : strings(groupsClaim, false)) {
            if (!path.startsWith(prefix)) {
                continue;
            }
            String[] parts = path.substring(prefix.length()).split("/", -1);
            if (parts.length == 2 && members.contains(parts[0]) && Roles.ORGANIZATION_ROLES.contains(parts[1])) {
                byOrganization.computeIfAbsent(parts[0], alias -> new TreeSet<>()).add(parts[1]);
            }
        }
        return new CallerAccess(members, platform, byOrganization);
    }

    /** The roles the caller holds when it acts for {@code organization}: its platform roles and its roles there. */
    public Set<String> rolesIn(String organization) {
        Set<String> roles = new TreeSet<>(platformRoles);
        roles.addAll(organizationRoles.getOrDefault(organization, Set.of()));
        return roles;
    }

    /** Which organisation a request naming {@code header} (may be null) acts for, by {@link TenantResolution}. */
    public TenantResolution resolve(String header) {
        return TenantResolution.resolve(this, header);
    }

    /**
     * The strings in a claim: a JSON array or collection of strings, a single string, or (when {@code keys}) the keys
     * of an object, which is how Keycloak's organization mapper writes organisations with their attributes.
     */
    private static Set<String> strings(Object claim, boolean keys) {
        Set<String> values = new TreeSet<>();
        if (claim instanceof JsonArray array) {
            array.forEach(value -> {
                if (value instanceof JsonString text) {
                    values.add(text.getString());
                }
            });
        } else if (claim instanceof JsonObject object) {
            if (keys) {
                values.addAll(object.keySet());
            }
        } else if (claim instanceof Map<?, ?> map) {
            if (keys) {
                map.keySet().forEach(key -> values.add(key.toString()));
            }
        } else if (claim instanceof Collection<?> collection) {
            collection.forEach(value -> {
                if (value instanceof JsonString text) {
                    values.add(text.getString());
                } else if (value instanceof String text) {
                    values.add(text);
                }
            });
        } else if (claim instanceof JsonString text) {
            values.add(text.getString());
        } else if (claim instanceof String text) {
            values.add(text);
        }
        return values;
    }
}

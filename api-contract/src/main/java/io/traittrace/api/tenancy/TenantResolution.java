package io.traittrace.api.tenancy;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which organisation a request acts for and with which roles, from what the caller's token says ({@link CallerAccess})
 * and the {@value Organizations#HEADER} header it sent. A pure function, kept apart from requests so that the rules are
 * tested on their own:
 * <ul>
 * <li>An internal service (role {@value Roles#INTERNAL_SERVICE}) acts for whichever organisation it names, and must
 * name one: it calls on behalf of a request it already scoped.</li>
 * <li>The public catalogue is acted for by platform admins only.</li>
 * <li>Anyone else acts for an organisation they are a member of: the one they name, or their only one, holding there
 * their platform roles and the organisation roles their groups grant in it.</li>
 * </ul>
 * A refused request still holds its platform roles, so that a platform admin reaches the routes that name no
 * organisation (quotas) and every other caller is told why it may not act, not merely that its roles fall short.
 */
public sealed interface TenantResolution {

    /** The roles the request holds. */
    Set<String> roles();

    /** The request acts for {@code tenant} holding {@code roles}. */
    record Acting(Tenant tenant, Set<String> roles) implements TenantResolution {
        public Acting {
            roles = Set.copyOf(roles);
        }
    }

    /** The request names no organisation it may act for: a problem with this status, title and detail. */
    record Refused(int status, String title, String detail, Set<String> roles) implements TenantResolution {
        public Refused {
            roles = Set.copyOf(roles);
        }
    }

    static TenantResolution resolve(CallerAccess caller, String header) {
        Set<String> platform = caller.platformRoles();
        String named = header == null || header.isBlank() ? null : header.strip();
        if (named != null && !Organizations.isAlias(named)) {
            return new Refused(400, "Invalid organisation", Organizations.HEADER + " must be an organisation alias ("
                    + Organizations.ALIAS_PATTERN + ")", platform);
        }
        if (platform.contains(Roles.INTERNAL_SERVICE)) {
            return named == null
                    ? new Refused(400, "Organisation required",
                            "a service call must name the organisation it acts for in " + Organizations.HEADER, platform)
                    : new Acting(new Tenant(named), platform);
        }
        if (Organizations.PUBLIC.equals(named)) {
            return platform.contains(Roles.PLATFORM_ADMIN)
                    ? new Acting(new Tenant(named), platform)
                    : new Refused(403, "Not a platform admin", "only a platform admin acts for the public catalogue",
                            platform);
        }
        Set<String> members = caller.memberships();
        if (named != null) {
            return members.contains(named)
                    ? new Acting(new Tenant(named), caller.rolesIn(named))
                    : new Refused(403, "Not a member",
                            "the caller is not a member of the organisation named in " + Organizations.HEADER, platform);
        }
        if (members.size() == 1) {
            String only = members.iterator().next();
            return new Acting(new Tenant(only), caller.rolesIn(only));
        }
        if (members.isEmpty()) {
            return new Refused(403, "No organisation", "the caller is a member of no organisation", platform);
        }
        return new Refused(400, "Organisation required", "the caller is a member of several organisations "
                + new TreeSet<>(members) + "; name one in " + Organizations.HEADER, platform);
    }
}

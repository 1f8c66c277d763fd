package io.traittrace.service.tenancy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.traittrace.service.rest.ApiProblem;
import io.traittrace.service.rest.Roles;

/**
 * Which organisation a caller acts for, from what its token says and the header it sent. Kept apart from the request
 * so that the rules are tested on their own.
 * <ul>
 * <li>An internal service (role {@value Roles#INTERNAL_SERVICE}) acts for whichever organisation it names, and must
 * name one: it calls on behalf of a request it already scoped.</li>
 * <li>The public catalogue is acted for by platform admins only.</li>
 * <li>Anyone else acts for an organisation they are a member of: the one they name, or their only one.</li>
 * </ul>
 */
public final class TenantResolution {

    private TenantResolution() {
    }

    public static Tenant resolve(Set<String> memberships, Set<String> roles, String header) {
        String named = header == null || header.isBlank() ? null : header.strip();
        if (named != null && !Organizations.isAlias(named)) {
            throw problem(400, "Invalid organisation", Organizations.HEADER + " must be an organisation alias ("
                    + Organizations.ALIAS_PATTERN + ")");
        }
        if (roles.contains(Roles.INTERNAL_SERVICE)) {
            if (named == null) {
                throw problem(400, "Organisation required",
                        "a service call must name the organisation it acts for in " + Organizations.HEADER);
            }
            return new Tenant(named);
        }
        if (Organizations.PUBLIC.equals(named)) {
            if (roles.contains(Roles.PLATFORM_ADMIN)) {
                return new Tenant(named);
            }
            throw problem(403, "Not a platform admin", "only a platform admin acts for the public catalogue");
        }
        Set<String> members = new TreeSet<>(memberships);
        members.removeIf(alias -> !Organizations.isAlias(alias) || Organizations.PUBLIC.equals(alias));
        if (named != null) {
            if (members.contains(named)) {
                return new Tenant(named);
            }
            throw problem(403, "Not a member", "the caller is not a member of the organisation named in "
                    + Organizations.HEADER);
        }
        if (members.size() == 1) {
            return new Tenant(members.iterator().next());
        }
        if (members.isEmpty()) {
            throw problem(403, "No organisation", "the caller is a member of no organisation");
        }
        throw problem(400, "Organisation required", "the caller is a member of several organisations " + members
                + "; name one in " + Organizations.HEADER);
    }

    private static ApiProblem problem(int status, String title, String detail) {
        return new ApiProblem(status, title, detail, List.of());
    }
}

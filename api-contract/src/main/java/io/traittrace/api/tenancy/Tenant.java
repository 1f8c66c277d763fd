package io.traittrace.api.tenancy;

import java.util.List;
import java.util.Set;

/**
 * The organisation a request acts for. Reads see {@link #readable()} (the organisation and the public catalogue);
 * writes land in {@link #organization()}. Ids from another organisation answer 404, never 403, so probing ids tells a
 * caller nothing.
 */
public record Tenant(String organization) {

    public Tenant {
        if (!Organizations.isAlias(organization)) {
            throw new IllegalArgumentException("not an organisation alias: " + organization);
        }
    }

    /** Acting for the public catalogue: only a platform admin does. */
    public boolean isPublicCatalogue() {
        return Organizations.PUBLIC.equals(organization);
    }

    /** The organisations whose rows this request may read: its own and the public catalogue. */
    public Set<String> readable() {
        return isPublicCatalogue() ? Set.of(organization) : Set.of(organization, Organizations.PUBLIC);
    }

    /** {@link #readable()} as a list, for an {@code = ANY(:orgs)} parameter. */
    public List<String> readableList() {
        return List.copyOf(readable());
    }
}

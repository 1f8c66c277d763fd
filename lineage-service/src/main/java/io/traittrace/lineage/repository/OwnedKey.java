package io.traittrace.lineage.repository;

import java.io.Serializable;
import java.util.Objects;

/** The key of an owned lineage record: ids are unique per organisation, not globally. */
public class OwnedKey implements Serializable {

    public String organization;
    public String id;

    public OwnedKey() {
    }

    public OwnedKey(String organization, String id) {
        this.organization = organization;
        this.id = id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OwnedKey key && Objects.equals(organization, key.organization) && Objects.equals(id, key.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(organization, id);
    }
}

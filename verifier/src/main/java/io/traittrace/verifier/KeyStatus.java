package io.traittrace.verifier;

/** Where a key is in its life: signs now, verifies old certificates only, or must no longer be trusted. */
public enum KeyStatus {
    ACTIVE, RETIRED, REVOKED;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

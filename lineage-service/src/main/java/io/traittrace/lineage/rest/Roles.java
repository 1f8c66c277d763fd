package io.traittrace.lineage.rest;

/** Realm roles of the Keycloak realm "traittrace". Each role includes the rights of the ones before it. */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String AUDITOR = "auditor";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}

package io.traittrace.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.traittrace.testsupport.KeycloakServer;

/**
 * The realm's password policy (the realm file k8s imports too) at Keycloak's own admin API: what a real Keycloak refuses,
 * not only what the file says.
 */
class RealmPasswordPolicyTest {

    private final KeycloakServer keycloak = KeycloakServer.shared();

    @Test
    void aShortPasswordIsRefused() {
        assertThat(keycloak.passwordPolicyAccepts("owl-2026")).isFalse();
    }

    @Test
    void aLongOneIsTaken() {
        assertThat(keycloak.passwordPolicyAccepts("correct horse battery staple")).isTrue();
    }
}

package io.traittrace.service.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.traittrace.service.rest.ApiProblem;
import io.traittrace.service.rest.Roles;

class TenantResolutionTest {

    private static final Set<String> AUDITOR = Set.of(Roles.AUDITOR);

    @Test
    void aMemberOfOneOrganisationActsForItWithoutNamingIt() {
        assertEquals("acme", TenantResolution.resolve(Set.of("acme"), AUDITOR, null).organization());
        assertEquals("acme", TenantResolution.resolve(Set.of("acme"), AUDITOR, " ").organization());
        assertEquals(Set.of("acme", "public"), TenantResolution.resolve(Set.of("acme"), AUDITOR, null).readable());
    }

    @Test
    void aMemberOfSeveralNamesOneOfThem() {
        assertEquals("globex", TenantResolution.resolve(Set.of("acme", "globex"), AUDITOR, "globex").organization());
        ApiProblem unnamed = assertThrows(ApiProblem.class,
                () -> TenantResolution.resolve(Set.of("acme", "globex"), AUDITOR, null));
        assertEquals(400, unnamed.status());
    }

    @Test
    void namingAnOrganisationTheCallerIsNotInIsForbidden() {
        assertEquals(403, assertThrows(ApiProblem.class,
                () -> TenantResolution.resolve(Set.of("acme"), AUDITOR, "globex")).status());
        assertEquals(403, assertThrows(ApiProblem.class,
                () -> TenantResolution.resolve(Set.of(), AUDITOR, null)).status());
        assertEquals(400, assertThrows(ApiProblem.class,
                () -> TenantResolution.resolve(Set.of("acme"), AUDITOR, "Acme Corp")).status());
    }

    @Test
    void onlyPlatformAdminsActForThePublicCatalogue() {
        assertEquals(403, assertThrows(ApiProblem.class,
                () -> TenantResolution.resolve(Set.of("acme", "public"), Set.of(Roles.ADMIN), "public")).status());
        Tenant catalogue = TenantResolution.resolve(Set.of(), Set.of(Roles.PLATFORM_ADMIN), "public");
        assertEquals(Set.of("public"), catalogue.readable());
        // A membership claim naming "public" never makes anyone its member.
        assertEquals(403, assertThrows(ApiProblem.class,
                () -> TenantResolution.resolve(Set.of("public"), AUDITOR, null)).status());
    }

    @Test
    void anInternalServiceActsForTheOrganisationItNamesAndMustNameOne() {
        Set<String> service = Set.of(Roles.INTERNAL_SERVICE);
        assertEquals("globex", TenantResolution.resolve(Set.of(), service, "globex").organization());
        assertEquals(400, assertThrows(ApiProblem.class,
                () -> TenantResolution.resolve(Set.of(), service, null)).status());
    }
}

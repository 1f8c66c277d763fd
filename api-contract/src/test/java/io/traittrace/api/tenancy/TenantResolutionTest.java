package io.traittrace.api.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;

class TenantResolutionTest {

    /** A caller whose groups grant {@code grants} ("acme/auditor", ...), a member of {@code organizations}. */
    private static CallerAccess caller(Set<String> realmRoles, List<String> organizations, String... grants) {
        List<String> groups = java.util.Arrays.stream(grants).map(grant -> "/organizations/" + grant).toList();
        return CallerAccess.fromToken(realmRoles, organizations, groups);
    }

    private static TenantResolution.Acting acting(TenantResolution resolution) {
        assertThat(resolution).isInstanceOf(TenantResolution.Acting.class);
        return (TenantResolution.Acting) resolution;
    }

    private static TenantResolution.Refused refused(TenantResolution resolution) {
        assertThat(resolution).isInstanceOf(TenantResolution.Refused.class);
        return (TenantResolution.Refused) resolution;
    }

    @Test
    void aMemberOfOneOrganisationActsForItWithoutNamingItHoldingItsRolesThere() {
        CallerAccess auditor = caller(Set.of(), List.of("acme"), "acme/auditor");
        for (String header : new String[] {null, " ", "acme"}) {
            TenantResolution.Acting acting = acting(auditor.resolve(header));
            assertThat(acting.tenant().organization()).isEqualTo("acme");
            assertThat(acting.roles()).containsExactly(Roles.AUDITOR);
        }
        assertThat(acting(auditor.resolve(null)).tenant().readable()).containsExactlyInAnyOrder("acme", "public");
    }

    @Test
    void rolesHoldOnlyInTheOrganisationThatGrantsThem() {
        CallerAccess consultant = caller(Set.of(), List.of("acme", "globex"), "acme/viewer", "globex/auditor",
                "globex/viewer");
        assertThat(acting(consultant.resolve("acme")).roles()).containsExactly(Roles.VIEWER);
        assertThat(acting(consultant.resolve("globex")).roles()).containsExactlyInAnyOrder(Roles.AUDITOR, Roles.VIEWER);
        // A member without a role group in the organisation acts for it holding nothing there.
        CallerAccess member = caller(Set.of(), List.of("acme", "globex"), "acme/admin");
        assertThat(acting(member.resolve("globex")).roles()).isEmpty();
    }

    @Test
    void realmRolesOfOrganisationRoleNamesGrantNothing() {
        CallerAccess legacy = caller(Set.of(Roles.ADMIN, Roles.AUDITOR), List.of("acme"));
        assertThat(acting(legacy.resolve(null)).roles()).isEmpty();
        assertThat(legacy.platformRoles()).isEmpty();
    }

    @Test
    void groupsOutsideTheOrganisationTreeOrNamingNoOrganisationRoleGrantNothing() {
        CallerAccess caller = CallerAccess.fromToken(Set.of(), List.of("acme", "globex"), List.of(
                "/organizations/acme/platform-admin", "/organizations/acme/internal-service", "/admins/acme/admin",
                "/organizations/acme", "/organizations/acme/admin/extra", "organizations/acme/admin",
                "/organizations/globex/viewer"));
        assertThat(caller.organizationRoles()).isEqualTo(Map.of("globex", Set.of(Roles.VIEWER)));
        assertThat(acting(caller.resolve("acme")).roles()).isEmpty();
    }

    @Test
    void aGroupInAnOrganisationTheCallerIsNoLongerAMemberOfGrantsNothing() {
        CallerAccess former = caller(Set.of(), List.of("acme"), "acme/viewer", "globex/admin");
        assertThat(former.organizationRoles()).containsOnlyKeys("acme");
        TenantResolution.Refused refused = refused(former.resolve("globex"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.roles()).isEmpty();
    }

    @Test
    void aMemberOfSeveralNamesOneOfThem() {
        CallerAccess consultant = caller(Set.of(), List.of("acme", "globex"), "acme/viewer", "globex/auditor");
        assertThat(acting(consultant.resolve("globex")).tenant().organization()).isEqualTo("globex");
        TenantResolution.Refused unnamed = refused(consultant.resolve(null));
        assertThat(unnamed.status()).isEqualTo(400);
        assertThat(unnamed.detail()).contains("[acme, globex]").contains(Organizations.HEADER);
        assertThat(unnamed.roles()).isEmpty();
    }

    @Test
    void namingAnOrganisationTheCallerIsNotInIsForbidden() {
        CallerAccess auditor = caller(Set.of(), List.of("acme"), "acme/auditor");
        assertThat(refused(auditor.resolve("globex")).status()).isEqualTo(403);
        assertThat(refused(caller(Set.of(), List.of()).resolve(null)).status()).isEqualTo(403);
        assertThat(refused(auditor.resolve("Acme Corp")).status()).isEqualTo(400);
    }

    @Test
    void onlyPlatformAdminsActForThePublicCatalogueAndKeepTheirPlatformRolesWherever() {
        assertThat(refused(caller(Set.of(), List.of("acme", "public"), "acme/admin").resolve("public")).status())
                .isEqualTo(403);
        CallerAccess platformAdmin = caller(Set.of(Roles.PLATFORM_ADMIN), List.of());
        TenantResolution.Acting catalogue = acting(platformAdmin.resolve("public"));
        assertThat(catalogue.tenant().readable()).containsExactly("public");
        assertThat(catalogue.roles()).containsExactly(Roles.PLATFORM_ADMIN);
        // Refused an organisation, it still holds its platform role (for the routes that name none, such as quotas).
        TenantResolution.Refused refused = refused(platformAdmin.resolve(null));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.roles()).containsExactly(Roles.PLATFORM_ADMIN);
        // A membership claim naming "public" never makes anyone its member.
        assertThat(refused(caller(Set.of(), List.of("public"), "public/auditor").resolve(null)).status())
                .isEqualTo(403);
    }

    @Test
    void anInternalServiceActsForTheOrganisationItNamesAndMustNameOne() {
        CallerAccess service = caller(Set.of(Roles.INTERNAL_SERVICE), List.of());
        TenantResolution.Acting acting = acting(service.resolve("globex"));
        assertThat(acting.tenant().organization()).isEqualTo("globex");
        assertThat(acting.roles()).containsExactly(Roles.INTERNAL_SERVICE);
        assertThat(refused(service.resolve(null)).status()).isEqualTo(400);
    }

    @Test
    void readsEitherShapeOfKeycloaksOrganisationClaim() {
        var list = Json.createArrayBuilder().add("acme").add("globex").build();
        var object = Json.createObjectBuilder().add("acme", Json.createObjectBuilder().add("id", "1"))
                .add("globex", Json.createObjectBuilder()).build();
        var groups = Json.createArrayBuilder().add("/organizations/acme/auditor").build();
        for (Object claim : List.of(list, object)) {
            CallerAccess caller = CallerAccess.fromToken(Set.of(), claim, groups);
            assertThat(caller.memberships()).containsExactlyInAnyOrder("acme", "globex");
            assertThat(caller.rolesIn("acme")).containsExactly(Roles.AUDITOR);
        }
        assertThat(CallerAccess.fromToken(Set.of(), Json.createValue("acme"), null).memberships())
                .containsExactly("acme");
        assertThat(CallerAccess.fromToken(Set.of(), null, null).memberships()).isEmpty();
    }
}

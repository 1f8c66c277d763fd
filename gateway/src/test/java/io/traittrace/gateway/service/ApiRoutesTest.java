package io.traittrace.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.traittrace.gateway.service.ApiRoutes.Found;
import io.traittrace.gateway.service.ApiRoutes.MethodNotAllowed;
import io.traittrace.gateway.service.ApiRoutes.NoSuchPath;
import io.traittrace.gateway.service.ApiRoutes.Service;

class ApiRoutesTest {

    private final ApiRoutes routes = new ApiRoutes();

    @Test
    void specificRulesWinOverTheWildcardsThatAlsoMatch() {
        Found revoke = (Found) routes.lookup("POST", "/api/certificates/c-1/revoke");
        assertThat(revoke.route().roles()).containsExactly("admin");
        Found verify = (Found) routes.lookup("POST", "/api/certificates/verify");
        assertThat(verify.route().isPublic()).isTrue();
        Found delete = (Found) routes.lookup("DELETE", "/api/lineage/assertions/shared-init/s-1");
        assertThat(delete.route().roles()).as("an organisation's admins, and platform admins for the public catalogue")
                .containsExactlyInAnyOrder("admin", "platform-admin");
    }

    @Test
    void anOrganisationsQuotaIsReadByItsAdminsAndSetByPlatformAdminsOnly() {
        Found read = (Found) routes.lookup("GET", "/api/organizations/acme/quota");
        assertThat(read.route().service()).isEqualTo(Service.RUNNER);
        assertThat(read.route().roles()).containsExactlyInAnyOrder("platform-admin", "admin");
        Found set = (Found) routes.lookup("PUT", "/api/organizations/acme/quota");
        assertThat(set.route().roles()).containsExactly("platform-admin");
        assertThat(routes.lookup("GET", "/api/organizations")).isInstanceOf(NoSuchPath.class);
        assertThat(routes.lookup("DELETE", "/api/organizations/acme/quota")).isEqualTo(new MethodNotAllowed(Set.of("GET", "PUT")));
    }

    @Test
    void eachServiceGetsItsOwnPaths() {
        assertThat(((Found) routes.lookup("GET", "/api/lineage/models/a/b/c")).route().service()).isEqualTo(Service.LINEAGE);
        assertThat(((Found) routes.lookup("GET", "/api/audits")).route().service()).isEqualTo(Service.RUNNER);
        assertThat(((Found) routes.lookup("GET", "/api/keys")).route().service()).isEqualTo(Service.REPORT);
        assertThat(((Found) routes.lookup("HEAD", "/api/audits/a-1")).route().service()).isEqualTo(Service.RUNNER);
    }

    @Test
    void wildcardsStopAtSegmentBoundaries() {
        // "*" is one segment: a revoke path with an extra segment is not the revoke route.
        assertThat(routes.lookup("POST", "/api/certificates/a/b/revoke")).isInstanceOf(MethodNotAllowed.class);
        assertThat(routes.lookup("GET", "/api/lineage")).isInstanceOf(NoSuchPath.class);
        assertThat(routes.lookup("GET", "/api/lineagex/models")).isInstanceOf(NoSuchPath.class);
        assertThat(routes.lookup("GET", "/api/keys/extra")).isInstanceOf(NoSuchPath.class);
        assertThat(routes.lookup("POST", "/api/runs/r-1/result")).isInstanceOf(NoSuchPath.class);
    }

    @Test
    void aKnownPathWithAnotherMethodNamesTheAllowedOnes() {
        assertThat(routes.lookup("PUT", "/api/audits")).isEqualTo(new MethodNotAllowed(Set.of("GET", "POST")));
        assertThat(routes.lookup("DELETE", "/api/lineage/models/m-1")).isEqualTo(new MethodNotAllowed(Set.of("GET", "POST")));
    }

    @Test
    void rolesAreMatchedAsAnyOf() {
        var write = ((Found) routes.lookup("POST", "/api/audits")).route();
        assertThat(write.allows(Set.of("viewer"))).isFalse();
        assertThat(write.allows(Set.of("viewer", "auditor"))).isTrue();
        assertThat(write.allows(Set.of())).isFalse();
    }
}

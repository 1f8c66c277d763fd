package io.traittrace.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;

import org.junit.jupiter.api.Test;

import io.traittrace.gateway.service.ApiRoutes;

/**
 * The console never lets through what the API refuses: each write page is open to exactly the roles of the API route
 * it calls, and every page to no role the API's readers lack.
 */
class ConsoleRolesTest {

    private final ApiRoutes routes = new ApiRoutes();

    @Test
    void eachWriteIsOpenToExactlyTheRolesOfItsApiRoute() {
        assertThat(roles(AuditPages.class, "request")).isEqualTo(apiRoles("POST", "/api/audits"));
        assertThat(roles(AuditPages.class, "requestForm")).isEqualTo(apiRoles("POST", "/api/audits"));
        assertThat(roles(AuditPages.class, "cancel")).isEqualTo(apiRoles("POST", "/api/audits/a/cancel"));
        assertThat(roles(CertificatePages.class, "revoke")).isEqualTo(apiRoles("POST", "/api/certificates/c/revoke"));
        assertThat(roles(OrganizationPages.class, "setQuota")).isEqualTo(apiRoles("PUT", "/api/organizations/o/quota"));
    }

    @Test
    void theOrganisationPagesAreThePlatformAdminsAndTheSwitcherTheReaders() {
        Set<String> quotaReaders = apiRoles("GET", "/api/organizations/o/quota");
        assertThat(roles(OrganizationPages.class, "list")).containsExactly("platform-admin").isSubsetOf(quotaReaders);
        assertThat(roles(OrganizationPages.class, "quota")).containsExactly("platform-admin").isSubsetOf(quotaReaders);
        assertThat(roles(OrganizationPages.class, "open")).containsExactly("platform-admin");
        assertThat(roles(OrganizationPages.class, "switchTo")).isEqualTo(apiRoles("GET", "/api/audits"));
    }

    @Test
    void everyPageIsForTheApisReadersOnly() {
        Set<String> readers = apiRoles("GET", "/api/audits");
        for (Class<?> pages : new Class<?>[] { ConsolePages.class, LineagePages.class, DatasetPages.class, AuditPages.class,
                CertificatePages.class }) {
            Set<String> classRoles = Set.of(pages.getAnnotation(RolesAllowed.class).value());
            assertThat(classRoles).as(pages.getSimpleName()).isEqualTo(readers);
            for (Method method : pages.getDeclaredMethods()) {
                RolesAllowed own = method.getAnnotation(RolesAllowed.class);
                if (own != null && pages == ConsolePages.class && method.getName().equals("home")) {
                    // The start page also takes platform admins, only to send them to the organisations: it reads nothing for them.
                    assertThat(Set.of(own.value())).as(method.toString()).containsAll(readers).contains("platform-admin").hasSize(readers.size() + 1);
                } else if (own != null) {
                    assertThat(readers).as(method.toString()).containsAll(Set.of(own.value()));
                }
            }
        }
        // Lineage also lets platform admins in, for the public catalogue only (which no console page shows them).
        Set<String> lineageReaders = new HashSet<>(apiRoles("GET", "/api/lineage/models"));
        assertThat(lineageReaders).containsAll(readers);
        lineageReaders.removeAll(readers);
        assertThat(lineageReaders).containsExactly("platform-admin");
        assertThat(apiRoles("GET", "/api/certificates")).containsAll(readers);
    }

    private Set<String> apiRoles(String method, String path) {
        return ((ApiRoutes.Found) routes.lookup(method, path)).route().roles();
    }

    private static Set<String> roles(Class<?> pages, String name) {
        Method method = Arrays.stream(pages.getDeclaredMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
        return Arrays.stream(method.getAnnotation(RolesAllowed.class).value()).collect(Collectors.toSet());
    }
}

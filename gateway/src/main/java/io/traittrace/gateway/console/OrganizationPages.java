package io.traittrace.gateway.console;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.problem.ProblemKind;
import io.traittrace.api.tenancy.Organizations;
import io.traittrace.api.tenancy.Roles;
import io.traittrace.gateway.config.GatewayConfig;
import io.traittrace.gateway.config.TenantSelector;
import io.traittrace.gateway.service.CrossSiteRequests;
import io.vertx.core.http.HttpMethod;

/**
 * Organisations in the console: the switcher's target (a member of several picks the one the console acts for), and
 * for platform admins the organisations with their quotas, which they set here through the runner's quota API.
 */
@Path("/console/organizations")
@Produces(MediaType.TEXT_HTML)
public class OrganizationPages {

    /** Where the switcher returns to: the section's list (a record of the previous organisation would be a 404). */
    private static final Map<String, String> SECTIONS = Map.of("lineage", "/console/models", "audits", "/console/audits",
            "certificates", "/console/certificates");

    private final ConsoleService console;
    private final ConsoleOrganization organization;
    private final CrossSiteRequests crossSite;
    private final List<String> listed;
    private final Template organizations;
    private final Template quota;

    public OrganizationPages(ConsoleService console, ConsoleOrganization organization, CrossSiteRequests crossSite,
            GatewayConfig config, @Location("console/organizations.html") Template organizations,
            @Location("console/organization.html") Template quota) {
        this.console = console;
        this.organization = organization;
        this.crossSite = crossSite;
        this.listed = config.organizations().orElse(List.of()).stream().filter(Organizations::isAlias).distinct().sorted().toList();
        this.organizations = organizations;
        this.quota = quota;
    }

    /**
     * The switcher: remembers the chosen organisation (one of the user's) and goes back to the section's list. A read by
     * its method, so it needs no form token; like the API's session calls it is refused when another site sent it.
     */
    @GET
    @Path("switch")
    @RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
    public Response switchTo(@QueryParam("organization") String chosen, @QueryParam("section") String section,
            @HeaderParam("Sec-Fetch-Site") String secFetchSite, @HeaderParam("Origin") String origin) {
        if (crossSite.refusal(HttpMethod.GET, secFetchSite, origin).isPresent()) {
            throw new ConsoleProblem(ProblemKind.FORBIDDEN, "The organisation can only be switched from the console's own pages.", List.of());
        }
        if (chosen == null || !organization.isMember(chosen)) {
            throw ConsoleProblem.notFound("You are not a member of organisation '" + chosen + "'.");
        }
        NewCookie remembered = new NewCookie.Builder(TenantSelector.ORGANIZATION_COOKIE).value(chosen).path("/").httpOnly(true).secure(true)
                .sameSite(NewCookie.SameSite.LAX).maxAge(30 * 24 * 3600).build();
        return Response.seeOther(URI.create(SECTIONS.getOrDefault(section, "/console"))).cookie(remembered).build();
    }

    /**
     * The organisations the gateway is configured to list, each with its quota and usage, or the runner's refusal in its
     * row; an outage fails the page (ConsoleErrors).
     */
    @GET
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    public Uni<TemplateInstance> list() {
        if (listed.isEmpty()) {
            return Uni.createFrom().item(organizations.data("rows", List.of()));
        }
        List<Uni<Map<String, Object>>> quotas = listed.stream().map(alias -> console.quota(alias)
                .onFailure(ConsoleProblem.class).recoverWithItem(failure -> Map.of("problem", ((ConsoleProblem) failure).detail())))
                .toList();
        return Uni.join().all(quotas).andFailFast().map(found -> {
            List<Map<String, Object>> rows = new java.util.ArrayList<>();
            for (int i = 0; i < listed.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>(found.get(i));
                row.put("alias", listed.get(i));
                rows.add(row);
            }
            return organizations.data("rows", rows);
        });
    }

    /** The list page's "open an organisation" box: any alias, listed or not. */
    @GET
    @Path("open")
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    public Response open(@QueryParam("alias") String alias) {
        String trimmed = alias == null ? "" : alias.strip();
        if (!Organizations.isAlias(trimmed)) {
            throw ConsoleProblem.notFound("'" + alias + "' is not an organisation alias.");
        }
        return Response.seeOther(URI.create("/console/organizations/" + trimmed)).build();
    }

    @GET
    @Path("{org}")
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    public Uni<TemplateInstance> quota(@PathParam("org") String alias) {
        return console.quota(alias).map(found -> form(alias, found, QuotaForm.of(found), null));
    }

    /** Sets the quota through the runner and shows the result; the runner's refusal is shown in the form. */
    @POST
    @Path("{org}/quota")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    public Uni<Response> setQuota(@PathParam("org") String alias, @BeanParam QuotaForm form) {
        Map<String, String> errors = form.validate();
        if (!errors.isEmpty()) {
            ConsoleProblem problem = new ConsoleProblem(422, "Check the form", String.join("; ", errors.values()), List.of());
            return Uni.createFrom().item(Response.status(422).entity(form(alias, Map.of(), form, problem)).build());
        }
        return console.setQuota(alias, form.toRequest())
                .map(saved -> Response.seeOther(URI.create("/console/organizations/" + alias)).build())
                .onFailure(ConsoleProblem.class).recoverWithItem(failure -> {
                    ConsoleProblem problem = (ConsoleProblem) failure;
                    if (problem.status() >= 500 || problem.status() == 401 || problem.status() == 403 || problem.status() == 404) {
                        throw problem;
                    }
                    return Response.status(problem.status()).entity(form(alias, Map.of(), form, problem)).build();
                });
    }

    private TemplateInstance form(String alias, Map<String, Object> found, QuotaForm form, ConsoleProblem problem) {
        return quota.data("alias", alias).data("quota", found).data("form", form).data("problem", problem);
    }
}

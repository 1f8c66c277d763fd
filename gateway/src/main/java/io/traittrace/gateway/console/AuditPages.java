package io.traittrace.gateway.console;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.traittrace.api.tenancy.Roles;

/**
 * Audits: the list, one audit with its plan, runs, results and live progress, the request form and cancelling.
 * Writes are for the roles the runner's API lets write (auditor, admin); the forms carry CSRF tokens.
 */
@Path("/console/audits")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ Roles.VIEWER, Roles.AUDITOR, Roles.ADMIN })
public class AuditPages {

    static final int PAGE_SIZE = 20;
    static final List<String> STATES = List.of("RUNNING", "COMPLETED", "FAILED", "CANCELLED");

    private final ConsoleService console;
    private final ObjectMapper mapper;
    private final Template audits;
    private final Template audit;
    private final Template request;

    public AuditPages(ConsoleService console, ObjectMapper mapper, @Location("console/audits.html") Template audits,
            @Location("console/audit.html") Template audit, @Location("console/audit-new.html") Template request) {
        this.console = console;
        this.mapper = mapper;
        this.audits = audits;
        this.audit = audit;
        this.request = request;
    }

    @GET
    public Uni<TemplateInstance> list(@QueryParam("state") String state, @QueryParam("student") String student,
            @QueryParam("page") String page) {
        String chosen = state != null && STATES.contains(state.trim()) ? state.trim() : "";
        String studentFilter = student == null ? "" : student.trim();
        return console.audits(chosen, studentFilter, Paging.number(page), PAGE_SIZE)
                .map(result -> audits.data("result", result).data("state", chosen).data("student", studentFilter)
                        .data("states", STATES)
                        .data("paging", Paging.of(result, "/console/audits", "state", chosen, "student", studentFilter)));
    }

    @GET
    @Path("{id}")
    public Uni<TemplateInstance> audit(@PathParam("id") String id) {
        return console.audit(id).map(page -> audit.data("page", page));
    }

    @GET
    @Path("new")
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN })
    public TemplateInstance requestForm(@QueryParam("student") String student, @QueryParam("teacher") String teacher,
            @QueryParam("dataset") String dataset) {
        return form(AuditForm.fresh(student, teacher, dataset), Map.of(), null);
    }

    /** Checks the form, sends it to the runner, and goes to the new audit; any refusal is shown in the form. */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN })
    public Uni<Response> request(@BeanParam AuditForm form) {
        Map<String, String> errors = form.validate(mapper);
        if (!errors.isEmpty()) {
            ConsoleProblem problem = new ConsoleProblem(422, "Check the form",
                    errors.size() == 1 ? "One field needs a change." : errors.size() + " fields need a change.", List.of());
            return Uni.createFrom().item(Response.status(422).entity(form(form, errors, problem)).build());
        }
        return console.requestAudit(form.toRequest(mapper))
                .map(created -> Response.seeOther(URI.create("/console/audits/" + created.get("id"))).build())
                .onFailure(ConsoleProblem.class).recoverWithItem(failure -> {
                    ConsoleProblem problem = (ConsoleProblem) failure;
                    if (problem.status() >= 500 || problem.status() == 401 || problem.status() == 403) {
                        throw problem;
                    }
                    return Response.status(problem.status())
                            .entity(form(form, AuditForm.fieldErrors(problem.errors()), problem)).build();
                });
    }

    @POST
    @Path("{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed({ Roles.AUDITOR, Roles.ADMIN })
    public Uni<Response> cancel(@PathParam("id") String id) {
        return console.cancelAudit(id).map(cancelled -> Response.seeOther(URI.create("/console/audits/" + id)).build());
    }

    private TemplateInstance form(AuditForm form, Map<String, String> errors, ConsoleProblem problem) {
        return request.data("form", form).data("errors", errors).data("problem", problem);
    }
}

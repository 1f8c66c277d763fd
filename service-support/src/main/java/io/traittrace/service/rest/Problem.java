package io.traittrace.service.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details, the body of every error this API returns ({@code application/problem+json}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}

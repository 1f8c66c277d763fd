package io.traittrace.service.rest;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;
import io.traittrace.api.problem.Problem;

/**
 * Problem details as every service writes them: the API contract's {@link Problem}, without the members it leaves
 * empty (no {@code instance} where there is none, no {@code errors} for a single refusal). The contract itself knows
 * no JSON library.
 */
@Singleton
public class ProblemJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addMixIn(Problem.class, NonEmpty.class);
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private interface NonEmpty {
    }
}

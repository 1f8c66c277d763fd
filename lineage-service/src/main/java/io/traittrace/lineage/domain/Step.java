package io.traittrace.lineage.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step of an exposure path, read from the exposed model outwards: the model itself, then bases
 * ("finetune", "merge", ...), a dataset it was "trained-on", the model that "generated-by" that dataset, and so on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Step(String model, String dataset, String relation) {

    public static final String TRAINED_ON = "trained-on";
    public static final String GENERATED_BY = "generated-by";

    public static Step start(String model) {
        return new Step(model, null, null);
    }

    public static Step base(String model, Relation relation) {
        return new Step(model, null, relation.wire());
    }

    public static Step trainedOn(String dataset) {
        return new Step(null, dataset, TRAINED_ON);
    }

    public static Step generatedBy(String model) {
        return new Step(model, null, GENERATED_BY);
    }
}

package io.traittrace.e2e;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Lineage records as the API takes them ({@code POST /api/lineage/import}). */
final class Lineage {

    private Lineage() {
    }

    /** A model: a root without {@code base}, else a fine-tune of it; a certificate needs a {@code digest}, an audit too. */
    static ObjectNode model(String id, String base, boolean withDigest) {
        ObjectNode model = Api.JSON.createObjectNode().put("id", id).put("name", "e2e/" + id);
        if (withDigest) {
            model.put("digest", digestOf(id));
        }
        if (base != null) {
            model.putArray("bases").addObject().put("model", base).put("relation", "finetune");
        }
        return model;
    }

    /** A dataset a model generated (its students share the generator's exposure), or of unknown origin. */
    static ObjectNode dataset(String id, String generatedBy) {
        ObjectNode dataset = Api.JSON.createObjectNode().put("id", id).put("name", "e2e " + id).put("rows", 1000);
        if (generatedBy != null) {
            dataset.put("generatedBy", generatedBy);
        }
        return dataset;
    }

    static ObjectNode trainingRun(String id, String output, String dataset) {
        ObjectNode run = Api.JSON.createObjectNode().put("id", id).put("output", output).put("method", "sft");
        run.putArray("datasets").add(dataset);
        return run;
    }

    /** One import: models, datasets and training runs written in one transaction. */
    static ObjectNode batch(List<ObjectNode> models, List<ObjectNode> datasets, List<ObjectNode> trainingRuns) {
        ObjectNode batch = Api.JSON.createObjectNode();
        ArrayNode m = batch.putArray("models");
        models.forEach(m::add);
        ArrayNode d = batch.putArray("datasets");
        datasets.forEach(d::add);
        ArrayNode t = batch.putArray("trainingRuns");
        trainingRuns.forEach(t::add);
        return batch;
    }

    /** A made-up but well-formed content digest, distinct per id. */
    static String digestOf(String id) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

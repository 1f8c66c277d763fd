package io.traittrace.lineage.domain;

import java.util.List;
import java.util.Set;

/** The read side of lineage that exposure analysis needs; implemented in memory over a loaded region of the graph. */
public interface LineageGraph {

    record BaseEdge(String base, Relation relation) {
    }

    record TrainingData(String dataset, String generator, DatasetOrigin origin) {
    }

    /** Declared bases, in declaration order. */
    List<BaseEdge> bases(String model);

    /** Every dataset any training run of this model consumed. */
    List<TrainingData> trainingData(String model);

    /** The roots (pretrained models) this model descends from through base edges. */
    Set<String> roots(String model);
}

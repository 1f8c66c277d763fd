package io.traittrace.lineage.domain;

/** An analysis stopped because it had weighed more exposures than its budget allows. */
public final class ExposureBudgetExceeded extends RuntimeException {

    private final long budget;

    public ExposureBudgetExceeded(long budget) {
        super("Exposure analysis weighed more than " + budget + " exposure records");
        this.budget = budget;
    }

    public long budget() {
        return budget;
    }
}
